using Backprop.Kernels;

namespace Backprop;

// Max, Min, AMax, AMin, ArgMax, ArgMin: reductions that select elements. NaN propagates (a NaN is the
// max and the min), ties go to the first index, and the gradient flows only to the selected elements:
// to the index max(dim) returned, or split evenly among all elements equal to the result, as in PyTorch.
public partial class Tensor
{
    /// <summary>The largest element as a 0-d tensor (NaN if any is NaN); like torch.max(input). Ties share the gradient evenly.</summary>
    public Tensor Max() => ExtremeOfAll<MaxExtreme>("Max", OpCatalog.Max);

    /// <summary>The smallest element as a 0-d tensor (NaN if any is NaN); like torch.min(input). Ties share the gradient evenly.</summary>
    public Tensor Min() => ExtremeOfAll<MinExtreme>("Min", OpCatalog.Min);

    /// <summary>
    /// The largest values along a dim and where they are (Int64 indices, the first on ties, the first NaN if any);
    /// like torch.max(input, dim, keepdim). The gradient goes to the returned index.
    /// </summary>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false) => ExtremeAlongDim<MaxExtreme>("Max", OpCatalog.MaxDim, dim, keepDim);

    /// <summary>
    /// The smallest values along a dim and where they are (Int64 indices, the first on ties, the first NaN if any);
    /// like torch.min(input, dim, keepdim). The gradient goes to the returned index.
    /// </summary>
    public (Tensor Values, Tensor Indices) Min(int dim, bool keepDim = false) => ExtremeAlongDim<MinExtreme>("Min", OpCatalog.MinDim, dim, keepDim);

    /// <summary>The largest values over the given dims (all when empty); like torch.amax(input, dim, keepdim). Ties share the gradient evenly.</summary>
    public Tensor AMax(int[] dims, bool keepDim = false) => ExtremeOverDims<MaxExtreme>("AMax", OpCatalog.Amax, dims, keepDim);

    /// <summary>The largest values along one dim; like torch.amax(input, dim, keepdim).</summary>
    public Tensor AMax(int dim, bool keepDim = false) => AMax([dim], keepDim);

    /// <summary>The smallest values over the given dims (all when empty); like torch.amin(input, dim, keepdim). Ties share the gradient evenly.</summary>
    public Tensor AMin(int[] dims, bool keepDim = false) => ExtremeOverDims<MinExtreme>("AMin", OpCatalog.Amin, dims, keepDim);

    /// <summary>The smallest values along one dim; like torch.amin(input, dim, keepdim).</summary>
    public Tensor AMin(int dim, bool keepDim = false) => AMin([dim], keepDim);

    /// <summary>
    /// The Int64 index of the largest element along dim (the first on ties), or, with no dim, the index into the
    /// flattened tensor; like torch.argmax(input, dim, keepdim).
    /// </summary>
    public Tensor ArgMax(int? dim = null, bool keepDim = false) => ArgExtreme<MaxExtreme>("ArgMax", dim, keepDim);

    /// <summary>
    /// The Int64 index of the smallest element along dim (the first on ties), or, with no dim, the index into the
    /// flattened tensor; like torch.argmin(input, dim, keepdim).
    /// </summary>
    public Tensor ArgMin(int? dim = null, bool keepDim = false) => ArgExtreme<MinExtreme>("ArgMin", dim, keepDim);

    private Tensor ExtremeOfAll<TOp>(string op, OpDecl decl) where TOp : IExtremeOp
    {
        if (Numel == 0)
            throw new ArgumentException(
                $"{op}: Expected reduction dim to be specified for input.numel() == 0 (shape {Shapes.Format(ShapeArray)}). Specify the reduction dim with the 'dim' argument.");
        var x = this;
        var y = ExtremeValues<TOp>(Shapes.ReducedDims(op, [], Dim), keepDim: false);
        return Graph.Record(y, decl, x, g =>
        {
            // PyTorch's evenly_distribute_backward: every element equal to the result (every NaN, when it is NaN) gets g / count.
            var selected = double.IsNaN(y.Item()) ? x.Ne(x) : x.Eq(y);
            return Where(selected, g.Div(selected.Sum()), 0.0);
        }, new SavedTensors(x, y));
    }

