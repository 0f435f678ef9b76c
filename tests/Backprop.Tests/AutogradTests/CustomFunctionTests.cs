using Backprop;

namespace Backprop.Tests.AutogradTests;

/// <summary>Custom autograd functions (torch.autograd.Function): messages are PyTorch 1.13's, values from gradcheck or the built-in op.</summary>
public class CustomFunctionTests
{
    private sealed class MySigmoid : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            var y = 1 / (1 + (-inputs[0]).Exp());
            ctx.SaveForBackward(y);
            return y;
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor grad)
        {
            var y = ctx.SavedTensors[0]!;
            return [grad * y * (1 - y)];
        }
    }

    /// <summary>x·y with the product rule; records which gradients it was asked for.</summary>
    private sealed class MyMul : Function
    {
        public bool[]? Asked;

        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0], inputs[1]);
            return inputs[0] * inputs[1];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor grad)
        {
            Asked = [.. ctx.NeedsInputGrad];
            var x = ctx.SavedTensors[0]!;
            var y = ctx.SavedTensors[1]!;
            return [ctx.NeedsInputGrad[0] ? grad * y : null, ctx.NeedsInputGrad[1] ? grad * x : null];
        }
    }

    private sealed class Lambda(Func<FunctionContext, Tensor[], Tensor> forward, Func<FunctionContext, Tensor, Tensor?[]> backward, string? name = null)
        : Function
    {
        public override string Name => name ?? base.Name;
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => forward(ctx, inputs);
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor grad) => backward(ctx, grad);
    }

    [Fact]
    public void The_result_carries_the_function_s_node_named_after_the_class()
    {
        var x = TensorAssert.Leaf([0.5, -1.0], 2);
        var y = new MySigmoid().Apply(x);
        Assert.Equal("MySigmoidBackward", y.GradFn!.Name);
        Assert.False(y.IsLeaf);
        Assert.Contains("grad_fn=<MySigmoidBackward>", y.ToString(), StringComparison.Ordinal);
        Assert.Same(x.GradientEdge, y.GradFn.NextFunctions[0]);
    }

    [Fact]
    public void A_chosen_name_is_shown_in_printing_and_in_the_graph()
    {
        var x = TensorAssert.Leaf([0.5, -1.0], 2);
        var y = new Lambda((_, i) => i[0] * 2, (_, g) => [g * 2], "DoubleItBackward").Apply(x);
        Assert.Contains("grad_fn=<DoubleItBackward>", y.ToString(), StringComparison.Ordinal);
        Assert.Contains("label=\"DoubleItBackward\"", Autograd.ToDot(y.Sum()), StringComparison.Ordinal);
    }

    [Fact]
    public void Its_backward_gives_the_same_gradient_as_the_built_in_op()
    {
        var x = TensorAssert.Leaf([0.5, -1.0, 2.0], 3);
        (new MySigmoid().Apply(x) * Tensor.From(new[] { 1.0, 2.0, 3.0 })).Sum().Backward();
        var x2 = TensorAssert.Leaf([0.5, -1.0, 2.0], 3);
        (x2.Sigmoid() * Tensor.From(new[] { 1.0, 2.0, 3.0 })).Sum().Backward();
        TensorAssert.Close(x2.Grad!.ToDoubleArray(), x.Grad!, rtol: 1e-14);
    }

    [Fact]
    public void GradCheck_passes_on_a_correct_backward()
    {
        TensorAssert.GradCheck(xs => new MySigmoid().Apply(xs[0]), TensorAssert.Leaf(2, 3));
        TensorAssert.GradCheck(xs => new MyMul().Apply(xs[0], xs[1]), TensorAssert.Leaf(2, 3), TensorAssert.Leaf(2, 3));
    }

    [Fact]
    public void GradCheck_names_the_input_and_element_of_a_wrong_backward()
    {
        // d(x·y)/dy written as grad·y (should be grad·x): wrong for input 1 only, first at element 0.
        var wrong = new Lambda((ctx, i) => { ctx.SaveForBackward(i[0], i[1]); return i[0] * i[1]; },
            (ctx, g) => [g * ctx.SavedTensors[1]!, g * ctx.SavedTensors[1]!]);
        var x = TensorAssert.Leaf([0.5, -1.0], 2);
        var y = TensorAssert.Leaf([2.0, 3.0], 2);
        var e = Assert.Throws<GradCheckException>(() => Autograd.GradCheck(xs => wrong.Apply(xs[0], xs[1]), [x, y]));
        Assert.StartsWith("GradCheck: Jacobian mismatch for output 0 with respect to input 1, element 0 (index [0]), output element 0: numerical 0.5",
            e.Message, StringComparison.Ordinal);
        Assert.EndsWith("analytical 2", e.Message, StringComparison.Ordinal);
        Assert.False(Autograd.GradCheck(xs => wrong.Apply(xs[0], xs[1]), [x, y], raiseException: false));
    }

    [Fact]
    public void NeedsInputGrad_says_which_inputs_require_grad_and_null_gradients_are_skipped()
    {
        var x = TensorAssert.Leaf([1.0, 2.0], 2);
        var c = Tensor.From(new[] { 3.0, 4.0 });
        var f = new MyMul();
        f.Apply(x, c).Sum().Backward();
        Assert.Equal([true, false], f.Asked!);
        TensorAssert.Close([3.0, 4.0], x.Grad!);
        Assert.Null(c.Grad);
    }

    [Fact]
    public void Without_an_input_that_requires_grad_nothing_is_recorded()
    {
        var y = new MySigmoid().Apply(Tensor.From(new[] { 0.0 }));
        Assert.Null(y.GradFn);
        Assert.False(y.RequiresGrad);
        using (Autograd.NoGrad()) Assert.Null(new MySigmoid().Apply(TensorAssert.Leaf([0.0], 1)).GradFn);
    }

    [Fact]
    public void A_gradient_for_an_input_that_needs_none_is_ignored()
    {
        var x = TensorAssert.Leaf([1.0, 2.0], 2);
        var c = Tensor.From(new[] { 3.0, 4.0 });
        var f = new Lambda((_, i) => i[0] + i[1], (_, g) => [g, g * 100]);
        f.Apply(x, c).Sum().Backward();
        TensorAssert.Close([1.0, 1.0], x.Grad!);
        Assert.Null(c.Grad);
    }

    [Fact]
    public void Forward_runs_with_grad_mode_off()
    {
        bool? seen = null;
        var f = new Lambda((_, i) => { seen = Autograd.IsGradEnabled; return i[0] * 2; }, (_, g) => [g * 2]);
        var y = f.Apply(TensorAssert.Leaf([1.0], 1));
        Assert.False(seen);
        Assert.True(Autograd.IsGradEnabled);
        Assert.Equal("LambdaBackward", y.GradFn!.Name);
    }

    [Fact]
    public void A_wrong_number_of_gradients_fails_with_PyTorch_s_message()
    {
        var x = TensorAssert.Leaf([1.0, 2.0], 2);
        var f = new Lambda((_, i) => i[0] * i[1], (_, g) => [g], "MyFnBackward");
        var e = Assert.Throws<InvalidOperationException>(() => f.Apply(x, x).Sum().Backward());
        Assert.Equal("function MyFnBackward returned an incorrect number of gradients (expected 2, got 1)", e.Message);
    }

    [Fact]
    public void A_gradient_of_the_wrong_shape_fails_with_PyTorch_s_message()
    {
        var x = TensorAssert.Leaf([1.0, 2.0], 2);
        var f = new Lambda((_, i) => i[0] * 2, (_, g) => [Tensor.Ones([3], DType.Float64)], "BadBackward");
        var e = Assert.Throws<InvalidOperationException>(() => f.Apply(x).Sum().Backward());
        Assert.Equal("Function BadBackward returned an invalid gradient at index 0 - got [3] but expected shape compatible with [2]", e.Message);
    }

    [Fact]
    public void A_gradient_that_sums_to_the_input_s_shape_is_summed()
    {
        // PyTorch accepts a gradient the input's shape expands to, and sums it (validate_outputs' sum_to).
        var x = TensorAssert.Leaf([1.0, 2.0], 2);
        var f = new Lambda((_, i) => i[0] * 2, (_, g) => [Tensor.Ones([3, 2], DType.Float64)]);
        f.Apply(x).Sum().Backward();
        TensorAssert.Close([3.0, 3.0], x.Grad!);
    }

    [Fact]
    public void A_saved_input_modified_in_place_fails_backward_with_PyTorch_s_message()
    {
        var x = TensorAssert.Leaf([1.0, 2.0], 2);
        var a = x * 1;
        var f = new Lambda((ctx, i) => { var y = i[0] * 2; ctx.SaveForBackward(i[0], y); return y; },
            (ctx, g) => { _ = ctx.SavedTensors; return [g * 2]; }, "SaveBackward");
        var o = f.Apply(a);
        using (Autograd.NoGrad()) a.Add_(1);
        var e = Assert.Throws<InvalidOperationException>(() => o.Sum().Backward());
        Assert.Equal("one of the variables needed for gradient computation has been modified by an inplace operation: " +
                     "[torch.DoubleTensor [2]], which is output 0 of MulBackward0, is at version 1; expected version 0 instead.", e.Message);
    }

    [Fact]
    public void A_saved_output_modified_in_place_names_the_function()
    {
        var x = TensorAssert.Leaf([1.0, 2.0], 2);
        var f = new Lambda((ctx, i) => { var y = i[0] * 2; ctx.SaveForBackward(i[0], y); return y; },
            (ctx, g) => { _ = ctx.SavedTensors; return [g * 2]; }, "SaveBackward");
        var o = f.Apply(x * 1);
        using (Autograd.NoGrad()) o.Add_(1);
        var e = Assert.Throws<InvalidOperationException>(() => o.Sum().Backward());
        Assert.Contains("[torch.DoubleTensor [2]], which is output 0 of SaveBackward, is at version 1; expected version 0 instead.", e.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Saved_tensors_are_freed_by_backward_unless_the_graph_is_retained()
    {
        var x = TensorAssert.Leaf([1.0, 2.0], 2);
        var o = new MySigmoid().Apply(x).Sum();
        o.Backward(retainGraph: true);
        o.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => o.Backward());
        Assert.StartsWith("Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed).",
            e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_function_that_saves_nothing_can_be_run_backward_twice()
    {
        var x = TensorAssert.Leaf([1.0, 2.0], 2);
        var o = new Lambda((_, i) => i[0] * 3, (_, g) => [g * 3]).Apply(x).Sum();
        o.Backward();
        o.Backward();
        TensorAssert.Close([6.0, 6.0], x.Grad!);
    }

    [Fact]
    public void MarkDirty_gives_the_modified_input_the_function_s_history()
    {
        var x = TensorAssert.Leaf([1.0, 2.0], 2);
        var b = x * 1;
        var f = new Lambda((ctx, i) => { i[0].Mul_(2); ctx.MarkDirty(i[0]); return i[0]; }, (_, g) => [g * 2], "DirtyBackward");
        var r = f.Apply(b);
        Assert.Same(b, r);
        Assert.Equal("DirtyBackward", r.GradFn!.Name);
        Assert.Equal("MulBackward0", r.GradFn.NextFunctions[0]!.Name);
        TensorAssert.Close([2.0, 4.0], r);
        r.Sum().Backward();
        TensorAssert.Close([2.0, 2.0], x.Grad!);
    }

    [Fact]
    public void MarkDirty_on_a_leaf_that_requires_grad_fails_as_in_PyTorch()
    {
        var x = TensorAssert.Leaf([1.0, 2.0], 2);
        var f = new Lambda((ctx, i) => { i[0].Detach().Mul_(2); ctx.MarkDirty(i[0]); return i[0]; }, (_, g) => [g * 2], "DirtyBackward");
        var e = Assert.Throws<InvalidOperationException>(() => f.Apply(x));
        Assert.Equal("DirtyBackward: a leaf Variable that requires grad has been used in an in-place operation.", e.Message);
    }

    [Fact]
    public void A_dirty_input_that_is_not_returned_fails()
    {
        var f = new Lambda((ctx, i) => { i[0].Mul_(2); ctx.MarkDirty(i[0]); return i[0] * 1; }, (_, g) => [g * 2], "Dirty2Backward");
        var e = Assert.Throws<InvalidOperationException>(() => f.Apply(TensorAssert.Leaf([1.0], 1) * 1));
        Assert.Equal("Dirty2Backward: Some elements marked as dirty during the forward method were not returned as output. " +
                     "The inputs that are modified inplace must all be outputs of the Function.", e.Message);
    }

    [Fact]
    public void An_input_returned_as_it_is_comes_back_as_a_new_tensor_with_the_function_s_history()
    {
        var x = TensorAssert.Leaf([1.0, 2.0], 2);
        var c = new Lambda((_, i) => i[0], (_, g) => [g * 5], "IdentBackward").Apply(x);
        Assert.NotSame(x, c);
        Assert.True(x.IsLeaf);
        Assert.Equal("IdentBackward", c.GradFn!.Name);
        c.Sum().Backward();
        TensorAssert.Close([5.0, 5.0], x.Grad!);
    }

    [Fact]
    public void A_non_differentiable_output_does_not_require_grad()
    {
        var x = TensorAssert.Leaf([1.4, -2.6], 2);
        var n = new Lambda((ctx, i) => { var r = i[0].Sign(); ctx.MarkNonDifferentiable(r); return r; }, (_, g) => [g]).Apply(x);
        Assert.False(n.RequiresGrad);
        Assert.Null(n.GradFn);
        TensorAssert.Close([1.0, -1.0], n);
    }

    [Fact]
    public void Context_marks_can_only_be_set_in_forward()
    {
        FunctionContext? kept = null;
        var f = new Lambda((ctx, i) => { kept = ctx; return i[0] * 2; }, (_, g) => [g * 2], "LateBackward");
        f.Apply(TensorAssert.Leaf([1.0], 1));
        var e = Assert.Throws<InvalidOperationException>(() => kept!.SaveForBackward(Tensor.From(new[] { 1.0 })));
        Assert.Equal("LateBackward: SaveForBackward can only be called in Forward", e.Message);
    }

    [Fact]
    public void Items_carry_non_tensor_values_from_forward_to_backward()
    {
        var x = TensorAssert.Leaf([1.0, 2.0, 3.0, 4.0], 2, 2);
        var f = new Lambda((ctx, i) => { ctx.Items["shape"] = i[0].Shape.ToArray(); return i[0].Sum(); },
            (ctx, g) => [g.Expand((int[])ctx.Items["shape"]!)]);
        f.Apply(x).Backward();
        TensorAssert.Close([2, 2], [1.0, 1.0, 1.0, 1.0], x.Grad!);
    }

    [Fact]
    public void A_backward_in_tensor_ops_gives_second_derivatives_with_createGraph()
    {
        // d²/dx² σ(x) = σ(x)(1 − σ(x))(1 − 2σ(x)), the same as the built-in Sigmoid's.
        var x = TensorAssert.Leaf([0.5, -1.0, 2.0], 3);
        var g = Autograd.Grad([new MySigmoid().Apply(x).Sum()], [x], createGraph: true)[0]!;
        var gg = Autograd.Grad([g.Sum()], [x])[0]!;
        var x2 = TensorAssert.Leaf([0.5, -1.0, 2.0], 3);
        var g2 = Autograd.Grad([x2.Sigmoid().Sum()], [x2], createGraph: true)[0]!;
        var gg2 = Autograd.Grad([g2.Sum()], [x2])[0]!;
        TensorAssert.Close(gg2.ToDoubleArray(), gg, rtol: 1e-12);
        Assert.True(Autograd.GradGradCheck(xs => new MySigmoid().Apply(xs[0]), [TensorAssert.Leaf(2, 2)]));
    }

    [Fact]
    public void One_function_object_applied_from_many_threads_gives_each_its_own_gradient()
    {
        // The documented promise: a function object keeps no per-call state, so concurrent calls do not mix.
        var sigmoid = new MySigmoid();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            for (int round = 0; round < 20; round++)
            {
                double v = (i - 32) / 10.0 + round / 100.0;
                var x = TensorAssert.Leaf([v, -v], 2);
                sigmoid.Apply(x).Sum().Backward();
                double s = 1 / (1 + Math.Exp(-v)), t = 1 / (1 + Math.Exp(v));
                var g = x.Grad!.ToDoubleArray();
                if (Math.Abs(g[0] - s * (1 - s)) > 1e-12 || Math.Abs(g[1] - t * (1 - t)) > 1e-12) failures.Add($"{i}/{round}: [{g[0]}, {g[1]}]");
            }
        });
        Assert.Empty(failures);
    }

    [Fact]
    public void Float32_inputs_get_Float32_gradients()
    {
        var x = Tensor.From(new[] { 0.5f, -1f }).RequiresGrad_();
        new Lambda((_, i) => i[0] * 2, (_, g) => [g.To(DType.Float64) * 2]).Apply(x).Sum().Backward();
        Assert.Equal(DType.Float32, x.Grad!.DType);
        TensorAssert.Close([2.0, 2.0], x.Grad);
    }
}
