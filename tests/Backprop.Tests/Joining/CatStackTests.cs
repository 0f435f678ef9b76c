using Backprop;

namespace Backprop.Tests.Joining;

// Expected values printed by PyTorch 1.13 on the same inputs: TensorAssert.Seq(shape) is ((i·7) mod 11 − 5) / 4, row-major.
public class CatStackTests
{
    [Fact]
    public void Cat_joins_along_a_dim_like_torch()
    {
        var y = Tensor.Cat([TensorAssert.Seq(2, 3), TensorAssert.Seq(2, 1) * 2, TensorAssert.Seq(2, 2) + 1], 1);
        TensorAssert.Close([2, 6], [-1.25, 0.5, -0.5, -2.5, -0.25, 1.5, 1.25, 0.25, -0.75, 1.0, 0.5, 2.25], y);
        TensorAssert.Close([4, 3], [.. TensorAssert.Seq(2, 3).ToDoubleArray(), .. TensorAssert.Seq(2, 3).ToDoubleArray()], Tensor.Cat([TensorAssert.Seq(2, 3), TensorAssert.Seq(2, 3)], -2));
    }

    [Fact]
    public void Cat_promotes_dtypes_across_inputs()
    {
        var y = Tensor.Cat([Tensor.From(new long[] { 1, 2 }), Tensor.From(new[] { 0.5 }), Tensor.From(new[] { true })]);
        Assert.Equal(DType.Float64, y.DType);
        TensorAssert.Close([4], [1.0, 2.0, 0.5, 1.0], y);
        Assert.Equal(DType.Int64, Tensor.Cat([Tensor.Ones([2], DType.Bool), Tensor.Ones([2], DType.Int64)]).DType);
    }

    [Fact]
    public void Cat_skips_legacy_empty_1d_tensors_but_counts_their_dtype()
    {
        var y = Tensor.Cat([Tensor.Zeros([0], DType.Float64), Tensor.Ones([2, 3], DType.Int64)]);
        TensorAssert.Shape([2, 3], y);
        Assert.Equal(DType.Float64, y.DType);
        TensorAssert.Shape([0], Tensor.Cat([Tensor.Zeros(0), Tensor.Zeros(0)]));
    }

    [Fact]
    public void Cat_of_mismatched_inputs_throws_with_torch_messages()
    {
        Assert.Contains("Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for tensor number 1 in the list.",
            Assert.Throws<ArgumentException>(() => Tensor.Cat([Tensor.Ones(2, 2), Tensor.Ones(3, 3)], 1)).Message);
        Assert.Contains("Tensors must have same number of dimensions: got 2 and 1",
            Assert.Throws<ArgumentException>(() => Tensor.Cat([Tensor.Ones(2, 2), Tensor.Ones(2)], 1)).Message);
        Assert.Contains("zero-dimensional tensor (at position 1) cannot be concatenated",
            Assert.Throws<ArgumentException>(() => Tensor.Cat([Tensor.Ones(2, 2), Tensor.From(1f)])).Message);
        Assert.Contains("expected a non-empty list of Tensors", Assert.Throws<ArgumentException>(() => Tensor.Cat([])).Message);
        Assert.Contains("dimension out of range (expected to be in range of [-2, 1], but got 2)",
            Assert.Throws<ArgumentException>(() => Tensor.Cat([Tensor.Ones(2, 2), Tensor.Ones(2, 2)], 2)).Message);
    }

    [Fact]
    public void Cat_gives_each_input_its_slice_of_the_gradient()
    {
        TensorAssert.GradCheck(xs => Tensor.Cat([xs[0], xs[1].T, xs[2].Expand(2, 3)], 1).Pow(2),
            TensorAssert.Leaf(2, 3), TensorAssert.Leaf(1, 2), TensorAssert.Leaf(1, 3));
        Assert.Equal("CatBackward0", Tensor.Cat([TensorAssert.Leaf(2), TensorAssert.Leaf(3)]).GradFn!.Name);
    }

    [Fact]
    public void Cat_gradient_reaches_inputs_of_another_dtype_in_their_own_dtype()
    {
        var a = Tensor.Ones([2], DType.Float32).RequiresGrad_();
        var b = TensorAssert.Leaf(3);
        var skipped = Tensor.Zeros([0], DType.Float64).RequiresGrad_();
        (Tensor.Cat([a, skipped, b]) * Tensor.From(new[] { 1.0, 2, 3, 4, 5 })).Sum().Backward();
        Assert.Equal(DType.Float32, a.Grad!.DType);
        TensorAssert.Close([1.0, 2.0], a.Grad);
        TensorAssert.Close([3.0, 4, 5], b.Grad!);
        TensorAssert.Shape([0], skipped.Grad!);
    }

    [Fact]
    public void Stack_adds_a_new_dim_like_torch()
    {
        var y = Tensor.Stack([TensorAssert.Seq(2, 2), TensorAssert.Seq(2, 2) + 1, TensorAssert.Seq(2, 2) * 2], 1);
        TensorAssert.Close([2, 3, 2], [-1.25, 0.5, -0.25, 1.5, -2.5, 1.0, -0.5, 1.25, 0.5, 2.25, -1.0, 2.5], y);
        TensorAssert.Close([3, 2], [-1.25, -0.25, 0.5, 1.5, -0.5, 0.5], Tensor.Stack([TensorAssert.Seq(3), TensorAssert.Seq(3) + 1], -1));
    }

    [Fact]
    public void Stack_of_unequal_shapes_or_a_bad_dim_throws()
    {
        Assert.Contains("stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1",
            Assert.Throws<ArgumentException>(() => Tensor.Stack([Tensor.Ones(2, 3), Tensor.Ones(2, 4)])).Message);
        Assert.Contains("expected to be in range of [-3, 2], but got 3",
            Assert.Throws<ArgumentException>(() => Tensor.Stack([Tensor.Ones(2, 3), Tensor.Ones(2, 3)], 3)).Message);
    }

    [Fact]
    public void Stack_gradient_matches_finite_differences()
    {
        TensorAssert.GradCheck(xs => Tensor.Stack([xs[0], xs[1].T, xs[0] * xs[0]], 1).Pow(2),
            TensorAssert.Leaf(2, 3), TensorAssert.Leaf(3, 2));
        Assert.Equal("StackBackward0", Tensor.Stack([TensorAssert.Leaf(2), TensorAssert.Leaf(2)]).GradFn!.Name);
    }
}
