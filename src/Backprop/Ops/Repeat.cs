namespace Backprop;

// Repeat: tiles the tensor, composed of Expand and Reshape (so the gradient sums over the copies by itself).
public partial class Tensor
{
    /// <summary>
    /// The tensor tiled repeats[i] times along each dim (leading repeats add dims); like torch.Tensor.repeat(*sizes).
    /// </summary>
    public Tensor Repeat(params int[] repeats)
    {
        ArgumentNullException.ThrowIfNull(repeats);
        if (repeats.Length < Dim)
            throw new ArgumentException($"Repeat: Number of dimensions of repeat dims ({repeats.Length}) can not be smaller than number of dimensions of tensor ({Dim})");
        if (repeats.Any(r => r < 0)) throw new ArgumentException($"Repeat: Trying to create tensor with negative dimension in repeats {Shapes.Format(repeats)}");
        int lead = repeats.Length - Dim;
        var padded = Enumerable.Repeat(1, lead).Concat(ShapeArray).ToArray();
        // [.., 1, s_i, ..] expanded to [.., r_i, s_i, ..], then merged: copy k of dim i is block k of the result.
        var interleaved = new int[2 * repeats.Length];
        var expanded = new int[2 * repeats.Length];
        for (int i = 0; i < repeats.Length; i++)
        {
            (interleaved[2 * i], interleaved[2 * i + 1]) = (1, padded[i]);
            (expanded[2 * i], expanded[2 * i + 1]) = (repeats[i], padded[i]);
        }
        var result = Reshape(interleaved).Expand(expanded).Reshape(repeats.Select((r, i) => r * padded[i]).ToArray());
        return result;
    }
}
