using Backprop;

namespace Backprop.Tests.AutogradTests;

public class BackwardTests
{
    [Fact]
    public void Mul_backward_gives_the_other_operand()
    {
        var a = Tensor.From(new[] { 2.0, 3.0 }).RequiresGrad_();
        var b = Tensor.From(new[] { 5.0, 7.0 });
        (a * b).Sum().Backward();
        TensorAssert.Close([5.0, 7.0], a.Grad!);
        Assert.Null(b.Grad);
    }

    [Fact]
    public void Backward_of_a_scalar_starts_from_one()
    {
        var x = Tensor.From(3.0).RequiresGrad_();
        x.Backward();
        TensorAssert.Close(1.0, x.Grad!);
    }

    [Fact]
    public void Backward_on_a_non_scalar_without_gradient_throws()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var ex = Assert.Throws<InvalidOperationException>(() => (x * 2).Backward());
        Assert.Contains("grad can be implicitly created only for scalar outputs", ex.Message);
    }

    [Fact]
    public void Backward_with_a_gradient_weights_each_output()
    {
        var x = Tensor.From(new[] { 1.0, 2.0, 3.0 }).RequiresGrad_();
        (x * x).Backward(Tensor.From(new[] { 1.0, 0.1, 0.01 }));
        TensorAssert.Close([2.0, 0.4, 0.06], x.Grad!);
    }

    [Fact]
    public void Backward_with_a_gradient_of_the_wrong_shape_throws()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var ex = Assert.Throws<ArgumentException>(() => (x * 2).Backward(Tensor.From(new[] { 1.0, 2.0, 3.0 })));
        Assert.Contains("grad_output[0] has a shape of [3] and output[0] has a shape of [2]", ex.Message);
    }

    [Fact]
    public void Backward_on_a_tensor_that_does_not_require_grad_throws()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 });
        var ex = Assert.Throws<InvalidOperationException>(() => x.Sum().Backward());
        Assert.Contains("does not require grad and does not have a grad_fn", ex.Message);
    }

    [Fact]
    public void Gradients_accumulate_across_backward_calls()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        (x * 3).Sum().Backward();
        (x * x).Sum().Backward();
        TensorAssert.Close([5.0, 7.0], x.Grad!);
    }

    [Fact]
    public void ZeroGrad_sets_to_null_or_zeroes_in_place()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        (x * 3).Sum().Backward();
        var grad = x.Grad!;
        x.ZeroGrad(setToNull: false);
        Assert.Same(grad, x.Grad);
        TensorAssert.Close([0.0, 0.0], x.Grad!);
        x.ZeroGrad();
        Assert.Null(x.Grad);
    }

    [Fact]
    public void Backward_twice_without_retainGraph_throws()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var y = (x * x).Sum();
        y.Backward();
        var ex = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("Trying to backward through the graph a second time", ex.Message);
        Assert.Contains("retainGraph", ex.Message);
    }

    [Fact]
    public void Backward_twice_with_retainGraph_accumulates()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var y = (x * x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        TensorAssert.Close([4.0, 8.0], x.Grad!);
    }

    [Fact]
    public void Backward_twice_through_ops_that_saved_nothing_works_as_in_PyTorch()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var y = (x + 1).Sum();
        y.Backward();
        y.Backward();
        TensorAssert.Close([2.0, 2.0], x.Grad!);
    }

    [Fact]
    public void Leaves_and_non_leaves_are_told_apart()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var c = Tensor.From(new[] { 1.0, 2.0 });
        var y = x * c;
        Assert.True(x.IsLeaf);
        Assert.Null(x.GradFn);
        Assert.False(y.IsLeaf);
        Assert.True(y.RequiresGrad);
        Assert.Equal("MulBackward0", y.GradFn!.Name);
        Assert.Equal("<MulBackward0>", y.GradFn.ToString());
        Assert.IsType<AccumulateGrad>(y.GradFn.NextFunctions[0]);
        Assert.Same(x, ((AccumulateGrad)y.GradFn.NextFunctions[0]!).Variable);
        Assert.Null(y.GradFn.NextFunctions[1]);
        var z = c * 2;
        Assert.True(z.IsLeaf);
        Assert.False(z.RequiresGrad);
    }

    [Theory]
    [InlineData(DType.Int64)]
    [InlineData(DType.Bool)]
    public void Only_floating_tensors_can_require_grad(DType dtype)
    {
        var x = Tensor.Zeros([2], dtype);
        var ex = Assert.Throws<InvalidOperationException>(() => x.RequiresGrad_());
        Assert.Contains("only tensors of floating point dtype can require gradients", ex.Message);
    }

    [Fact]
    public void RequiresGrad_false_on_a_non_leaf_throws()
    {
        var x = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        var y = x * 2;
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad_(false));
    }

    [Fact]
    public void Detach_shares_storage_and_cuts_the_graph()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var d = (x * 2).Detach();
        Assert.False(d.RequiresGrad);
        Assert.True(d.IsLeaf);
        var y = x * x.Detach();
        y.Sum().Backward();
        TensorAssert.Close([1.0, 2.0], x.Grad!);   // only the non-detached path
        var e = x.Detach();
        Assert.True(e.SharesStorageWith(x));
    }

    [Fact]
    public void RetainGrad_fills_the_grad_of_a_non_leaf()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var h = x * 3;
        var k = x * 4;
        h.RetainGrad();
        Assert.True(h.RetainsGrad);
        (h * h + k).Sum().Backward();
        TensorAssert.Close([6.0, 12.0], h.Grad!);
        Assert.Null(k.Grad);
        TensorAssert.Close([22.0, 40.0], x.Grad!);
    }

    [Fact]
    public void Broadcast_inputs_get_gradients_of_their_own_shape()
    {
        var a = TensorAssert.Leaf([1, 2, 3, 4, 5, 6], 2, 3);
        var b = TensorAssert.Leaf([10, 20, 30], 3);
        var c = TensorAssert.Leaf([2], 1, 1);
        (a * b * c).Sum().Backward();
        TensorAssert.Close([2, 3], [20, 40, 60, 20, 40, 60], a.Grad!);
        TensorAssert.Close([3], [10, 14, 18], b.Grad!);
        TensorAssert.Close([1, 1], [1 * 10 + 2 * 20 + 3 * 30 + 4 * 10 + 5 * 20 + 6 * 30], c.Grad!);
    }

    [Fact]
    public void A_gradient_reaching_a_lower_precision_input_keeps_its_dtype()
    {
        var a = Tensor.From(new[] { 1f, 2f }).RequiresGrad_();
        var b = Tensor.From(new[] { 0.5, 0.25 }).RequiresGrad_();
        var y = a * b;
        Assert.Equal(DType.Float64, y.DType);
        y.Sum().Backward();
        Assert.Equal(DType.Float32, a.Grad!.DType);
        Assert.Equal(DType.Float64, b.Grad!.DType);
        TensorAssert.Close([0.5, 0.25], a.Grad!);
    }

    [Fact]
    public void A_100000_op_chain_backpropagates_without_recursion()
    {
        var x = Tensor.From(1.0).RequiresGrad_();
        var y = x;
        for (int i = 0; i < 100_000; i++) y = y * 1.00001;
        y.Backward();
        TensorAssert.Close(Math.Pow(1.00001, 100_000), x.Grad!, rtol: 1e-9);
    }

    [Fact]
    public void A_diamond_graph_sums_both_paths()
    {
        var x = Tensor.From(2.0).RequiresGrad_();
        var a = x * 3;
        var b = a.Sigmoid();
        var c = a.Tanh();
        (b + c).Backward();
        double s = 1 / (1 + Math.Exp(-6)), t = Math.Tanh(6);
        TensorAssert.Close(3 * (s * (1 - s) + (1 - t * t)), x.Grad!, rtol: 1e-12);
    }
}
