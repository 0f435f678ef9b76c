namespace Backprop.Data;

/// <summary>
/// Samples taken along the first dimension of one or more tensors of equal first size: sample i is
/// [t0[i], t1[i], ...] (views, no copies). Like torch.utils.data.TensorDataset.
/// </summary>
public sealed class TensorDataset : Dataset<Tensor[]>
{
    private readonly Tensor[] _tensors;

    /// <summary>A dataset over tensors that all have the same size in dim 0; like TensorDataset(*tensors).</summary>
    public TensorDataset(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("TensorDataset: at least one tensor is needed");
        for (int k = 0; k < tensors.Length; k++)
        {
            ArgumentNullException.ThrowIfNull(tensors[k], $"tensors[{k}]");
            if (tensors[k].Dim == 0)
                throw new ArgumentException($"TensorDataset: tensor {k} is 0-d; every tensor needs a first dimension to index");
            if (tensors[k].Shape[0] != tensors[0].Shape[0])
                throw new ArgumentException(
                    $"TensorDataset: size mismatch between tensors: tensor 0 has shape {Shapes.Format(tensors[0].Shape)} " +
                    $"but tensor {k} has shape {Shapes.Format(tensors[k].Shape)} (the sizes of dim 0 must match)");
        }
        _tensors = [.. tensors];
    }

    /// <summary>The tensors the samples come from; like dataset.tensors.</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <inheritdoc/>
    public override int Count => _tensors[0].Shape[0];

    /// <summary>Row index of every tensor, as views; like dataset[index].</summary>
    public override Tensor[] Get(int index)
    {
        CheckIndex(index);
        var sample = new Tensor[_tensors.Length];
        for (int k = 0; k < _tensors.Length; k++) sample[k] = _tensors[k].Select(0, index);
        return sample;
    }
}
