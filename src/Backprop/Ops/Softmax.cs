namespace Backprop;

// Softmax, LogSoftmax and LogSumExp: exponentials normalised along dims, all computed with the max
// subtracted first, so that exp cannot overflow: softmax(x) = softmax(x − m), logΣeˣ = m + logΣe^(x−m).
public partial class Tensor
{
    /// <summary>e^xᵢ / Σⱼ e^xⱼ along dim, computed stably; like torch.softmax(input, dim).</summary>
    public Tensor Softmax(int dim)
    {
        int d = Shapes.NormalizeDim("Softmax", dim, Dim);
        var y = SoftmaxForward("Softmax", d, log: false);
        // dL/dx = y ⊙ (g − Σ(g ⊙ y)): the Jacobian diag(y) − y yᵀ applied to g, as one op with its own backward.
        return Tracing.Op(Graph.Record(y, OpCatalog.Softmax, this, (y, d), static (g, s) => SoftmaxBackward(g, s.y, s.d, log: false),
            new SavedTensors(y)), OpCatalog.Softmax, this, d);
    }

    /// <summary>log softmax along dim, computed stably as (x − m) − log Σ e^(x − m); like torch.log_softmax(input, dim).</summary>
    public Tensor LogSoftmax(int dim)
    {
        int d = Shapes.NormalizeDim("LogSoftmax", dim, Dim);
        var y = SoftmaxForward("LogSoftmax", d, log: true);
        // dL/dx = g − softmax(x) · Σ g, with softmax(x) = e^y; one op, as Softmax's
        return Tracing.Op(Graph.Record(y, OpCatalog.LogSoftmax, this, (y, d), static (g, s) => SoftmaxBackward(g, s.y, s.d, log: true),
            new SavedTensors(y)), OpCatalog.LogSoftmax, this, d);
    }

    /// <summary>log Σ eˣ along one dim, computed stably; like torch.logsumexp(input, dim, keepdim).</summary>
    public Tensor LogSumExp(int dim, bool keepDim = false) => LogSumExp([dim], keepDim);

    /// <summary>
    /// log Σ eˣ over the given dims (all when empty), computed stably; like torch.logsumexp(input, dims, keepdim).
    /// Integer inputs compute in Float32, as in PyTorch; an empty reduction gives −∞.
    /// </summary>
    public Tensor LogSumExp(int[] dims, bool keepDim = false)
    {
        var mask = Shapes.ReducedDims("LogSumExp", dims, Dim);
        var x = DType.IsFloatingPoint() ? this : ConvertUnchecked(DType.Float32);
        var shape = ReducedShape(mask, keepDim);
        Tensor y;
        if (ReducedCount(mask) == 0) y = Full(shape, double.NegativeInfinity, x.DType);   // log of an empty sum
        else
            using (Autograd.NoGrad())
            {
                var m = x.ExtremeValues<Kernels.MaxExtreme>(mask, keepDim: true);
                // An infinite max would make x − m NaN (∞ − ∞); shifting by 0 there is exact: the sum is 0 or ∞ anyway.
                m = Where(m.Abs().Eq(double.PositiveInfinity), 0.0, m);
                y = x.Sub(m).Exp().Sum(MaskDims(mask), keepDim: true).Log().Add(m).Reshape(shape);
            }
        // d/dx log Σ eˣ = eˣ / Σ eˣ = e^(x − y)
        return Graph.Record(y, OpCatalog.Logsumexp, this,
            g => g.ExpandReduced(mask, keepDim, x.ShapeArray).Mul(x.Sub(y.ExpandReduced(mask, keepDim, x.ShapeArray)).Exp()),
            new SavedTensors(x, y));
    }

    /// <summary>
    /// Softmax's (log-softmax's) gradient from g and the output y along dim d, as one op whose fused kernel serves plain
    /// and createGraph passes alike; like torch's _softmax_backward_data (_log_softmax_backward_data). Its own backward:
    /// softmax: ∂/∂g = the same op of gg, ∂/∂y = gg ⊙ (g − Σ g ⊙ y) − g · Σ gg ⊙ y;
    /// log-softmax: ∂/∂g = gg − Σ gg ⊙ e^y, ∂/∂y = −gg ⊙ e^y · Σ g.
    /// </summary>
    internal static Tensor SoftmaxBackward(Tensor g, Tensor y, int d, bool log)
    {
        var r = SoftmaxBackwardKernel(g, y, d, log);
        return Graph.Record(r, log ? OpCatalog.LogSoftmaxBackwardData : OpCatalog.SoftmaxBackwardData, g, y, (g, y, d, log),
            static (gg, s) =>
            {
                var (g, y, d, log) = s;
                if (log)
                {
                    var e = y.Exp();
                    return (g.RequiresGrad ? gg.Sub(gg.Mul(e).Sum(d, keepDim: true)) : null,
                            y.RequiresGrad ? gg.Mul(e).Mul(g.Sum(d, keepDim: true)).Neg() : null);
                }
                return (g.RequiresGrad ? SoftmaxBackward(gg, y, d, log: false) : null,
                        y.RequiresGrad ? gg.Mul(g.Sub(g.Mul(y).Sum(d, keepDim: true))).Sub(g.Mul(gg.Mul(y).Sum(d, keepDim: true))) : null);
            },
            new SavedTensors(g, y));
    }

    /// <summary>Softmax's or log-softmax's gradient from g and the output y (contiguous, floating-point) along dim d, outside the graph.</summary>
    private static Tensor SoftmaxBackwardKernel(Tensor g, Tensor y, int d, bool log)
    {
        var gc = g.DType == y.DType ? (g.IsContiguous ? g : g.CloneContiguous()) : g.To(y.DType).Contiguous();
        var shape = y.ShapeArray;
        int outer = 1, n = y.Dim == 0 ? 1 : shape[d], inner = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < y.Dim; i++) inner *= shape[i];
        var dx = Uninitialized(y.DType, shape);   // every element written
        var kernel = new SoftmaxRun(outer, n, inner, log);
        Dispatch.Float(ref kernel, gc, y, dx);
        return dx;
    }

    /// <summary>Softmax or log-softmax along the (normalised) dim d, outside the graph.</summary>
    private Tensor SoftmaxForward(string op, int d, bool log)
    {
        if (!DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: not implemented for {DType.TorchName()}; it needs a floating-point tensor (convert with To(DType.Float32) first)");
        var mask = new bool[Dim];
        if (Dim > 0) mask[d] = true;
        var (x, outer, n, inner) = ReductionLayout(mask);
        var y = Uninitialized(DType, ShapeArray);
        var kernel = new SoftmaxRun(outer, n, inner, log);
        Dispatch.Float(ref kernel, x, y);
        return y;
    }

    /// <summary>Forward (a → b) when c is absent; backward (gradient a, output b → c) otherwise.</summary>
    private readonly struct SoftmaxRun(int outer, int n, int inner, bool log) : IFloatKernel
    {
        public void Run<T>(Lent<T> a, Lent<T> b, Lent<T> c) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            if (c.IsNone) Kernels.Softmax.Forward<T>(a.Span, outer, n, inner, b.Span, log);
            else Kernels.Softmax.Backward<T>(a.Span, b.Span, outer, n, inner, c.Span, log);
        }
    }
}
