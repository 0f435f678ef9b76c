using Backprop;
using Backprop.Kernels;

namespace Backprop.Tests.Ops;

// The strided kernels coalesce dims before looping (size-1 dims dropped, dims walked as one merged). These check
// the coalescing itself, then the kernels over many view layouts against values gathered here through the views'
// own shape, strides and offset, independently of the kernels.
public class StridedLayoutTests
{
    [Fact]
    public void Coalescing_drops_size_one_dims_and_merges_dims_walked_as_one()
    {
        Check([500, 1], [[1, 1], [0, 1]], [500], [[1], [0]]);
        Check([2, 3, 4], [[12, 4, 1]], [24], [[1]]);
        Check([3, 2], [[1, 3]], [3, 2], [[1, 3]]);                       // transposed: nothing to merge
        Check([4, 3], [[0, 1], [3, 1]], [4, 3], [[0, 1], [3, 1]]);       // merged for one operand only: kept apart
        Check([2, 1, 3], [[3, 99, 1]], [6], [[1]]);                       // a size-1 dim's stride never matters
        Check([1, 1], [[5, 7]], [], [[]]);
        Check([2, 5, 3], [[0, 3, 1], [15, 3, 1]], [2, 15], [[0, 1], [15, 1]]);

        static void Check(int[] shape, int[][] strides, int[] expectedShape, int[][] expectedStrides)
        {
            int nd = shape.Length;
            var dims = shape.ToArray();
            var flat = new int[strides.Length * nd];
            for (int j = 0; j < strides.Length; j++) strides[j].CopyTo(flat, j * nd);
            int rank = Layout.Coalesce(dims, flat, strides.Length);
            Assert.Equal(expectedShape, dims[..rank]);
            for (int j = 0; j < strides.Length; j++) Assert.Equal(expectedStrides[j], flat.AsSpan(j * nd, rank).ToArray());
        }
    }

    /// <summary>Views of a 24-element base with size-1 dims, expansion, transposition and narrowing, each with its shape.</summary>
    private static IEnumerable<Func<Tensor, Tensor>> Views()
    {
        yield return b => b.Reshape(24, 1);
        yield return b => b.Reshape(2, 12).T.Unsqueeze(1);                            // [12, 1, 2], strides [1, ·, 12]
        yield return b => b.Reshape(4, 6).Narrow(1, 1, 3).Unsqueeze(2);                // [4, 3, 1], rows with gaps
        yield return b => b.Narrow(0, 5, 1).Expand(6, 4);                              // one element everywhere
        yield return b => b.Reshape(2, 3, 4).Permute(2, 0, 1).Narrow(0, 1, 2);        // [2, 2, 3]
        yield return b => b.Reshape(24, 1, 1).Narrow(0, 3, 12).Reshape(12, 1).Expand(12, 2);
    }

    private static double[] Gather(double[] data, Tensor view)
    {
        var shape = view.Shape.ToArray();
        var strides = view.Strides.ToArray();
        var result = new double[view.Numel];
        var index = new int[shape.Length];
        for (int flat = 0; flat < result.Length; flat++)
        {
            int at = view.Offset;
            for (int d = 0; d < shape.Length; d++) at += index[d] * strides[d];
            result[flat] = data[at];
            for (int d = shape.Length - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0;
        }
        return result;
    }

    [Fact]
    public void Strided_kernels_over_many_layouts_agree_with_gathered_values()
    {
        var data = new double[24];
        for (int i = 0; i < data.Length; i++) data[i] = (i * 7 % 11 - 5) / 4.0;
        var otherData = new double[24];
        for (int i = 0; i < otherData.Length; i++) otherData[i] = (i * 5 % 13 - 6) / 3.0;
        foreach (var view in Views())
        {
            var a = view(Tensor.From(data));
            var b = view(Tensor.From(otherData));
            var x = Gather(data, a);
            var y = Gather(otherData, b);
            var shape = a.Shape.ToArray();
            Expect(shape, x, a.Contiguous());
            Expect(shape, Map(x, y, (p, q) => p + q), a + b);
            Expect(shape, Map(x, y, (p, q) => p * q), a * b.Contiguous());
            Expect(shape, Map(x, x, (p, _) => 3 - p), 3 - a);
            Expect(shape, Map(x, x, (p, _) => p / 4), a / 4);
            Expect(shape, Map(x, y, (p, q) => p > q ? p : q), Tensor.Where(a.Gt(b), a, b));
            var column = Tensor.From(new[] { 0.5 });   // broadcast against every layout
            Expect(shape, Map(x, x, (p, _) => p - 0.5), a - column);
            var copy = Tensor.Zeros(shape, DType.Float64);
            var target = copy.Permute(Enumerable.Range(0, shape.Length).Reverse().ToArray());
            target.Copy_(a.Permute(Enumerable.Range(0, shape.Length).Reverse().ToArray()));   // a strided write
            Expect(shape, x, copy);
        }

        static double[] Map(double[] p, double[] q, Func<double, double, double> f)
        {
            var r = new double[p.Length];
            for (int i = 0; i < r.Length; i++) r[i] = f(p[i], q[i]);
            return r;
        }

        static void Expect(int[] shape, double[] expected, Tensor actual)
        {
            Assert.Equal(shape, actual.Shape.ToArray());
            Assert.Equal(expected, actual.ToArray<double>());
        }
    }

    [Fact]
    public void One_element_tensors_get_what_the_vectorised_path_gives_each_element()
    {
        float[] xs = [0.1f, -3.7f, 1e-30f, 7.25f, -0.0f, 1e30f, 0.3333333f, -2.5f, 5.5f, 1.1f, 0.7f, -9f, 4f, 2f, 3f, 0.01f, 8f];
        float[] ys = [0.3f, 1.3f, 3e-9f, -0.5f, 2.0f, 7e10f, 3f, 1.5f, -1.25f, 0.9f, 0.1f, 3f, -4f, 8f, 0.5f, 100f, 0.125f];
        var x = Tensor.From(xs);
        var y = Tensor.From(ys);
        var whole = new[] { x + y, x - y, x * y, x / y, 0.7 - x, x * 1.3, 2.5 / x, Tensor.SigmoidBackward(y, x) };
        for (int i = 0; i < xs.Length; i++)
        {
            var xi = Tensor.From(new[] { xs[i] });
            var yi = Tensor.From(new[] { ys[i] });
            var single = new[] { xi + yi, xi - yi, xi * yi, xi / yi, 0.7 - xi, xi * 1.3, 2.5 / xi, Tensor.SigmoidBackward(yi, xi) };
            for (int k = 0; k < whole.Length; k++)
                Assert.Equal(whole[k].ToArray<float>()[i], single[k].Item<float>());
        }
    }

    [Fact]
    public void A_number_op_over_broadcast_rows_gives_each_rows_value_throughout()
    {
        // A mean's gradient is its output gradient expanded (stride 0 along the reduced dim) and divided by the count.
        var g = Tensor.From(new[,] { { 1f }, { -2f }, { 7f } }).Expand(3, 129);
        foreach (var (y, expected) in new[] { (g.Div(3), new[] { 1f / 3, -2f / 3, 7f / 3 }), (2.5 / g, new[] { 2.5f, -1.25f, 2.5f / 7 }) })
        {
            Assert.Equal([3, 129], y.Shape.ToArray());
            var values = y.ToArray<float>();
            for (int i = 0; i < values.Length; i++) Assert.Equal(expected[i / 129], values[i]);
        }
    }
}
