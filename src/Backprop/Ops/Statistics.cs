namespace Backprop;

// Var and Std: var = Σ(x − x̄)² / (N − correction), std = √var. The forward takes the two-pass route
// (mean first, then squared deviations), which does not cancel catastrophically as E[x²] − x̄² can.
public partial class Tensor
{
    /// <summary>
    /// The variance over the given dims (all when null or empty), dividing by N − correction (1: unbiased, the
    /// default; 0: population); like torch.var(input, dim, correction=correction, keepdim=keepdim).
    /// </summary>
    public Tensor Var(int[]? dims = null, int correction = 1, bool keepDim = false)
    {
        var (mask, divisor) = VarianceSetup("Var", dims, correction);
        var x = this;
        var y = SquaredDeviationSum(mask, keepDim).Div(divisor);
        return Graph.Record(y, OpCatalog.Var, x, g => VarBackward(g, x, mask, keepDim, divisor), new SavedTensors(x));
    }

    /// <summary>The variance along one dim; like torch.var(input, dim, correction=correction, keepdim=keepdim).</summary>
    public Tensor Var(int dim, int correction = 1, bool keepDim = false) => Var([dim], correction, keepDim);

    /// <summary>
    /// The standard deviation over the given dims (all when null or empty), √(Σ(x − x̄)² / (N − correction));
    /// like torch.std(input, dim, correction=correction, keepdim=keepdim). Where it is 0 the gradient is 0, as in PyTorch.
    /// </summary>
    public Tensor Std(int[]? dims = null, int correction = 1, bool keepDim = false)
    {
        var (mask, divisor) = VarianceSetup("Std", dims, correction);
        var x = this;
        var y = SquaredDeviationSum(mask, keepDim).Div(divisor).Sqrt();
        return Graph.Record(y, OpCatalog.Std, x, g =>
        {
            // d√v = dv / (2√v); PyTorch's std_backward takes it as 0 where std = 0 rather than ∞·0 = NaN.
            var gVar = Where(y.Eq(0), 0.0, g.Div(y.Mul(2)));
            return VarBackward(gVar, x, mask, keepDim, divisor);
        }, new SavedTensors(x, y));
    }

    /// <summary>The standard deviation along one dim; like torch.std(input, dim, correction=correction, keepdim=keepdim).</summary>
    public Tensor Std(int dim, int correction = 1, bool keepDim = false) => Std([dim], correction, keepDim);

    /// <summary>The reduced dims and the divisor max(0, N − correction): 0 makes the result ∞ or NaN, as in PyTorch.</summary>
    private (bool[] Mask, double Divisor) VarianceSetup(string op, int[]? dims, int correction)
    {
        if (!DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: std and var only support floating point and complex dtypes, but got {DType.TorchName()}");
        var mask = Shapes.ReducedDims(op, dims ?? [], Dim);
        return (mask, Math.Max(0, ReducedCount(mask) - correction));
    }

    /// <summary>Σ(x − x̄)² over the masked dims, outside the graph.</summary>
    private Tensor SquaredDeviationSum(bool[] mask, bool keepDim)
    {
        var dims = MaskDims(mask);
        using (Autograd.NoGrad())
        {
            var deviation = Sub(Mean(dims, keepDim: true));
            return deviation.Mul(deviation).Sum(dims, keepDim);
        }
    }

    /// <summary>d var / dx = 2 (x − x̄) / (N − correction), times the gradient spread back over the reduced dims.</summary>
    private static Tensor VarBackward(Tensor g, Tensor x, bool[] mask, bool keepDim, double divisor)
        => g.ExpandReduced(mask, keepDim, x.ShapeArray).Mul(x.Sub(x.Mean(MaskDims(mask), keepDim: true))).Mul(2 / divisor);
}
