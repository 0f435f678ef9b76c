namespace Backprop.NN;

/// <summary>Merges dims startDim..endDim into one (by default all but the batch dim); like torch.nn.Flatten(start_dim, end_dim).</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module<Tensor, Tensor>
{
    /// <summary>The first dim merged; like flatten.start_dim.</summary>
    public int StartDim { get; } = startDim;

    /// <summary>The last dim merged; like flatten.end_dim.</summary>
    public int EndDim { get; } = endDim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString() => $"Flatten(start_dim={StartDim}, end_dim={EndDim})";
}

/// <summary>Returns its input unchanged: a placeholder layer; like torch.nn.Identity.</summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input;

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString() => "Identity()";
}
