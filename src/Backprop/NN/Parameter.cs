namespace Backprop.NN;

/// <summary>
/// A tensor that a <see cref="Module"/> owns as trainable state: a leaf that requires grad by default and
/// shares the storage of the tensor it was made from. Like torch.nn.Parameter.
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps data (detached from any graph, storage shared) as a parameter; like nn.Parameter(data, requires_grad).</summary>
    public Parameter(Tensor data, bool requiresGrad = true)
        : base(data.Storage, data.StorageOffset, data.ShapeArray, data.StrideArray)
    {
        RequiresGrad_(requiresGrad);
    }

    /// <summary>Prints as PyTorch prints a parameter: "Parameter containing:" and the tensor.</summary>
    public override string ToString() => "Parameter containing:\n" + base.ToString();
}
