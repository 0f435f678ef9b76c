using Backprop;

namespace Backprop.Tests.Indexing;

// Expected values printed by PyTorch 1.13 on the same inputs: TensorAssert.Seq(shape) is ((i·7) mod 11 − 5) / 4, row-major.
public class GatherScatterTests
{
    private static Tensor Index(long[,] values) => Tensor.From(values);

    [Fact]
    public void Gather_picks_along_a_dim_like_torch()
    {
        TensorAssert.Close([3, 2], [-1.25, -1.25, 0.0, -0.75, -0.25, -0.25], TensorAssert.Seq(3, 4).Gather(1, Index(new long[,] { { 0, 0 }, { 3, 1 }, { 2, 2 } })));
        TensorAssert.Close([1, 4], [-1.0, 0.5, 1.0, 0.0], TensorAssert.Seq(3, 4).Gather(0, Index(new long[,] { { 2, 0, 1, 1 } })));
        TensorAssert.Close([2.0, 1.0], Tensor.From(new[] { 1.0, 2.0 }).T.Gather(-1, Tensor.From(new long[] { 1, 0 })));
        TensorAssert.Close([], [2.0], Tensor.From(2.0).Gather(0, Tensor.From(0L)));   // 0-d input and index, as torch allows
    }

    [Fact]
    public void Gather_reads_a_non_contiguous_input_in_place()
    {
        var x = TensorAssert.Seq(4, 3).T;   // [3, 4] with strides (1, 3)
        var expected = x.Contiguous().Gather(1, Index(new long[,] { { 3, 0 }, { 1, 1 } }));
        TensorAssert.Close(expected.ToDoubleArray(), x.Gather(1, Index(new long[,] { { 3, 0 }, { 1, 1 } })));
    }

    [Fact]
    public void Gather_errors_name_the_index_and_dim()
    {
        var x = TensorAssert.Seq(3, 4);
        Assert.Contains("index 5 is out of bounds for dimension 1 with size 4",
            Assert.Throws<ArgumentException>(() => x.Gather(1, Index(new long[,] { { 5 } }))).Message);
        Assert.Contains("index -1 is out of bounds for dimension 1 with size 4",
            Assert.Throws<ArgumentException>(() => x.Gather(1, Index(new long[,] { { -1 } }))).Message);
        Assert.Contains("Index tensor must have the same number of dimensions as input tensor",
            Assert.Throws<ArgumentException>(() => x.Gather(1, Tensor.From(new long[] { 0 }))).Message);
        Assert.Contains("Expected dtype int64 for index",
            Assert.Throws<ArgumentException>(() => x.Gather(1, Tensor.Zeros(1, 1))).Message);
        Assert.Contains("Size does not match at dimension 0 expected index [4, 1] to be smaller than self [3, 4] apart from dimension 1",
            Assert.Throws<ArgumentException>(() => x.Gather(1, Tensor.Zeros([4, 1], DType.Int64))).Message);
    }

    [Fact]
    public void Gather_gradient_scatters_back_and_accumulates_repeats()
    {
        var index = Index(new long[,] { { 0, 0, 2 }, { 1, 1, 1 } });
        TensorAssert.GradCheck(xs => xs[0].T.Gather(1, index).Pow(2), TensorAssert.Leaf(3, 2));
        var x = TensorAssert.Leaf(2, 3);
        x.Gather(1, index).Sum().Backward();
        TensorAssert.Close([2.0, 0, 1, 0, 3, 0], x.Grad!);
        Assert.Equal("GatherBackward0", x.Gather(1, index).GradFn!.Name);
        TensorAssert.GradCheck(xs => xs[0].Gather(0, Tensor.From(0L)).Mul(3), TensorAssert.Leaf());
    }

    [Fact]
    public void Gather_second_derivative_flows_through_scatter_add()
    {
        var index = Index(new long[,] { { 1, 0 }, { 2, 2 } });
        TensorAssert.GradCheck(xs =>
        {
            using var grad = Autograd.EnableGrad();
            var f = xs[0].Gather(1, index).Pow(3).Sum();
            return Autograd.Grad([f], [xs[0]], createGraph: true)[0]!;
        }, TensorAssert.Leaf(2, 3));
    }

    [Fact]
    public void ScatterAdd_adds_src_at_the_index_positions_like_torch()
    {
        TensorAssert.Close([3, 4], [0.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 1.25, -1.25, 0.0, -0.5, 0.0],
            Tensor.Zeros([3, 4], DType.Float64).ScatterAdd(0, Index(new long[,] { { 2, 0, 2, 1 } }), TensorAssert.Seq(1, 4)));
        TensorAssert.Close([2, 3], [0.25, 1.0, 0.5, 1.0, 1.75, 1.0],
            Tensor.Ones([2, 3], DType.Float64).ScatterAdd(1, Index(new long[,] { { 0, 0, 2 }, { 1, 1, 1 } }), TensorAssert.Seq(2, 3)));
        // Only the part of src the index covers is used.
        TensorAssert.Close([3], [0.0, -0.75, 0.0], Tensor.Zeros([3], DType.Float64).ScatterAdd(0, Tensor.From(new long[] { 1, 1 }), TensorAssert.Seq(4)));
    }

    [Fact]
    public void ScatterAdd_errors_are_clear()
    {
        var z = Tensor.Zeros(3, 4);
        Assert.Contains("index 3 is out of bounds for dimension 0 with size 3",
            Assert.Throws<ArgumentException>(() => z.ScatterAdd(0, Index(new long[,] { { 3 } }), Tensor.Ones(1, 1))).Message);
        Assert.Contains("Expected self.dtype to be equal to src.dtype",
            Assert.Throws<ArgumentException>(() => z.ScatterAdd(0, Index(new long[,] { { 1 } }), Tensor.Ones([1, 1], DType.Float64))).Message);
        Assert.Contains("Expected index [2, 2] to be smaller than self [3, 4] apart from dimension 0 and to be smaller size than src [1, 1]",
            Assert.Throws<ArgumentException>(() => z.ScatterAdd(0, Tensor.Zeros([2, 2], DType.Int64), Tensor.Ones(1, 1))).Message);
    }

    [Fact]
    public void ScatterAdd_gradients_match_finite_differences()
    {
        var index = Index(new long[,] { { 0, 0, 2 }, { 1, 1, 1 } });
        TensorAssert.GradCheck(xs => xs[0].ScatterAdd(1, index, xs[1].T).Pow(2), TensorAssert.Leaf(2, 4), TensorAssert.Leaf(3, 2));
        // A src larger than the index: its unused elements get zero gradient.
        TensorAssert.GradCheck(xs => xs[0].ScatterAdd(1, index, xs[1]).Pow(2), TensorAssert.Leaf(2, 4), TensorAssert.Leaf(3, 5));
        Assert.Equal("ScatterAddBackward0", TensorAssert.Leaf(2, 4).ScatterAdd(1, index, TensorAssert.Leaf(2, 3)).GradFn!.Name);
    }
}
