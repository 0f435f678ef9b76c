namespace Backprop;

// Ops that read or write at positions given by an Int64 index tensor, and their adjoint pairs:
// Gather ⇄ ScatterAdd and IndexSelect ⇄ IndexAdd. Each one's backward is the other (into zeros), and each
// is recorded, so second derivatives flow through both. MaskedFill and OneHot ride along: they index by mask.
public partial class Tensor
{
    /// <summary>
    /// out[i][j] = self[index[i][j]][j] for dim 0 (and so on for other dims): values picked along dim at the index's
    /// positions; the result has the index's shape, which may not exceed self's outside dim. Like torch.gather(self, dim, index).
    /// </summary>
    public Tensor Gather(int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        CheckIndexDType("Gather", "gather()", index);
        if (Dim == 0 && index.Dim == 0)
            return Reshape(1).Gather(Shapes.NormalizeDim("Gather", dim, 0), index.Reshape(1)).Reshape();
        int d = Shapes.NormalizeDim("Gather", dim, Dim);
        if (index.Dim != Dim)
            throw new ArgumentException(
                $"Gather: Index tensor must have the same number of dimensions as input tensor (index {Shapes.Format(index.ShapeArray)}, self {Shapes.Format(ShapeArray)})");
        for (int j = 0; j < Dim; j++)
            if (j != d && index.ShapeArray[j] > ShapeArray[j])
                throw new ArgumentException(
                    $"Gather: Size does not match at dimension {j} expected index {Shapes.Format(index.ShapeArray)} to be smaller than self {Shapes.Format(ShapeArray)} apart from dimension {d}");
        var positions = CheckedIndex("Gather", index, d, ShapeArray[d]);
        var result = ZeroFilled(DType, index.ShapeArray);
        var kernel = new GatherRun(d);
        Dispatch.Indexed(ref kernel, this, result, positions);
        var x = this;
        // Each input element receives the sum of the gradients of the outputs that picked it.
        return Graph.Record(result, OpCatalog.Gather, x, g => Zeros(x.ShapeArray, g.DType).ScatterAdd(d, index, g), new SavedTensors(index));
    }

