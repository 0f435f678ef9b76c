namespace Backprop;

// Sum and Mean over all or given dims. The backward of a sum spreads the gradient back over the
// summed dims (unsqueeze, then expand); the mean's divides by the count.
public partial class Tensor
{
    /// <summary>The sum of all elements as a 0-d tensor (bools and integers sum as Int64); like torch.sum(input).</summary>
    public Tensor Sum() => Sum([], false);

    /// <summary>The sum over one dim; like torch.sum(input, dim, keepdim).</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>The sum over the given dims (all when empty); like torch.sum(input, dims, keepdim).</summary>
    public Tensor Sum(int[] dims, bool keepDim = false)
    {
        var mask = Shapes.ReducedDims("Sum", dims, Dim);
        var y = SumKernel(mask, keepDim);
        var op = dims.Length == 0 ? OpCatalog.Sum : OpCatalog.SumDims;
        return Tracing.Op(Graph.Record(y, op, this, (mask, keepDim, shape: ShapeArray),
            static (g, s) => g.ExpandReduced(s.mask, s.keepDim, s.shape)), "sum", this, mask, keepDim);
    }

    /// <summary>The mean of all elements; like torch.mean(input).</summary>
    public Tensor Mean() => Mean([], false);

    /// <summary>The mean over one dim; like torch.mean(input, dim, keepdim).</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    /// <summary>The mean over the given dims (all when empty); like torch.mean(input, dims, keepdim). Needs a floating dtype, as in PyTorch.</summary>
    public Tensor Mean(int[] dims, bool keepDim = false)
    {
        if (!DType.IsFloatingPoint())
            throw new ArgumentException($"Mean: could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {DType.TorchName()}");
        var mask = Shapes.ReducedDims("Mean", dims, Dim);
        int count = ReducedCount(mask);
        var y = SumKernel(mask, keepDim);
        ScalarKernelInto<Kernels.DivOp>(y, count, reversed: false, y);   // the sum is fresh: divided where it lies
        var op = dims.Length == 0 ? OpCatalog.Mean : OpCatalog.MeanDims;
        return Tracing.Op(Graph.Record(y, op, this, (mask, keepDim, shape: ShapeArray, count),
            static (g, s) => g.ExpandReduced(s.mask, s.keepDim, s.shape).Div(s.count)), "mean", this, mask, keepDim);
    }

    /// <summary>How many input elements fold into each output of a reduction over mask.</summary>
    internal int ReducedCount(bool[] mask)
    {
        int count = 1;
        for (int i = 0; i < Dim; i++) if (mask[i]) count *= ShapeArray[i];
        return count;
    }

    /// <summary>The shape a reduction over mask leaves.</summary>
    internal int[] ReducedShape(bool[] mask, bool keepDim)
    {
        if (keepDim)
        {
            var kept = new int[Dim];
            for (int i = 0; i < Dim; i++) kept[i] = mask[i] ? 1 : ShapeArray[i];
            return kept;
        }
        int rank = 0;
        for (int i = 0; i < Dim; i++) if (!mask[i]) rank++;
        if (rank == 0) return Shapes.Scalar;
        var shape = new int[rank];
        for (int i = 0, j = 0; i < Dim; i++) if (!mask[i]) shape[j++] = ShapeArray[i];
        return shape;
    }

    /// <summary>The backward of a reduction: a gradient of the reduced shape, broadcast back to the input shape.</summary>
    internal Tensor ExpandReduced(bool[] mask, bool keepDim, int[] inputShape)
    {
        var g = this;
        // A full reduction's 0-d gradient expands as it is (expand adds leading dims); otherwise the reduced dims come back first.
        if (!keepDim && g.Dim > 0)
            for (int i = 0; i < mask.Length; i++)
                if (mask[i]) g = g.Unsqueeze(i);
        return g.Expand(inputShape);
    }

    /// <summary>The sum over the masked dims, outside the graph.</summary>
    private Tensor SumKernel(bool[] mask, bool keepDim)
    {
        var outShape = ReducedShape(mask, keepDim);
        var dtype = DType.IsFloatingPoint() ? DType : DType.Int64;
        var x = DType == dtype ? this : ConvertUnchecked(dtype);
        // Move the reduced dims next to each other, after the kept leading ones: [outer, reduced, inner].
        int first = Array.IndexOf(mask, true), last = Array.LastIndexOf(mask, true);
        bool adjacent = first < 0 || Array.IndexOf(mask, false, first) is var gap && (gap < 0 || gap > last);
        if (!adjacent)
        {
            var order = Enumerable.Range(0, Dim).Where(i => !mask[i]).Concat(Enumerable.Range(0, Dim).Where(i => mask[i])).ToArray();
            using (Autograd.NoGrad()) x = x.Permute(order);
            first = mask.Count(m => !m);
            last = Dim - 1;
        }
        if (!x.IsContiguous) x = x.CloneContiguous();
        int outer = 1, reduced = 1, inner = 1;
        if (first >= 0)
            for (int i = 0; i < Dim; i++)
            {
                int size = x.ShapeArray[i];
                if (i < first) outer *= size;
                else if (i <= last) reduced *= size;
                else inner *= size;
            }
        else inner = Numel;
        var result = Uninitialized(dtype, outShape);
        var kernel = new SumRun(outer, reduced, inner);
        Dispatch.Number(ref kernel, x, result);
        return result;
    }

    private readonly struct SumRun(int outer, int reduced, int inner) : INumberKernel
    {
        public void Run<T>(Lent<T> x, Lent<T> result, Lent<T> _) where T : unmanaged, System.Numerics.INumber<T>
            => Kernels.Reduce.Sum<T>(x.Span, outer, reduced, inner, result.Span);
    }
}
