namespace Backprop;

// Cumsum: a running sum along one dim, accumulated in double for floats (as torch's CPU kernel accumulates in
// acc_type) and in long for integers; the gradient is the running sum from the other end: Σ_j≥i g_j = total − Σ_j≤i g_j + g_i.
public partial class Tensor
{
    /// <summary>y_i = x_0 + … + x_i along dim; bools and integers sum as Int64; like torch.cumsum(input, dim).</summary>
    public Tensor Cumsum(int dim)
    {
        int d = Dim == 0 ? Shapes.NormalizeDim("Cumsum", dim, 1) : Shapes.NormalizeDim("Cumsum", dim, Dim);
        if (Dim == 0) return DType.IsFloatingPoint() ? Clone() : To(DType.Int64);
        var source = DType.IsFloatingPoint() || DType == DType.Int64 ? Contiguous() : To(DType.Int64);
        var result = Uninitialized(source.DType, ShapeArray);
        int n = ShapeArray[d];
        int inner = 1;
        for (int j = d + 1; j < Dim; j++) inner *= ShapeArray[j];
        int outer = n == 0 ? 0 : Numel / (n * inner);
        var (doubles, longs) = source.ToDoubleOrLong();
        var kernel = new CumsumRun(doubles, longs, outer, n, inner);
        Dispatch.Number(ref kernel, result);
        if (!DType.IsFloatingPoint()) return result;
        return Graph.Record(result, OpCatalog.Cumsum, this, g => g.Sum(d, keepDim: true).Sub(g.Cumsum(d)).Add(g));
    }

    /// <summary>The running sums of the source's elements (doubles for floats, longs for integers) written into y.</summary>
    private readonly struct CumsumRun(double[]? doubles, long[]? longs, int outer, int n, int inner) : INumberKernel
    {
        public void Run<T>(Lent<T> result, Lent<T> unused1, Lent<T> unused2) where T : unmanaged, System.Numerics.INumber<T>
        {
            var y = result.Span;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    if (doubles is not null)
                    {
                        double sum = 0;
                        for (int k = 0; k < n; k++) { int at = (o * n + k) * inner + i; sum += doubles[at]; y[at] = T.CreateTruncating(sum); }
                    }
                    else
                    {
                        long sum = 0;
                        for (int k = 0; k < n; k++) { int at = (o * n + k) * inner + i; sum += longs![at]; y[at] = T.CreateTruncating(sum); }
                    }
                }
        }
    }

    /// <summary>The elements in row-major order, as doubles (floats) or longs (integers).</summary>
    private (double[]? Doubles, long[]? Longs) ToDoubleOrLong() =>
        DType.IsFloatingPoint() ? (ToDoubleArray(), null) : (null, To(DType.Int64).ToArray<long>());
}
