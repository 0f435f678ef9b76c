namespace Backprop;

// Sort, Argsort and Topk: the order is found on plain values (NaN sorts as the largest, as in torch; equal values keep
// their order, as torch's stable sort), and the values are gathered by it, so their gradient is Gather's (a scatter
// of the incoming gradient back to where each value came from).
public partial class Tensor
{
    /// <summary>The values sorted along dim and their original indices (Int64); like torch.sort(input, dim, descending, stable=True).</summary>
    public (Tensor Values, Tensor Indices) Sort(int dim = -1, bool descending = false)
    {
        var indices = Argsort(dim, descending);
        return (Dim == 0 ? this.Clone() : Gather(Shapes.NormalizeDim("Sort", dim, Dim), indices), indices);
    }

    /// <summary>The indices (Int64) that sort the tensor along dim; like torch.argsort(input, dim, descending, stable=True).</summary>
    public Tensor Argsort(int dim = -1, bool descending = false)
    {
        if (DType == DType.Bool) return To(DType.Int64).Argsort(dim, descending);
        if (Dim == 0) { Shapes.NormalizeDim("Argsort", dim, 1); return Zeros([], DType.Int64); }
        int d = Shapes.NormalizeDim("Argsort", dim, Dim);
        int n = ShapeArray[d], inner = 1;
        for (int j = d + 1; j < Dim; j++) inner *= ShapeArray[j];
        int outer = n == 0 ? 0 : Numel / (n * inner);
        var x = ToDoubleArray();
        var result = new long[Numel];
        var order = new int[n];
        var keys = new double[n];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                for (int k = 0; k < n; k++) { order[k] = k; keys[k] = x[(o * n + k) * inner + i]; }
                Comparison<int> compare = descending
                    ? (a, b) => Compare(keys[b], keys[a]) is var c && c != 0 ? c : a.CompareTo(b)
                    : (a, b) => Compare(keys[a], keys[b]) is var c && c != 0 ? c : a.CompareTo(b);
                Array.Sort(order, compare);
                for (int k = 0; k < n; k++) result[(o * n + k) * inner + i] = order[k];
            }
        return From(result, ShapeArray);
    }

    /// <summary>NaN above everything, as torch orders it.</summary>
    private static int Compare(double a, double b) =>
        double.IsNaN(a) ? (double.IsNaN(b) ? 0 : 1) : double.IsNaN(b) ? -1 : a.CompareTo(b);

    /// <summary>
    /// The k largest (or smallest) values along dim, largest first (smallest first), and their indices; like
    /// torch.topk(input, k, dim, largest, sorted=True).
    /// </summary>
    public (Tensor Values, Tensor Indices) Topk(int k, int dim = -1, bool largest = true)
    {
        int d = Dim == 0 ? 0 : Shapes.NormalizeDim("Topk", dim, Dim);
        int size = Dim == 0 ? 1 : ShapeArray[d];
        if (k < 0 || k > size) throw new ArgumentException($"Topk: selected index k ({k}) out of range for a dimension of size {size}");
        if (Dim == 0) return (k == 0 ? Zeros([0], DType) : Clone(), k == 0 ? Zeros([0], DType.Int64) : Zeros([], DType.Int64));
        var indices = Argsort(d, descending: largest).Narrow(d, 0, k).Contiguous();
        return (Gather(d, indices), indices);
    }
}
