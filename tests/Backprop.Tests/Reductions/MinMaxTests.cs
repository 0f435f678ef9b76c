using Backprop;

namespace Backprop.Tests.Reductions;

// Expected values printed by PyTorch 1.13 (torch.max/min/amax/amin/argmax/argmin) on the same inputs.
public class MinMaxTests
{
    private static readonly double[] XValues = [0.5, -1.2, 3.3, 0.1, 2.2, 2.2, -0.7, 1.9, -3.0, 0.4, 0.4, 5.1];

    private static Tensor X(DType dtype = DType.Float64) => Tensor.From(XValues, 3, 4).To(dtype);

    private static long[] Longs(Tensor t) => t.ToArray<long>();

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Max_and_Min_of_all_elements_are_0d(DType dtype)
    {
        var max = X(dtype).Max();
        var min = X(dtype).Min();
        Assert.Equal(dtype, max.DType);
        TensorAssert.Close([], [5.1], max, rtol: 1e-7);
        TensorAssert.Close([], [-3.0], min, rtol: 1e-7);
    }

    [Theory]
    [InlineData(0, new double[] { 2.2, 2.2, 3.3, 5.1 }, new long[] { 1, 1, 0, 2 })]
    [InlineData(1, new double[] { 3.3, 2.2, 5.1 }, new long[] { 2, 0, 3 })]
    [InlineData(-1, new double[] { 3.3, 2.2, 5.1 }, new long[] { 2, 0, 3 })]
    public void Max_over_dim_returns_values_and_first_indices(int dim, double[] values, long[] indices)
    {
        var (v, i) = X().Max(dim);
        TensorAssert.Close([values.Length], values, v);
        Assert.Equal(DType.Int64, i.DType);
        Assert.Equal(indices, Longs(i));
    }

    [Theory]
    [InlineData(0, new double[] { -3.0, -1.2, -0.7, 0.1 }, new long[] { 2, 0, 1, 0 })]
    [InlineData(1, new double[] { -1.2, -0.7, -3.0 }, new long[] { 1, 2, 0 })]
    [InlineData(-2, new double[] { -3.0, -1.2, -0.7, 0.1 }, new long[] { 2, 0, 1, 0 })]
    public void Min_over_dim_returns_values_and_indices(int dim, double[] values, long[] indices)
    {
        var (v, i) = X(DType.Float32).Min(dim);
        Assert.Equal(DType.Float32, v.DType);
        TensorAssert.Close([values.Length], values, v, rtol: 1e-7);
        Assert.Equal(indices, Longs(i));
    }

    [Fact]
    public void Max_with_keepDim_keeps_a_size_one_dim()
    {
        var (v, i) = X().Max(1, keepDim: true);
        TensorAssert.Close([3, 1], [3.3, 2.2, 5.1], v);
        TensorAssert.Shape([3, 1], i);
        Assert.Equal([2L, 0, 3], Longs(i));
    }

    [Fact]
    public void Max_over_dim_of_a_transposed_view_matches_the_original_layout()
    {
        var (v, i) = X().T.Max(1);
        TensorAssert.Close([4], [2.2, 2.2, 3.3, 5.1], v);
        Assert.Equal([1L, 1, 0, 2], Longs(i));
        Assert.Equal(11L, X().T.ArgMax().Item<long>());   // flat index into the transposed (row-major) order
    }

    [Fact]
    public void Ties_pick_the_first_index()
    {
        var (v, i) = Tensor.From([1.0, 3.0, 3.0, 1.0]).Max(0);
        TensorAssert.Close(3.0, v);
        Assert.Equal(1L, i.Item<long>());
        Assert.Equal(1L, Tensor.From([1.0, 3.0, 3.0, 1.0]).ArgMax().Item<long>());
        Assert.Equal(0L, Tensor.From([1.0, 3.0, 3.0, 1.0]).ArgMin().Item<long>());
    }

