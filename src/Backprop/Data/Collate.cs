namespace Backprop.Data;

/// <summary>Turns a list of samples into one batch: the default collation of torch.utils.data.</summary>
public static class Collate
{
    /// <summary>
    /// Stacks the samples field by field along a new dim 0: field k of the batch has shape [samples, ...shape of
    /// field k]. Every sample must have the same number of fields, and field k the same shape and dtype in all of
    /// them. The batch is new data outside the autograd graph. Like default_collate (torch.stack per field).
    /// </summary>
    public static Tensor[] Stack(IReadOnlyList<Tensor[]> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) throw new ArgumentException("Collate: a batch needs at least one sample");
        int fields = samples[0].Length;
        var batch = new Tensor[fields];
        var items = new Tensor[samples.Count];
        for (int k = 0; k < fields; k++)
        {
            for (int i = 0; i < samples.Count; i++)
            {
                if (samples[i].Length != fields)
                    throw new ArgumentException($"Collate: each sample in the batch must have the same number of tensors, " +
                                                $"but sample 0 has {fields} and sample {i} has {samples[i].Length}");
                items[i] = samples[i][k];
            }
            batch[k] = Stack(items, k);
        }
        return batch;
    }

    private static Tensor Stack(Tensor[] items, int field)
    {
        var first = items[0];
        for (int i = 1; i < items.Length; i++)
        {
            if (!items[i].Shape.SequenceEqual(first.Shape))
                throw new ArgumentException($"Collate: stack expects each tensor to be equal size, but got {Shapes.Format(first.Shape)} " +
                                            $"at entry 0 and {Shapes.Format(items[i].Shape)} at entry {i} (tensor {field} of each sample)");
            if (items[i].DType != first.DType)
                throw new ArgumentException($"Collate: tensor {field} is {first.DType.TorchName()} in sample 0 but " +
                                            $"{items[i].DType.TorchName()} in sample {i}");
        }
        // The rows are stacked as torch.stack does in default_collate; the batch is data, outside any graph.
        using (Autograd.NoGrad()) return Tensor.Stack(items);
    }
}
