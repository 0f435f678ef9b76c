using Backprop;

namespace Backprop.Tests.Indexing;

// x[...] against PyTorch 1.13's __getitem__ on the same input: TensorAssert.Seq(2, 3, 4), ((i·7) mod 11 − 5) / 4 row-major.
public class SubscriptTests
{
    [Fact]
    public void Integer_index_selects_and_removes_the_dim()
    {
        var y = TensorAssert.Seq(2, 3, 4);
        TensorAssert.Close([3, 4], [0.5, -0.5, 1.25, 0.25, -0.75, 1.0, 0.0, -1.0, 0.75, -0.25, -1.25, 0.5], y[1]);
        Assert.True(y[1].SharesStorageWith(y));
        TensorAssert.Close([], [0.5], y[^1, 0, 0]);
    }

    [Fact]
    public void Ranges_ellipsis_and_from_end_indices_match_torch()
    {
        var y = TensorAssert.Seq(2, 3, 4);
        TensorAssert.Close([2, 3], [1.25, 0.0, -1.25, 0.25, -1.0, 0.5], y[TensorIndex.Ellipsis, -1]);
        TensorAssert.Close([2, 3], [1.25, 0.0, -1.25, 0.25, -1.0, 0.5], y[.., .., ^1]);
        TensorAssert.Close([2, 2], [0.0, -1.25, -1.0, 0.5], y[.., 1..3, ^1]);
        TensorAssert.Close([2, 2], [0.0, -1.25, -1.0, 0.5], y[.., 1..100, -1]);   // slice bounds clamp, as in Python
        TensorAssert.Shape([2, 0, 4], y[.., 2..1]);
        TensorAssert.Shape([2, 1, 4], y[.., ^1..]);
        TensorAssert.Shape([2, 2, 4], y[.., ..^1]);
    }

    [Fact]
    public void Stepped_slices_and_new_axes_match_torch()
    {
        var y = TensorAssert.Seq(2, 3, 4);
        TensorAssert.Close([2, 2], [0.5, 1.25, 0.75, -1.25], y[0, TensorIndex.Slice(null, null, 2), TensorIndex.Slice(1, null, 2)]);
        TensorAssert.Close([1, 3, 1], [-0.5, 1.0, -0.25], y[TensorIndex.NewAxis, 0, .., TensorIndex.NewAxis, 2]);
        TensorAssert.Shape([1, 2, 3, 4], y[TensorIndex.NewAxis]);
        TensorAssert.Shape([2, 3, 4, 1], y[TensorIndex.Ellipsis, TensorIndex.NewAxis]);
    }

    [Fact]
    public void Index_errors_name_the_index_dim_and_size()
    {
        var x = TensorAssert.Seq(3, 4);
        Assert.Contains("index 5 is out of bounds for dimension 0 with size 3", Assert.Throws<ArgumentException>(() => x[5]).Message);
        Assert.Contains("index -4 is out of bounds for dimension 0 with size 3", Assert.Throws<ArgumentException>(() => x[-4]).Message);
        Assert.Contains("index 4 is out of bounds for dimension 1 with size 4", Assert.Throws<ArgumentException>(() => x[0, 4]).Message);
        Assert.Contains("index ^0 is out of bounds for dimension 1 with size 4", Assert.Throws<ArgumentException>(() => x[.., ^0]).Message);
        Assert.Contains("too many indices for tensor of dimension 2", Assert.Throws<ArgumentException>(() => x[0, 0, 0]).Message);
        Assert.Contains("single ellipsis", Assert.Throws<ArgumentException>(() => x[TensorIndex.Ellipsis, TensorIndex.Ellipsis]).Message);
        Assert.Contains("invalid index of a 0-dim tensor", Assert.Throws<ArgumentException>(() => Tensor.From(1f)[0]).Message);
        Assert.Contains("step must be greater than zero", Assert.Throws<ArgumentException>(() => x[TensorIndex.Slice(null, null, -1)]).Message);
    }

