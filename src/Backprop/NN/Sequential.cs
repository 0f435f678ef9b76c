namespace Backprop.NN;

/// <summary>Runs its children in order, each on the previous one's output; children are named "0", "1", …; like torch.nn.Sequential.</summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> _layers = [];

    /// <summary>A pipeline of the given modules.</summary>
    public Sequential(params Module<Tensor, Tensor>[] layers)
    {
        foreach (var layer in layers) Append(layer);
    }

    /// <summary>Adds a module at the end; like Sequential.append.</summary>
    public Sequential Append(Module<Tensor, Tensor> layer)
    {
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>The number of modules; like len(sequential).</summary>
    public int Count => _layers.Count;

    /// <summary>The module at index (negative counts from the end); like sequential[i].</summary>
    public Module<Tensor, Tensor> this[int index]
    {
        get
        {
            int i = index < 0 ? index + _layers.Count : index;
            if (i < 0 || i >= _layers.Count)
                throw new ArgumentOutOfRangeException(nameof(index), $"Sequential: index {index} is out of range for {_layers.Count} modules");
            return _layers[i];
        }
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var layer in _layers) x = layer.Call(x);   // module(x) in PyTorch: each layer's hooks run
        return x;
    }
}