    [Fact]
    public void Negative_and_positive_zero_tie_and_the_first_wins()
    {
        Assert.Equal(0L, Tensor.From([-0.0, 0.0]).ArgMax().Item<long>());
        Assert.Equal(0L, Tensor.From([0.0, -0.0]).ArgMax().Item<long>());
    }

    [Fact]
    public void Int64_max_min_and_argmax_keep_integers()
    {
        var x = Tensor.From(new long[] { 3, -1, 7, 7, 2, -5 }, 2, 3);
        Assert.Equal(DType.Int64, x.Max().DType);
        Assert.Equal(7L, x.Max().Item<long>());
        var (v, i) = x.Min(1);
        Assert.Equal([-1L, -5], Longs(v));
        Assert.Equal([1L, 2], Longs(i));
        Assert.Equal([1L, 1, 0], Longs(x.ArgMax(0)));
    }

    [Fact]
    public void Bool_max_is_true_when_any_element_is()
    {
        var m = Tensor.From([false, true, false]).Max();
        Assert.Equal(DType.Bool, m.DType);
        Assert.True(m.Item<bool>());
    }

    [Fact]
    public void ArgMax_and_ArgMin_without_dim_give_the_flat_index()
    {
        Assert.Equal(11L, X().ArgMax().Item<long>());
        Assert.Equal(8L, X().ArgMin().Item<long>());
        var k = X().ArgMax(keepDim: true);
        TensorAssert.Shape([1, 1], k);
        Assert.Equal(11L, k.Item<long>());
    }

    [Fact]
    public void ArgMax_and_ArgMin_over_dim()
    {
        var a = X(DType.Float32).ArgMax(0);
        Assert.Equal(DType.Int64, a.DType);
        Assert.Equal([1L, 1, 0, 2], Longs(a));
        var b = X().ArgMin(1, keepDim: true);
        TensorAssert.Shape([3, 1], b);
        Assert.Equal([1L, 2, 0], Longs(b));
    }

    [Fact]
    public void Max_and_Min_propagate_NaN()
    {
        var x = Tensor.From([1.0, double.NaN, 3.0, double.NaN]);
        Assert.True(double.IsNaN(x.Max().Item()));
        Assert.True(double.IsNaN(x.Min().Item()));
        var (v, i) = x.Max(0);
        Assert.True(double.IsNaN(v.Item()));
        Assert.Equal(1L, i.Item<long>());
        Assert.Equal(1L, x.ArgMin().Item<long>());
    }

    [Fact]
    public void NaN_wins_along_a_dim_at_its_first_position()
    {
        var x = Tensor.From(new[] { 1.0, double.NaN, 3.0, double.NaN, double.NaN, 0.0 }, 2, 3).To(DType.Float32);
        var (v, i) = x.Min(1);
        TensorAssert.Close([double.NaN, double.NaN], v);
        Assert.Equal([1L, 0], Longs(i));
        Assert.Equal([1L, 0], Longs(x.ArgMax(1)));
        TensorAssert.Close([double.NaN, double.NaN, 3.0], x.AMax(0));
    }

    [Fact]
    public void AMax_and_AMin_reduce_several_dims()
    {
        TensorAssert.Close([], [5.1], X().AMax([0, 1]));
        TensorAssert.Close([4], [2.2, 2.2, 3.3, 5.1], X().AMax(0));
        TensorAssert.Close([3, 1], [-1.2, -0.7, -3.0], X().AMin(1, keepDim: true));
        // sin(arange(24)).reshape(2, 3, 4) · 3: dims 0 and 2 are not adjacent
        TensorAssert.Close([3], [2.971822067084611, 1.9709597961563672, 2.9680747398701453], ReductionData.X3().AMax([0, 2]));
    }

    [Fact]
    public void Max_of_a_0d_tensor_over_dim_0_is_itself_at_index_0()
    {
        var (v, i) = Tensor.From(5.0).Max(0);
        TensorAssert.Close([], [5.0], v);
        Assert.Equal(0L, i.Item<long>());
        Assert.Equal(0L, Tensor.From(5.0).ArgMax(0).Item<long>());
    }

