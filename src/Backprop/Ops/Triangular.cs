namespace Backprop;

// Tril and Triu: the lower or upper triangle of the last two dims, the rest zeroed. Composed of a mask and Where,
// so the gradient (the same triangle of the incoming gradient) and second derivatives come from Where's.
public partial class Tensor
{
    /// <summary>
    /// The elements on and below the given diagonal of the last two dims (0 the main one, positive above it,
    /// negative below), the others zero; like torch.tril(input, diagonal).
    /// </summary>
    public Tensor Tril(int diagonal = 0) => Triangle("Tril", diagonal, lower: true);

    /// <summary>
    /// The elements on and above the given diagonal of the last two dims (0 the main one, positive above it,
    /// negative below), the others zero; like torch.triu(input, diagonal).
    /// </summary>
    public Tensor Triu(int diagonal = 0) => Triangle("Triu", diagonal, lower: false);

    private Tensor Triangle(string op, int diagonal, bool lower)
    {
        if (Dim < 2) throw new ArgumentException($"{op}: input tensor must have at least 2 dimensions, got {Dim}");
        int rows = ShapeArray[Dim - 2], cols = ShapeArray[Dim - 1];
        // keep[i, j] = j − i ≤ diagonal (lower) or j − i ≥ diagonal (upper)
        Tensor keep;
        using (Autograd.NoGrad())
        {
            var offset = Arange(0L, cols).Unsqueeze(0).Sub(Arange(0L, rows).Unsqueeze(1));
            keep = lower ? offset.Le(diagonal) : offset.Ge(diagonal);
        }
        return Where(keep, this, Zeros([], DType));   // a 0-dim zero of the same dtype: the result keeps it
    }
}