    [Fact]
    public void Basic_indexing_gradients_flow_back_through_the_views()
    {
        TensorAssert.GradCheck(xs => xs[0][1, TensorIndex.Slice(0, null, 2), ^1] * xs[0][.., 2, TensorIndex.NewAxis, 1..3].Sum(), TensorAssert.Leaf(2, 3, 4));
        TensorAssert.GradCheck(xs => xs[0].T[TensorIndex.Ellipsis, 0].Pow(2), TensorAssert.Leaf(3, 2));
    }

    [Fact]
    public void Int64_index_tensor_replaces_a_dim_like_torch()
    {
        var y = TensorAssert.Seq(2, 3, 4);
        TensorAssert.Close([2, 2, 4], [-1.0, 0.75, -0.25, -1.25, -1.25, 0.5, -0.5, 1.25, 0.75, -0.25, -1.25, 0.5, 0.5, -0.5, 1.25, 0.25],
            y[.., TensorIndex.Tensor(Tensor.From(new long[] { 2, 0 }))]);
        TensorAssert.Close([2, 2, 4], [0.25, -0.75, 1.0, 0.0, -1.0, 0.75, -0.25, -1.25, -1.25, 0.5, -0.5, 1.25, -1.25, 0.5, -0.5, 1.25],
            y[0, TensorIndex.Tensor(Tensor.From(new long[,] { { 1, -1 }, { 0, 0 } }))]);
        // Integers are applied first, as PyTorch does (not NumPy's advanced-integer rule).
        TensorAssert.Close([3, 2], [-1.25, 0.5, 0.25, -0.75, -1.0, 0.75], y[0, .., TensorIndex.Tensor(Tensor.From(new long[] { 0, 1 }))]);
        TensorAssert.Shape([2, 4], y[.., TensorIndex.Tensor(Tensor.From(1L))]);
    }

    [Fact]
    public void Bool_mask_index_selects_the_true_elements_like_torch()
    {
        var y = TensorAssert.Seq(2, 3, 4);
        TensorAssert.Close([6], [1.25, 1.0, 0.75, 1.25, 1.0, 0.75], y[TensorIndex.Tensor(y > 0.5)]);
        TensorAssert.Close([2, 2, 4], [-1.25, 0.5, -0.5, 1.25, -1.0, 0.75, -0.25, -1.25, 0.5, -0.5, 1.25, 0.25, 0.75, -0.25, -1.25, 0.5],
            y[.., TensorIndex.Tensor(Tensor.From(new[] { true, false, true }))]);
        Assert.Contains("The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [2, 3, 4] at index 1",
            Assert.Throws<ArgumentException>(() => y[.., TensorIndex.Tensor(Tensor.From(new[] { true, false }))]).Message);
    }

    [Fact]
    public void Index_tensor_errors_are_clear()
    {
        var y = TensorAssert.Seq(2, 3);
        Assert.Contains("index 5 is out of bounds for dimension 1 with size 3",
            Assert.Throws<ArgumentException>(() => y[.., TensorIndex.Tensor(Tensor.From(new long[] { 5 }))]).Message);
        Assert.Contains("must be torch.int64 or torch.bool", Assert.Throws<ArgumentException>(() => TensorIndex.Tensor(Tensor.Ones(1))).Message);
        var i = TensorIndex.Tensor(Tensor.From(new long[] { 0 }));
        Assert.Contains("only one index tensor", Assert.Throws<ArgumentException>(() => y[i, i]).Message);
    }

    [Fact]
    public void Advanced_indexing_gradients_match_finite_differences()
    {
        var positions = TensorIndex.Tensor(Tensor.From(new long[,] { { 2, -1 }, { 0, 1 } }));
        TensorAssert.GradCheck(xs => xs[0].T[0, positions].Pow(2), TensorAssert.Leaf(4, 2));
        var mask = TensorIndex.Tensor(Tensor.From(new[,] { { true, false, true }, { false, true, true } }));
        TensorAssert.GradCheck(xs => xs[0].Permute(1, 2, 0)[mask].Pow(2), TensorAssert.Leaf(2, 2, 3));
    }
}