    /// <summary>
    /// A copy of self with src added at the index's positions along dim: out[index[i][j]][j] += src[i][j] for dim 0.
    /// Repeated positions accumulate. Out of place; like torch.scatter_add(self, dim, index, src).
    /// </summary>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor src)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(src);
        CheckIndexDType("ScatterAdd", "scatter_add()", index);
        if (src.DType != DType)
            throw new ArgumentException($"ScatterAdd: scatter(): Expected self.dtype to be equal to src.dtype (got {DType.TorchName()} and {src.DType.TorchName()})");
        if (DType == DType.Bool) throw new ArgumentException("ScatterAdd: \"scatter_add\" is not implemented for torch.bool tensors");
        if (Dim == 0 && index.Dim == 0 && src.Dim == 0)
            return Reshape(1).ScatterAdd(Shapes.NormalizeDim("ScatterAdd", dim, 0), index.Reshape(1), src.Reshape(1)).Reshape();
        int d = Shapes.NormalizeDim("ScatterAdd", dim, Dim);
        if (index.Dim != Dim || src.Dim != Dim)
            throw new ArgumentException(
                $"ScatterAdd: Index tensor must have the same number of dimensions as self tensor and src tensor " +
                $"(self {Shapes.Format(ShapeArray)}, index {Shapes.Format(index.ShapeArray)}, src {Shapes.Format(src.ShapeArray)})");
        for (int j = 0; j < Dim; j++)
            if ((j != d && index.ShapeArray[j] > ShapeArray[j]) || index.ShapeArray[j] > src.ShapeArray[j])
                throw new ArgumentException(
                    $"ScatterAdd: Expected index {Shapes.Format(index.ShapeArray)} to be smaller than self {Shapes.Format(ShapeArray)} apart from dimension {d} " +
                    $"and to be smaller size than src {Shapes.Format(src.ShapeArray)}");
        var positions = CheckedIndex("ScatterAdd", index, d, ShapeArray[d]);
        var result = CloneContiguous();
        var kernel = new ScatterAddRun(d);
        Dispatch.NumberIndexed(ref kernel, result, src, positions);
        var indexShape = index.ShapeArray;
        return Graph.Record(result, OpCatalog.ScatterAdd, this, src, g =>
        {
            if (!src.RequiresGrad) return (g, null);
            // Each used src element sent its value to one output; elements of src beyond the index's extent were unused.
            var gs = g.Gather(d, index);
            if (!Shapes.Equal(indexShape, src.ShapeArray)) gs = EmbedInZeros(gs, src.ShapeArray, z => NarrowTo(z, indexShape), OpCatalog.SliceBackward);
            return (g, gs);
        }, new SavedTensors(index));
    }

    private static Tensor NarrowTo(Tensor z, int[] shape)
    {
        for (int j = 0; j < shape.Length; j++)
            if (z.ShapeArray[j] != shape[j]) z = z.Narrow(j, 0, shape[j]);
        return z;
    }

    /// <summary>The slices of self at the given positions along dim, in index order (repeats allowed); like torch.index_select(self, dim, index).</summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (Dim == 0) throw new ArgumentException("IndexSelect: cannot be applied to a 0-dim tensor");
        int d = Shapes.NormalizeDim("IndexSelect", dim, Dim);
        CheckIndexVector("IndexSelect", "index_select()", index);
        var positions = CheckedIndex("IndexSelect", index, d, ShapeArray[d]);
        var x = IsContiguous ? this : CloneContiguous();
        var shape = (int[])ShapeArray.Clone();
        shape[d] = positions.Numel;
        var result = Uninitialized(DType, shape);   // the kernel writes every element: [outer, len, inner]
        var (outer, inner) = OuterInner(ShapeArray, d);
        var kernel = new IndexSelectRun(outer, ShapeArray[d], inner);
        Dispatch.Indexed(ref kernel, x, result, positions);
        var self = this;
        return Graph.Record(result, OpCatalog.IndexSelect, self, g => Zeros(self.ShapeArray, g.DType).IndexAdd(d, index, g), new SavedTensors(index));
    }

    /// <summary>
    /// A copy of self with alpha·source's slices added at the given positions along dim (repeats accumulate);
    /// source has self's shape but index.Numel at dim. Out of place; like torch.index_add(self, dim, index, source, alpha=alpha).
    /// </summary>
    public Tensor IndexAdd(int dim, Tensor index, Tensor source, double alpha = 1)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        if (Dim == 0) throw new ArgumentException("IndexAdd: cannot be applied to a 0-dim tensor");
        int d = Shapes.NormalizeDim("IndexAdd", dim, Dim);
        CheckIndexVector("IndexAdd", "index_add_()", index);
        if (source.DType != DType)
            throw new ArgumentException($"IndexAdd: index_add_(): self ({DType.TorchName()}) and source ({source.DType.TorchName()}) must have the same scalar type");
        if (DType == DType.Bool) throw new ArgumentException("IndexAdd: \"index_add\" is not implemented for torch.bool tensors");
        if (source.Dim != Dim)
            throw new ArgumentException($"IndexAdd: source {Shapes.Format(source.ShapeArray)} must have as many dimensions as self {Shapes.Format(ShapeArray)}");
        if (source.ShapeArray[d] != index.Numel)
            throw new ArgumentException(
                $"IndexAdd: index_add_(): Number of indices ({index.Numel}) should be equal to source.size(dim): ({source.ShapeArray[d]}), for dim: {d}");
        for (int j = 0; j < Dim; j++)
            if (j != d && source.ShapeArray[j] != ShapeArray[j])
                throw new ArgumentException(
                    $"IndexAdd: source shape {Shapes.Format(source.ShapeArray)} must match self shape {Shapes.Format(ShapeArray)} except at dimension {d} (they differ at dimension {j})");
        var positions = CheckedIndex("IndexAdd", index, d, ShapeArray[d]);
        if (alpha != 1) source = source.Mul(alpha);
        var src = source.IsContiguous && source.DType == DType ? source : source.ConvertUnchecked(DType);
        var result = CloneContiguous();
        var (outer, inner) = OuterInner(ShapeArray, d);
        var kernel = new IndexAddRun(outer, ShapeArray[d], inner);
        Dispatch.NumberIndexed(ref kernel, result, src, positions);
        return Graph.Record(result, OpCatalog.IndexAdd, this, source,
            g => (g, source.RequiresGrad ? g.IndexSelect(d, index) : null), new SavedTensors(index));
    }

    /// <summary>A copy of self (broadcast with mask) with value where mask is true; like torch.masked_fill(self, mask, value).</summary>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.DType != DType.Bool)
            throw new ArgumentException($"MaskedFill: masked_fill only supports boolean masks, but got mask with dtype {mask.DType.TorchName()}");
        Shapes.Broadcast("MaskedFill", ShapeArray, mask.ShapeArray);
        var fill = Full(Shapes.Scalar, value, DType);   // a 0-d of self's dtype: the value is cast, as PyTorch does
        Tensor y;
        using (Autograd.NoGrad()) y = Where(mask, fill, this);
        Tracing.Current?.Op(Tracing.Report(OpCatalog.MaskedFill, y, [this, mask], [value]));
        return Graph.Record(y, OpCatalog.MaskedFill, this, g => Where(mask, 0.0, g), new SavedTensors(mask));
    }

    /// <summary>Sets the elements where mask (broadcast to self's shape) is true to value, in place; like tensor.masked_fill_(mask, value).</summary>
    public Tensor MaskedFill_(Tensor mask, double value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.DType != DType.Bool)
            throw new ArgumentException($"MaskedFill_: masked_fill_ only supports boolean masks, but got mask with dtype {mask.DType.TorchName()}");
        return InPlace("MaskedFill_", mask, null, value, static (s, mask, value) => s.MaskedFill(mask, value), null);
    }

    /// <summary>
    /// Int64 one-hot vectors in a new last dim of size numClasses (-1: the largest index + 1); like
    /// torch.nn.functional.one_hot(tensor, num_classes).
    /// </summary>
    public static Tensor OneHot(Tensor indices, int numClasses = -1)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.DType != DType.Int64)
            throw new ArgumentException($"OneHot: one_hot is only applicable to index tensor of dtype torch.int64, but got {indices.DType.TorchName()}");
        if (numClasses < -1) throw new ArgumentException($"OneHot: num_classes should be -1 or non-negative, but got {numClasses}");
        var values = indices.IsContiguous ? indices : indices.CloneContiguous();
        var largest = new OneHotRun(0);
        Dispatch.Number(ref largest, values);   // checks the classes, finds the largest
        if (numClasses == -1)
        {
            if (values.Numel == 0) throw new ArgumentException("OneHot: Can not infer total number of classes from empty tensor.");
            numClasses = checked((int)(largest.Max + 1));
        }
        else if (largest.Max >= numClasses)
            throw new ArgumentException($"OneHot: Class values must be smaller than num_classes (got {largest.Max} with num_classes = {numClasses}).");
        var result = ZeroFilled(DType.Int64, [.. indices.ShapeArray, numClasses]);
        var fill = new OneHotRun(numClasses);
        Dispatch.Number(ref fill, values, result);
        return result;
    }

    /// <summary>Without a result (b): checks the class values (a) and finds the largest. With one: writes the ones.</summary>
    private struct OneHotRun(int numClasses) : INumberKernel
    {
        public long Max;

        public void Run<T>(Lent<T> a, Lent<T> b, Lent<T> _) where T : unmanaged, System.Numerics.INumber<T>
        {
            var values = System.Runtime.InteropServices.MemoryMarshal.Cast<T, long>(a.Span);
            if (b.IsNone)
            {
                long max = -1;
                foreach (var v in values)
                {
                    if (v < 0) throw new ArgumentException($"OneHot: Class values must be non-negative (got {v}).");
                    max = Math.Max(max, v);
                }
                Max = max;
                return;
            }
            var data = System.Runtime.InteropServices.MemoryMarshal.Cast<T, long>(b.Span);
            for (int i = 0; i < values.Length; i++) data[i * numClasses + (int)values[i]] = 1;
        }
    }

    private static void CheckIndexDType(string op, string torchName, Tensor index)
    {
        if (index.DType != DType.Int64)
            throw new ArgumentException($"{op}: {torchName}: Expected dtype int64 for index, but got {index.DType.TorchName()}");
    }

    private static void CheckIndexVector(string op, string torchName, Tensor index)
    {
        CheckIndexDType(op, torchName, index);
        if (index.Dim > 1)
            throw new ArgumentException($"{op}: {torchName}: Index is supposed to be a vector, but got shape {Shapes.Format(index.ShapeArray)}");
    }

    /// <summary>The index values in row-major order, each checked to lie in [0, size).</summary>
    private static Tensor CheckedIndex(string op, Tensor index, int dim, int size)
    {
        var positions = index.IsContiguous ? index : index.CloneContiguous();
        var kernel = new IndexBoundsRun(op, dim, size);
        Dispatch.Number(ref kernel, positions);
        return positions;
    }

    /// <summary>Throws at the first position outside [0, size).</summary>
    private readonly struct IndexBoundsRun(string op, int dim, int size) : INumberKernel
    {
        public void Run<T>(Lent<T> index, Lent<T> _, Lent<T> __) where T : unmanaged, System.Numerics.INumber<T>
        {
            foreach (var v in System.Runtime.InteropServices.MemoryMarshal.Cast<T, long>(index.Span))
                if (v < 0 || v >= size)
                    throw new ArgumentException($"{op}: index {v} is out of bounds for dimension {dim} with size {size}");
        }
    }

    private readonly struct GatherRun(int dim) : IIndexedKernel
    {
        public void Run<T>(Lent<T> x, Lent<T> result, Lent<long> index) where T : unmanaged
            => Kernels.Indexing.Gather(x.Array, x.Offset, x.Strides, index.Span, index.Shape, dim, result.Span);
    }

    private readonly struct ScatterAddRun(int dim) : INumberIndexedKernel
    {
        public void Run<T>(Lent<T> result, Lent<T> src, Lent<long> index) where T : unmanaged, System.Numerics.INumber<T>
            => Kernels.Indexing.ScatterAdd(result.Span, result.Strides, index.Span, index.Shape, dim, src.Array, src.Offset, src.Strides);
    }

    private readonly struct IndexSelectRun(int outer, int size, int inner) : IIndexedKernel
    {
        public void Run<T>(Lent<T> x, Lent<T> result, Lent<long> index) where T : unmanaged
            => Kernels.Indexing.IndexSelect<T>(x.Span, outer, size, inner, index.Span, result.Span);
    }

    private readonly struct IndexAddRun(int outer, int size, int inner) : INumberIndexedKernel
    {
        public void Run<T>(Lent<T> result, Lent<T> src, Lent<long> index) where T : unmanaged, System.Numerics.INumber<T>
            => Kernels.Indexing.IndexAdd<T>(result.Span, outer, size, inner, index.Span, src.Span);
    }

    /// <summary>The element counts before and after dim: a tensor seen as [outer, size, inner].</summary>
    private static (int Outer, int Inner) OuterInner(int[] shape, int dim)
    {
        int outer = 1, inner = 1;
        for (int j = 0; j < dim; j++) outer *= shape[j];
        for (int j = dim + 1; j < shape.Length; j++) inner *= shape[j];
        return (outer, inner);
    }
}