    [Fact]
    public void Max_over_a_non_empty_dim_of_an_empty_tensor_is_empty()
    {
        var (v, i) = Tensor.Zeros(2, 0).Max(0);
        TensorAssert.Shape([0], v);
        TensorAssert.Shape([0], i);
    }

    [Fact]
    public void Backward_names_follow_PyTorch()
    {
        var x = TensorAssert.Leaf(2, 3);
        Assert.Equal("MaxBackward1", x.Max().GradFn!.Name);
        Assert.Equal("MinBackward1", x.Min().GradFn!.Name);
        Assert.Equal("MaxBackward0", x.Max(1).Values.GradFn!.Name);
        Assert.Equal("MinBackward0", x.Min(0).Values.GradFn!.Name);
        Assert.Equal("AmaxBackward0", x.AMax(0).GradFn!.Name);
        Assert.Equal("AminBackward0", x.AMin(0).GradFn!.Name);
        Assert.False(x.Max(1).Indices.RequiresGrad);
        Assert.False(x.ArgMax().RequiresGrad);
    }

    // x = [[1, 4, 4], [4, 0, 4]]: the gradients below are PyTorch's.
    private static Tensor Tied() => TensorAssert.Leaf([1.0, 4.0, 4.0, 4.0, 0.0, 4.0], 2, 3);

    [Fact]
    public void Max_of_all_splits_the_gradient_evenly_among_ties()
    {
        var x = Tied();
        x.Max().Backward(Tensor.From(6.0));
        TensorAssert.Close([0, 1.5, 1.5, 1.5, 0, 1.5], x.Grad!);
        var y = Tied();
        y.Min().Backward(Tensor.From(6.0));
        TensorAssert.Close([0, 0, 0, 0, 6, 0], y.Grad!);
    }

    [Fact]
    public void Max_of_all_with_NaN_sends_the_gradient_to_the_NaNs()
    {
        var x = TensorAssert.Leaf([1.0, double.NaN, 3.0, double.NaN], 4);
        x.Max().Backward();
        TensorAssert.Close([0, 0.5, 0, 0.5], x.Grad!);
    }

    [Fact]
    public void Max_over_dim_routes_the_gradient_to_the_returned_index_only()
    {
        var x = Tied();
        x.Max(1).Values.Mul(Tensor.From([3.0, 6.0])).Sum().Backward();
        TensorAssert.Close([0, 3, 0, 6, 0, 0], x.Grad!);
        var y = Tied();
        var (v, i) = y.Max(0, keepDim: true);
        Assert.Equal([1L, 0, 0], Longs(i));
        v.Mul(Tensor.From(new[] { 1.0, 2.0, 3.0 }, 1, 3)).Sum().Backward();
        TensorAssert.Close([0, 2, 3, 1, 0, 0], y.Grad!);
    }

