namespace Backprop;

// Where, Clamp, Maximum, Minimum: ops that pick between values, and route the gradient the same way.
public partial class Tensor
{
    /// <summary>Elementwise condition ? a : b, broadcasting all three; like torch.where(condition, a, b).</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        if (condition.DType != DType.Bool)
            throw new ArgumentException($"Where: expected condition to be a torch.bool tensor, but got {condition.DType.TorchName()}");
        var shape = Shapes.Broadcast("Where", Shapes.Broadcast("Where", condition.ShapeArray, a.ShapeArray), b.ShapeArray);
        var dtype = TypePromotion.ResultType(a, b);
        var ta = a.DType == dtype ? a : a.ConvertUnchecked(dtype);
        var tb = b.DType == dtype ? b : b.ConvertUnchecked(dtype);
        var result = Uninitialized(dtype, shape);
        var sc = Shapes.BroadcastStrides(condition.ShapeArray, condition.StrideArray, shape);
        var sa = Shapes.BroadcastStrides(ta.ShapeArray, ta.StrideArray, shape);
        var sb = Shapes.BroadcastStrides(tb.ShapeArray, tb.StrideArray, shape);
        var kernel = new WhereRun(sc, sa, sb);
        Dispatch.Where(ref kernel, condition, ta, tb, result);
        Tracing.Current?.Op(Tracing.Report(OpCatalog.Where, result, [condition, a, b], []));
        return Graph.Record(result, OpCatalog.Where, a, b,
            g => (a.RequiresGrad ? Where(condition, g, ZerosLike(g)) : null,
                  b.RequiresGrad ? Where(condition, ZerosLike(g), g) : null),
            new SavedTensors(condition));
    }

    private readonly struct WhereRun(int[] cStrides, int[] aStrides, int[] bStrides) : IWhereKernel
    {
        public void Run<T>(Lent<bool> c, Lent<T> a, Lent<T> b, Lent<T> result) where T : unmanaged
            => Kernels.Elementwise.Where(c.Array, c.Offset, cStrides, a.Array, a.Offset, aStrides, b.Array, b.Offset, bStrides, result.Shape, result.Span);
    }

    /// <summary>Elementwise condition ? a : value; like torch.where(condition, a, value).</summary>
    public static Tensor Where(Tensor condition, Tensor a, double value) => Where(condition, a, Scalar(value, a));

    /// <summary>Elementwise condition ? value : b; like torch.where(condition, value, b).</summary>
    public static Tensor Where(Tensor condition, double value, Tensor b) => Where(condition, Scalar(value, b), b);

    /// <summary>Limits every element to [min, max] (either bound optional); like torch.clamp.</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("Clamp: at least one of min or max must not be null");
        var x = this;
        var y = this;
        if (min is { } lo) y = BinaryKernel<Kernels.MaxOp>("Clamp", y, Scalar(lo, y), TypePromotion.ResultType(y, Scalar(lo, y)));
        if (max is { } hi) y = BinaryKernel<Kernels.MinOp>("Clamp", y, Scalar(hi, y), TypePromotion.ResultType(y, Scalar(hi, y)));
        if (ReferenceEquals(y, this)) y = CloneContiguous();
        Tracing.Current?.Op(Tracing.Report(OpCatalog.Clamp, y, [x], [min, max]));
        return Graph.Record(y, OpCatalog.Clamp, x, g =>
        {
            var inside = min is { } a ? x.Ge(a) : null;                      // the gradient passes where min ≤ x ≤ max
            if (max is { } b) inside = inside is null ? x.Le(b) : inside.LogicalAnd(x.Le(b));
            return Where(inside!, g, ZerosLike(g));
        }, new SavedTensors(x));
    }

    /// <summary>Limits every element to at least min; like torch.clamp_min.</summary>
    public Tensor ClampMin(double min) => Clamp(min, null);

    /// <summary>Limits every element to at most max; like torch.clamp_max.</summary>
    public Tensor ClampMax(double max) => Clamp(null, max);

    /// <summary>Elementwise maximum, broadcasting; a tie sends half the gradient each way, as in PyTorch; like torch.maximum.</summary>
    public Tensor Maximum(Tensor other)
    {
        var a = this;
        var y = BinaryKernel<Kernels.MaxOp>("Maximum", a, other, TypePromotion.ResultType(a, other));
        return Graph.Record(y, OpCatalog.Maximum, a, other, g => TieSplit(g, a, other, a.Gt(other), other.Gt(a)), new SavedTensors(a, other));
    }

    /// <summary>Elementwise minimum, broadcasting; a tie sends half the gradient each way, as in PyTorch; like torch.minimum.</summary>
    public Tensor Minimum(Tensor other)
    {
        var a = this;
        var y = BinaryKernel<Kernels.MinOp>("Minimum", a, other, TypePromotion.ResultType(a, other));
        return Graph.Record(y, OpCatalog.Minimum, a, other, g => TieSplit(g, a, other, a.Lt(other), other.Lt(a)), new SavedTensors(a, other));
    }

    private static (Tensor?, Tensor?) TieSplit(Tensor g, Tensor a, Tensor b, Tensor aWins, Tensor bWins)
    {
        var shared = Where(a.Eq(b), g.Div(2), g);
        return (a.RequiresGrad ? Where(bWins, ZerosLike(shared), shared) : null,
                b.RequiresGrad ? Where(aWins, ZerosLike(shared), shared) : null);
    }
}
