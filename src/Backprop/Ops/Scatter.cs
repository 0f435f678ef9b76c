namespace Backprop;

// Scatter writes src's elements (or one value) into a copy of self at the index's positions along dim: the inverse
// of Gather. Its backward: the overwritten positions of self get no gradient (grad.scatter(dim, index, 0)), and each
// src element gets the gradient of the position it was written to (grad.gather(dim, index)), as in torch's
// derivatives.yaml.
public partial class Tensor
{
    /// <summary>
    /// A copy of self with src written at the index's positions along dim: out[index[i][j]][j] = src[i][j] for dim 0
    /// (and so on for other dims). index has self's number of dims and is no larger than src, nor than self apart from
    /// dim; a position named twice keeps the later value in row-major order. Like torch.scatter(self, dim, index, src),
    /// except that a src element overwritten by a later one gets zero gradient (torch gives it the position's).
    /// </summary>
    public Tensor Scatter(int dim, Tensor index, Tensor src)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(src);
        if (Dim == 0 && index.Dim == 0 && src.Dim == 0)
            return Reshape(1).Scatter(Shapes.NormalizeDim("Scatter", dim, 0), index.Reshape(1), src.Reshape(1)).Reshape();
        int d = CheckScatter("Scatter", dim, index, src);
        var positions = CheckedIndex("Scatter", index, d, ShapeArray[d]);
        var result = CloneContiguous();
        var kernel = new ScatterRun(d);
        Dispatch.Indexed(ref kernel, result, src, positions);
        var indexShape = index.ShapeArray;
        var self = this;
        return Graph.Record(result, OpCatalog.Scatter, this, src, g =>
        {
            Tensor? gs = null;
            if (src.RequiresGrad)
            {
                gs = g.Gather(d, index);
                if (HasRepeats(self.ShapeArray, d, index, out var written))   // an element overwritten by a later one reached no output
                    gs = Where(written, gs, 0.0);
                if (!Shapes.Equal(indexShape, src.ShapeArray))   // src beyond the index's extent was not written
                    gs = EmbedInZeros(gs, src.ShapeArray, z => NarrowTo(z, indexShape), OpCatalog.SliceBackward);
            }
            return (g.Scatter(d, index, 0.0), gs);
        }, new SavedTensors(index));
    }

    /// <summary>
    /// Whether the index names a position twice; if so, a mask in the index's shape of the writes that stayed (the last
    /// one to each position, in row-major order). torch 1.13 gives every src element grad.gather(dim, index), so an
    /// overwritten element gets the gradient of a value it never made; here it gets zero, as gradcheck demands.
    /// </summary>
    private static bool HasRepeats(int[] selfShape, int dim, Tensor index, out Tensor written)
    {
        using var _ = Autograd.NoGrad();
        var order = Arange((long)index.Numel).Reshape(index.ShapeArray);
        var last = Zeros(selfShape, DType.Int64).Scatter(dim, index, order).Gather(dim, index);
        written = last.Eq(order);
        return !written.All();
    }

    /// <summary>A copy of self with value written at the index's positions along dim; like torch.scatter(self, dim, index, value).</summary>
    public Tensor Scatter(int dim, Tensor index, double value)
    {
        ArgumentNullException.ThrowIfNull(index);
        CheckIndexDType("Scatter", "scatter()", index);
        var src = Full(index.ShapeArray, value, DType);
        Tensor result;
        using (Autograd.NoGrad()) result = Scatter(dim, index, src);
        int d = Shapes.NormalizeDim("Scatter", dim, Math.Max(Dim, 1));
        return Graph.Record(result, OpCatalog.ScatterValue, this, g => g.Scatter(d, index, 0.0), new SavedTensors(index));
    }

    /// <summary>
    /// A copy of self with src added to (Add) or multiplied into (Multiply) the index's positions along dim; like
    /// torch.scatter(self, dim, index, src, reduce='add'|'multiply'). Add is <see cref="ScatterAdd"/> (differentiable);
    /// Multiply, as in PyTorch 1.13, has no derivative: a backward through it throws.
    /// </summary>
    public Tensor Scatter(int dim, Tensor index, Tensor src, ScatterReduce reduce)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(src);
        if (reduce == ScatterReduce.Add)
        {
            CheckScatter("Scatter", Dim == 0 ? 0 : dim, index, src, allowScalars: Dim == 0);
            return ScatterAdd(dim, index, src);
        }
        if (reduce != ScatterReduce.Multiply) throw new ArgumentException($"Scatter: reduce argument must be either Add or Multiply (got {reduce})");
        if (DType == DType.Bool) throw new ArgumentException("Scatter: \"scatter_reduce\" with Multiply is not implemented for torch.bool tensors");
        if (Dim == 0 && index.Dim == 0 && src.Dim == 0)
            return Reshape(1).Scatter(Shapes.NormalizeDim("Scatter", dim, 0), index.Reshape(1), src.Reshape(1), reduce).Reshape();
        int d = CheckScatter("Scatter", dim, index, src);
        var positions = CheckedIndex("Scatter", index, d, ShapeArray[d]);
        var result = CloneContiguous();
        var kernel = new ScatterMultiplyRun(d);
        Dispatch.NumberIndexed(ref kernel, result, src, positions);
        return Graph.Record(result, OpCatalog.ScatterMultiply, this, src, NoMultiplyDerivative, new SavedTensors(index));
    }

    private static (Tensor?, Tensor?) NoMultiplyDerivative(Tensor _) =>
        throw new NotSupportedException("Scatter: the derivative of Scatter with ScatterReduce.Multiply is not implemented (nor is it in PyTorch 1.13)");

    /// <summary>Writes src at the index's positions along dim, in place; like tensor.scatter_(dim, index, src).</summary>
    public Tensor Scatter_(int dim, Tensor index, Tensor src)
    {
        ArgumentNullException.ThrowIfNull(src);
        return ScatterInPlace("Scatter_", src.RequiresGrad, s => s.Scatter(dim, index, src));
    }

    /// <summary>Writes value at the index's positions along dim, in place; like tensor.scatter_(dim, index, value).</summary>
    public Tensor Scatter_(int dim, Tensor index, double value) => ScatterInPlace("Scatter_", false, s => s.Scatter(dim, index, value));

    private Tensor ScatterInPlace(string op, bool srcRequiresGrad, Func<Tensor, Tensor> outOfPlace)
    {
        if (HasInternalOverlap())
            throw new InvalidOperationException(
                $"{op}: unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please Clone() the tensor before performing the operation.");
        if (GradMode.IsEnabled && (RequiresGrad || srcRequiresGrad))
        {
            CheckRecordableInPlace(op);
            return AdoptInPlace(outOfPlace(Clone()));
        }
        Tensor result;
        using (Autograd.NoGrad()) result = outOfPlace(this);
        CopyUnchecked(result);
        MarkWritten();
        return this;
    }

    /// <summary>torch's checks of scatter's operands, with the shapes named; returns dim normalised.</summary>
    private int CheckScatter(string op, int dim, Tensor index, Tensor src, bool allowScalars = false)
    {
        CheckIndexDType(op, "scatter()", index);
        if (src.DType != DType)
            throw new ArgumentException($"{op}: scatter(): Expected self.dtype to be equal to src.dtype (got {DType.TorchName()} and {src.DType.TorchName()})");
        if (allowScalars) return 0;
        int d = Shapes.NormalizeDim(op, dim, Dim);
        if (index.Dim != Dim || src.Dim != Dim)
            throw new ArgumentException(
                $"{op}: Index tensor must have the same number of dimensions as self tensor and src tensor " +
                $"(self {Shapes.Format(ShapeArray)}, index {Shapes.Format(index.ShapeArray)}, src {Shapes.Format(src.ShapeArray)})");
        for (int j = 0; j < Dim; j++)
            if ((j != d && index.ShapeArray[j] > ShapeArray[j]) || index.ShapeArray[j] > src.ShapeArray[j])
                throw new ArgumentException(
                    $"{op}: Expected index {Shapes.Format(index.ShapeArray)} to be smaller than self {Shapes.Format(ShapeArray)} apart from dimension {d} " +
                    $"and to be smaller size than src {Shapes.Format(src.ShapeArray)}");
        return d;
    }

    private readonly struct ScatterRun(int dim) : IIndexedKernel
    {
        public void Run<T>(Lent<T> result, Lent<T> src, Lent<long> index) where T : unmanaged
            => Kernels.Indexing.Scatter(result.Span, result.Strides, index.Span, index.Shape, dim, src.Array, src.Offset, src.Strides);
    }

    private readonly struct ScatterMultiplyRun(int dim) : INumberIndexedKernel
    {
        public void Run<T>(Lent<T> result, Lent<T> src, Lent<long> index) where T : unmanaged, System.Numerics.INumber<T>
            => Kernels.Indexing.ScatterMultiply(result.Span, result.Strides, index.Span, index.Shape, dim, src.Array, src.Offset, src.Strides);
    }
}