    private (Tensor Values, Tensor Indices) ExtremeAlongDim<TOp>(string op, OpDecl decl, int dim, bool keepDim) where TOp : IExtremeOp
    {
        var mask = Shapes.ReducedDims(op, [dim], Dim);
        CheckReducedNonEmpty(op, mask);
        int d = Shapes.NormalizeDim(op, dim, Dim);
        var x = this;
        var (values, indices) = ExtremeWithIndices<TOp>(mask, keepDim);
        values = Graph.Record(values, decl, x, g => ValueSelectingBackward(g, d, indices, keepDim, x.ShapeArray), new SavedTensors(indices));
        return (values, indices);
    }

    private Tensor ExtremeOverDims<TOp>(string op, OpDecl decl, int[] dims, bool keepDim) where TOp : IExtremeOp
    {
        var mask = Shapes.ReducedDims(op, dims, Dim);
        CheckReducedNonEmpty(op, mask);
        var x = this;
        var y = ExtremeValues<TOp>(mask, keepDim);
        return Graph.Record(y, decl, x, g =>
        {
            // PyTorch's scale_grad_by_count: each slice's gradient split evenly among the elements equal to its extreme.
            var selected = x.Eq(y.ExpandReduced(mask, keepDim, x.ShapeArray));
            var count = selected.Sum(MaskDims(mask), keepDim: true);
            return g.ExpandReduced(mask, keepDim, x.ShapeArray).Div(count).Mul(selected);
        }, new SavedTensors(x, y));
    }

    private Tensor ArgExtreme<TOp>(string op, int? dim, bool keepDim) where TOp : IExtremeOp
    {
        if (DType == DType.Bool) throw new ArgumentException($"{op}: not implemented for torch.bool; convert with To(DType.Int64) first");
        if (dim is null)
        {
            if (Numel == 0)
                throw new ArgumentException($"{op}: Expected reduction dim to be specified for input.numel() == 0 (shape {Shapes.Format(ShapeArray)}).");
            return Tracing.Op(ExtremeWithIndices<TOp>(Shapes.ReducedDims(op, [], Dim), keepDim).Indices, op, this);   // the flat index, as in PyTorch
        }
        var mask = Shapes.ReducedDims(op, [dim.Value], Dim);
        CheckReducedNonEmpty(op, mask);
        return Tracing.Op(ExtremeWithIndices<TOp>(mask, keepDim).Indices, op, this, Shapes.NormalizeDim(op, dim.Value, Dim), keepDim);
    }

    /// <summary>
    /// PyTorch's value_selecting_reduction_backward: the gradient scattered into zeros at the selected indices,
    /// written as a comparison with the positions along dim so that it stays differentiable in g.
    /// </summary>
    internal static Tensor ValueSelectingBackward(Tensor g, int dim, Tensor indices, bool keepDim, int[] inputShape)
    {
        if (inputShape.Length == 0) return g;
        var positionShape = new int[inputShape.Length];
        Array.Fill(positionShape, 1);
        positionShape[dim] = inputShape[dim];
        var positions = new long[inputShape[dim]];
        for (int i = 0; i < positions.Length; i++) positions[i] = i;
        var selected = (keepDim ? indices : indices.Unsqueeze(dim)).Eq(Wrap(positions, positionShape));
        return Where(selected, keepDim ? g : g.Unsqueeze(dim), 0.0);
    }

    private void CheckReducedNonEmpty(string op, bool[] mask)
    {
        for (int i = 0; i < mask.Length; i++)
            if (mask[i] && ShapeArray[i] == 0)
                throw new ArgumentException($"{op}: Expected reduction dim {i} to have non-zero size (input shape {Shapes.Format(ShapeArray)}).");
    }

    /// <summary>The indices of the masked dims.</summary>
    internal static int[] MaskDims(bool[] mask)
    {
        int n = 0;
        foreach (var m in mask) if (m) n++;
        var dims = new int[n];
        for (int i = 0, k = 0; i < mask.Length; i++) if (mask[i]) dims[k++] = i;
        return dims;
    }

