namespace Backprop.Data;

/// <summary>Lets a batch of tensors be taken apart by position: <c>foreach (var (x, y) in loader)</c>, as in Python.</summary>
public static class BatchDeconstruction
{
    /// <summary>Splits a two-tensor batch (input, target).</summary>
    public static void Deconstruct(this Tensor[] batch, out Tensor first, out Tensor second)
    {
        CheckLength(batch, 2);
        (first, second) = (batch[0], batch[1]);
    }

    /// <summary>Splits a three-tensor batch.</summary>
    public static void Deconstruct(this Tensor[] batch, out Tensor first, out Tensor second, out Tensor third)
    {
        CheckLength(batch, 3);
        (first, second, third) = (batch[0], batch[1], batch[2]);
    }

    private static void CheckLength(Tensor[] batch, int expected)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Length != expected)
            throw new ArgumentException($"Deconstruct: the batch has {batch.Length} tensors and can't be unpacked into {expected}");
    }
}
