namespace Backprop.NN;

/// <summary>How <see cref="F.Pad"/> fills the border; like F.pad's mode strings.</summary>
public enum PadMode
{
    /// <summary>A constant value ('constant').</summary>
    Constant,

    /// <summary>The mirror image without the edge ('reflect').</summary>
    Reflect,

    /// <summary>The edge value repeated ('replicate').</summary>
    Replicate,
}

public static partial class F
{
    /// <summary>
    /// Pads the last dims: pad = (left, right) of the last dim, then of the one before, and so on; negative amounts
    /// crop. Constant (with value) pads any number of dims; reflect and replicate pad up to the last three and need
    /// amounts below (reflect) the size. Composed of Cat, Narrow and IndexSelect, so it has every derivative. Like
    /// torch.nn.functional.pad(input, pad, mode, value).
    /// </summary>
    public static Tensor Pad(Tensor input, int[] pad, PadMode mode = PadMode.Constant, double value = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(pad);
        if (pad.Length % 2 != 0) throw new ArgumentException($"Pad: Padding length must be divisible by 2, got {pad.Length}");
        int dims = pad.Length / 2;
        if (dims > input.Dim) throw new ArgumentException($"Pad: Padding length ({pad.Length}) is too large for an input of {input.Dim} dims");
        if (mode != PadMode.Constant && dims > 3)
            throw new ArgumentException($"Pad: {mode.ToString().ToLowerInvariant()} padding pads at most the last 3 dims, got a padding of length {pad.Length}");
        var x = input;
        for (int i = 0; i < dims; i++)
        {
            int d = input.Dim - 1 - i, left = pad[2 * i], right = pad[2 * i + 1];
            x = mode == PadMode.Constant ? PadConstant(x, d, left, right, value) : PadByIndex(x, d, left, right, mode);
        }
        return x;
    }

    private static Tensor PadConstant(Tensor x, int d, int left, int right, double value)
    {
        if (left < 0) { x = x.Narrow(d, -left, x.Shape[d] + left); left = 0; }
        if (right < 0) { x = x.Narrow(d, 0, x.Shape[d] + right); right = 0; }
        if (x.Shape[d] < 0) throw new ArgumentException("Pad: the cropping is larger than the dimension");
        var parts = new List<Tensor>();
        Tensor Block(int n)
        {
            var shape = x.Shape.ToArray();
            shape[d] = n;
            return Tensor.Full(shape, value, x.DType);
        }
        if (left > 0) parts.Add(Block(left));
        parts.Add(x);
        if (right > 0) parts.Add(Block(right));
        return parts.Count == 1 ? x : Tensor.Cat([.. parts], d);
    }

    private static Tensor PadByIndex(Tensor x, int d, int left, int right, PadMode mode)
    {
        int n = x.Shape[d];
        if (mode == PadMode.Reflect && (left >= n || right >= n))
            throw new ArgumentException($"Pad: Padding size should be less than the corresponding input dimension, but got: padding ({left}, {right}) at dimension {d} of input {Shapes.Format(x.Shape.ToArray())}");
        if (n == 0) throw new ArgumentException($"Pad: {mode.ToString().ToLowerInvariant()} padding needs a non-empty dimension {d}");
        var index = new long[Math.Max(0, left + n + right)];
        for (int k = 0; k < index.Length; k++)
        {
            int j = k - left;   // position in the input, before folding back
            index[k] = mode == PadMode.Replicate ? Math.Clamp(j, 0, n - 1) : j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
        }
        return x.IndexSelect(d, Tensor.From(index));
    }
}