    [Fact]
    public void AMax_splits_the_gradient_among_ties_in_each_slice()
    {
        var x = Tied();
        x.AMax(1).Backward(Tensor.From([3.0, 6.0]));
        TensorAssert.Close([0, 1.5, 1.5, 3, 0, 3], x.Grad!);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(-1, false)]
    public void Max_and_Min_over_dim_pass_gradcheck(int dim, bool keepDim)
    {
        TensorAssert.GradCheck(xs => xs[0].Max(dim, keepDim).Values, TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(xs => xs[0].Min(dim, keepDim).Values, TensorAssert.Leaf(3, 4));
    }

    [Fact]
    public void Max_and_Min_pass_gradcheck_on_non_contiguous_views()
    {
        TensorAssert.GradCheck(xs => xs[0].T.Max(1).Values, TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(xs => xs[0].Slice(1, 0, 4, 2).Min(0, keepDim: true).Values, TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(xs => xs[0].Permute(2, 0, 1).Max(), TensorAssert.Leaf(2, 3, 2));
        TensorAssert.GradCheck(xs => xs[0].Transpose(0, 2).AMax([0, 2], keepDim: true), TensorAssert.Leaf(2, 3, 4));
        TensorAssert.GradCheck(xs => xs[0].Slice(0, 1, 3).AMin(1), TensorAssert.Leaf(3, 4));
    }

    [Fact]
    public void Max_over_dim_gives_a_second_derivative_through_createGraph()
    {
        // y = Σ w · max_j(x²): dy/dx = 2x·w at the argmax, so d/dx of that is 2w at the argmax.
        TensorAssert.GradCheck(ReductionData.FirstDerivative(x => x.Mul(x).Max(1).Values.Mul(Tensor.From([1.0, -2.0, 0.5])).Sum()), TensorAssert.Leaf(3, 4));
    }

    [Fact]
    public void Max_of_an_empty_tensor_without_dim_throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(0).Max());
        Assert.Contains("Max", e.Message);
        Assert.Contains("Expected reduction dim to be specified for input.numel() == 0", e.Message);
        Assert.Contains("input.numel() == 0", Assert.Throws<ArgumentException>(() => Tensor.Zeros(0).Min()).Message);
        Assert.Contains("input.numel() == 0", Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 0).ArgMax()).Message);
    }

    [Fact]
    public void Max_over_an_empty_dim_throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 0).Max(1));
        Assert.Contains("Max", e.Message);
        Assert.Contains("Expected reduction dim 1 to have non-zero size", e.Message);
        Assert.Contains("[2, 0]", e.Message);
        Assert.Contains("Expected reduction dim 0 to have non-zero size", Assert.Throws<ArgumentException>(() => Tensor.Zeros(0, 3).Min(0)).Message);
        Assert.Contains("Expected reduction dim 1 to have non-zero size", Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 0).ArgMin(-1)).Message);
        Assert.Contains("Expected reduction dim 0 to have non-zero size", Assert.Throws<ArgumentException>(() => Tensor.Zeros(0, 3).AMax([0, 1])).Message);
    }

    [Fact]
    public void Dim_out_of_range_throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Ones(2, 3).Max(2));
        Assert.Contains("Max", e.Message);
        Assert.Contains("expected to be in range of [-2, 1], but got 2", e.Message);
        Assert.Contains("but got -3", Assert.Throws<ArgumentException>(() => Tensor.Ones(2, 3).ArgMax(-3)).Message);
        Assert.Contains("but got 3", Assert.Throws<ArgumentException>(() => Tensor.Ones(2, 3).AMin([0, 3])).Message);
    }

    [Fact]
    public void ArgMax_of_bool_throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.From([true, false]).ArgMax());
        Assert.Contains("torch.bool", e.Message);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int64)]
    public void Row_and_column_kernel_paths_agree_on_long_rows(DType dtype)
    {
        // 37 columns: past every vector width. Reducing dim 1 reads rows; reducing dim 0 of the transpose reads columns.
        var values = new double[5 * 37];
        for (int i = 0; i < values.Length; i++) values[i] = Math.Round(Math.Sin(0.37 * i) * 20 + 0.01 * i, 2);
        var x = Tensor.From(values, 5, 37).To(dtype);
        var xt = x.T.Contiguous();
        values = x.ToDoubleArray();   // Int64 truncates, and makes ties: the first must still win
        for (int r = 0; r < 5; r++)
        {
            int best = 0, worst = 0;
            for (int c = 1; c < 37; c++)
            {
                if (values[r * 37 + c] > values[r * 37 + best]) best = c;
                if (values[r * 37 + c] < values[r * 37 + worst]) worst = c;
            }
            Assert.Equal(best, x.Max(1).Indices.ToArray<long>()[r]);
            Assert.Equal(best, xt.Max(0).Indices.ToArray<long>()[r]);
            Assert.Equal(worst, xt.ArgMin(0).ToArray<long>()[r]);
        }
        Assert.Equal(x.AMax(1).ToDoubleArray(), xt.AMax(0).ToDoubleArray());
        Assert.Equal(x.AMin(1).ToDoubleArray(), x.Min(1).Values.ToDoubleArray());
        Assert.Equal(x.Max().Item(), xt.AMax(0).Max().Item());
    }
}