    /// <summary>The extreme over the masked dims, outside the graph; every masked dim is non-empty. Bools compare as 0 and 1.</summary>
    internal Tensor ExtremeValues<TOp>(bool[] mask, bool keepDim) where TOp : IExtremeOp
    {
        var source = DType == DType.Bool ? ConvertUnchecked(DType.Int64) : this;
        var (x, outer, reduced, inner) = source.ReductionLayout(mask);
        var result = ZeroFilled(x.DType, ReducedShape(mask, keepDim));
        if (result.Numel > 0)
        {
            var kernel = new ExtremeRun<TOp>(outer, reduced, inner);
            Dispatch.Number(ref kernel, x, result);
        }
        return DType == DType.Bool ? result.ConvertUnchecked(DType.Bool) : result;
    }

    /// <summary>The extreme over the masked dims and its index there (flat over the masked dims), outside the graph.</summary>
    private (Tensor Values, Tensor Indices) ExtremeWithIndices<TOp>(bool[] mask, bool keepDim) where TOp : IExtremeOp
    {
        var source = DType == DType.Bool ? ConvertUnchecked(DType.Int64) : this;
        var (x, outer, reduced, inner) = source.ReductionLayout(mask);
        var shape = ReducedShape(mask, keepDim);
        var values = ZeroFilled(x.DType, shape);
        var indices = ZeroFilled(DType.Int64, shape);
        if (values.Numel > 0)
        {
            var kernel = new ExtremeRun<TOp>(outer, reduced, inner);
            Dispatch.NumberIndexed(ref kernel, x, values, indices);
        }
        return (DType == DType.Bool ? values.ConvertUnchecked(DType.Bool) : values, indices);
    }

    /// <summary>The extremes of x (a) into values (b), and with indices their positions.</summary>
    private readonly struct ExtremeRun<TOp>(int outer, int reduced, int inner) : INumberKernel, INumberIndexedKernel where TOp : IExtremeOp
    {
        public void Run<T>(Lent<T> x, Lent<T> values, Lent<T> _) where T : unmanaged, System.Numerics.INumber<T>
            => ReduceMinMax.Values<T, TOp>(x.Span, outer, reduced, inner, values.Span);

        public void Run<T>(Lent<T> x, Lent<T> values, Lent<long> indices) where T : unmanaged, System.Numerics.INumber<T>
            => ReduceMinMax.ValuesAndIndices<T, TOp>(x.Span, outer, reduced, inner, values.Span, indices.Span);
    }

    /// <summary>
    /// This tensor's values as contiguous data laid out [outer, reduced, inner] for a reduction over mask:
    /// when a kept dim lies between reduced ones, the reduced dims are permuted to the end first.
    /// </summary>
    internal (Tensor Data, int Outer, int Reduced, int Inner) ReductionLayout(bool[] mask)
    {
        var x = this;
        int first = Array.IndexOf(mask, true), last = Array.LastIndexOf(mask, true);
        if (first >= 0 && Array.IndexOf(mask, false, first, last - first + 1) >= 0)
        {
            var order = new int[Dim];
            int k = 0;
            for (int i = 0; i < Dim; i++) if (!mask[i]) order[k++] = i;
            first = k;
            for (int i = 0; i < Dim; i++) if (mask[i]) order[k++] = i;
            last = Dim - 1;
            x = Detach().Permute(order);   // a view outside the graph: only the values are read
        }
        if (!x.IsContiguous) x = x.CloneContiguous();
        if (first < 0) return (x, 1, 1, x.Numel);   // nothing reduced (a 0-d tensor): one element per output
        int outer = 1, reduced = 1, inner = 1;
        for (int i = 0; i < Dim; i++)
        {
            int size = x.ShapeArray[i];
            if (i < first) outer *= size;
            else if (i <= last) reduced *= size;
            else inner *= size;
        }
        return (x, outer, reduced, inner);
    }
}
