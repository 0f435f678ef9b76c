using Backprop;

namespace Backprop.Tests.AutogradTests;

/// <summary>Custom functions with several outputs (a torch.autograd.Function whose forward returns a tuple); values from gradcheck.</summary>
public class MultiOutputFunctionTests
{
    /// <summary>(x·y, x + y) with the product rule; keeps the output gradients it was given.</summary>
    private sealed class ProductAndSum : MultiOutputFunction
    {
        public Tensor[]? Seen;

        protected override Tensor[] Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0], inputs[1]);
            return [inputs[0] * inputs[1], inputs[0] + inputs[1]];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor[] gradOutputs)
        {
            Seen = gradOutputs;
            var (x, y) = (ctx.SavedTensors[0]!, ctx.SavedTensors[1]!);
            var (gProduct, gSum) = (gradOutputs[0], gradOutputs[1]);
            return [gProduct * y + gSum, gProduct * x + gSum];
        }
    }

    /// <summary>The row maxima and their positions: the positions are not differentiable.</summary>
    private sealed class RowMax : MultiOutputFunction
    {
        public Tensor[]? Seen;

        protected override Tensor[] Forward(FunctionContext ctx, Tensor[] inputs)
        {
            var (values, indices) = inputs[0].Max(1);
            ctx.MarkNonDifferentiable(indices);
            ctx.SaveForBackward(indices);
            ctx.Items["shape"] = inputs[0].Shape.ToArray();
            return [values, indices];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor[] gradOutputs)
        {
            Seen = gradOutputs;
            var indices = ctx.SavedTensors[0]!;
            var shape = (int[])ctx.Items["shape"]!;
            var columns = Tensor.Arange(shape[1]).Unsqueeze(0);
            var mask = columns.Eq(indices.Unsqueeze(1)).To(gradOutputs[0].DType);
            return [mask * gradOutputs[0].Unsqueeze(1)];
        }
    }

    [Fact]
    public void Each_output_has_a_node_named_after_the_function_leading_to_the_shared_node()
    {
        var x = TensorAssert.Leaf([1.0, 2.0], 2);
        var y = TensorAssert.Leaf([3.0, -1.0], 2);
        var outputs = new ProductAndSum().Apply(x, y);
        TensorAssert.Close([3.0, -2.0], outputs[0]);
        TensorAssert.Close([4.0, 1.0], outputs[1]);
        var (first, second) = (outputs[0].GradFn!, outputs[1].GradFn!);
        Assert.Equal("ProductAndSumBackward", first.Name);
        Assert.Equal("ProductAndSumBackward", second.Name);
        var shared = first.NextFunctions[0]!;
        Assert.Same(shared, second.NextFunctions[0]);
        Assert.Equal("ProductAndSumBackward", shared.Name);
        Assert.Equal(2, shared.NextFunctions.Count);
    }

    [Fact]
    public void Backward_runs_once_with_every_output_s_gradient()
    {
        var x = TensorAssert.Leaf([1.0, 2.0], 2);
        var y = TensorAssert.Leaf([3.0, -1.0], 2);
        var f = new ProductAndSum();
        var o = f.Apply(x, y);
        (o[0] * 2 + o[1] * Tensor.From(new[] { 5.0, 7.0 })).Sum().Backward();
        TensorAssert.Close([2.0, 2.0], f.Seen![0]);
        TensorAssert.Close([5.0, 7.0], f.Seen[1]);
        TensorAssert.Close([2 * 3.0 + 5, 2 * -1.0 + 7], x.Grad!);   // 2y + g_sum
        TensorAssert.Close([2 * 1.0 + 5, 2 * 2.0 + 7], y.Grad!);    // 2x + g_sum
    }

    [Fact]
    public void An_output_that_gets_no_gradient_is_given_zeros()
    {
        var x = TensorAssert.Leaf([1.0, 2.0], 2);
        var y = TensorAssert.Leaf([3.0, -1.0], 2);
        var f = new ProductAndSum();
        f.Apply(x, y)[1].Sum().Backward();
        TensorAssert.Close([2], [0.0, 0.0], f.Seen![0]);
        TensorAssert.Close([1.0, 1.0], x.Grad!);
    }

    [Fact]
    public void GradCheck_and_GradGradCheck_pass_on_a_multi_output_function()
    {
        var f = new ProductAndSum();
        Tensor Combined(Tensor[] xs)
        {
            var o = f.Apply(xs[0], xs[1]);
            return o[0] * o[1] + o[1].Pow(2);
        }
        TensorAssert.GradCheck(Combined, TensorAssert.Leaf(2, 3), TensorAssert.Leaf(2, 3));
        Assert.True(Autograd.GradGradCheck(Combined, [TensorAssert.Leaf(2, 3), TensorAssert.Leaf(2, 3)]));
    }

    [Fact]
    public void A_non_differentiable_output_does_not_require_grad_and_gets_zeros()
    {
        var x = TensorAssert.Leaf([1.0, 5.0, 2.0, 4.0, 3.0, 0.5], 2, 3);
        var f = new RowMax();
        var o = f.Apply(x);
        Assert.True(o[0].RequiresGrad);
        Assert.False(o[1].RequiresGrad);
        Assert.Equal(DType.Int64, o[1].DType);
        TensorAssert.Close([1.0, 0.0], o[1]);
        o[0].Sum().Backward();
        TensorAssert.Close([2], [0.0, 0.0], f.Seen![1]);
        TensorAssert.Close([0.0, 1.0, 0.0, 1.0, 0.0, 0.0], x.Grad!);
        TensorAssert.GradCheck(xs => new RowMax().Apply(xs[0])[0], TensorAssert.Leaf([1.0, 5.0, 2.0, 4.0, 3.0, 0.5], 2, 3));
    }

    [Fact]
    public void Float32_and_Float64_outputs_each_get_their_own_dtype()
    {
        var x = Tensor.From(new[] { 1f, 2f }).RequiresGrad_();
        var y = TensorAssert.Leaf([3.0, -1.0], 2);
        var f = new Mixed();
        var o = f.Apply(x, y);
        (o[0].To(DType.Float64) + o[1]).Sum().Backward();
        Assert.Equal(DType.Float32, f.Seen![0].DType);
        Assert.Equal(DType.Float64, f.Seen[1].DType);
        Assert.Equal(DType.Float32, x.Grad!.DType);
        TensorAssert.Close([2.0, 2.0], x.Grad);
        TensorAssert.Close([3.0, 3.0], y.Grad!);
    }

    private sealed class Mixed : MultiOutputFunction
    {
        public Tensor[]? Seen;
        protected override Tensor[] Forward(FunctionContext ctx, Tensor[] inputs) => [inputs[0] * 2, inputs[1] * 3];

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor[] gradOutputs)
        {
            Seen = gradOutputs;
            return [gradOutputs[0] * 2, gradOutputs[1] * 3];
        }
    }
}
