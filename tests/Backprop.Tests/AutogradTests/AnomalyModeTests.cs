using Backprop;

namespace Backprop.Tests.AutogradTests;

/// <summary>Anomaly detection (torch.autograd.detect_anomaly): PyTorch 1.13 raises "Function 'SqrtBackward0' returned nan values in its 0th output." here.</summary>
public class AnomalyModeTests
{
    private static Tensor SqrtTimesZero(Tensor x) => (x.Sqrt() * 0).Sum();   // the forward line the traceback must name

    [Fact]
    public void A_NaN_made_in_backward_throws_naming_the_op_and_the_forward_stack()
    {
        var x = Tensor.From(new[] { 0.0, 1.0 }).RequiresGrad_();
        using (Autograd.DetectAnomaly())
        {
            Assert.True(Autograd.IsAnomalyEnabled);
            var y = SqrtTimesZero(x);
            var e = Assert.Throws<AnomalyException>(() => y.Backward());
            Assert.StartsWith("Function 'SqrtBackward0' returned nan values in its 0th output.\nTraceback of forward call that caused the error:\n",
                e.Message, StringComparison.Ordinal);
            Assert.Equal("SqrtBackward0", e.NodeName);
            Assert.Contains($"{nameof(AnomalyModeTests)}.{nameof(SqrtTimesZero)}", e.ForwardStack!, StringComparison.Ordinal);
            Assert.StartsWith("   at Backprop.Tensor.Sqrt", e.ForwardStack!, StringComparison.Ordinal);
        }
        Assert.False(Autograd.IsAnomalyEnabled);
    }

    [Fact]
    public void Outside_anomaly_mode_the_NaN_reaches_the_gradient()
    {
        var x = Tensor.From(new[] { 0.0, 1.0 }).RequiresGrad_();
        SqrtTimesZero(x).Backward();
        Assert.True(double.IsNaN(x.Grad!.ToDoubleArray()[0]));
    }

    [Fact]
    public void A_graph_recorded_outside_the_scope_still_names_the_op()
    {
        var x = Tensor.From(new[] { 0.0, 1.0 }).RequiresGrad_();
        var y = SqrtTimesZero(x);
        using var _ = Autograd.DetectAnomaly();
        var e = Assert.Throws<AnomalyException>(() => y.Backward());
        Assert.Equal("Function 'SqrtBackward0' returned nan values in its 0th output.", e.Message);
        Assert.Null(e.ForwardStack);
    }

    [Fact]
    public void A_custom_function_whose_backward_makes_NaN_is_named()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        using var _ = Autograd.DetectAnomaly();
        var y = new NaNBackward().Apply(x).Sum();
        var e = Assert.Throws<AnomalyException>(() => y.Backward());
        Assert.StartsWith("Function 'NaNBackwardBackward' returned nan values in its 0th output.", e.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(A_custom_function_whose_backward_makes_NaN_is_named), e.ForwardStack!, StringComparison.Ordinal);
    }

    [Fact]
    public void SetDetectAnomaly_false_turns_it_off_inside_a_scope_and_scopes_nest()
    {
        using (Autograd.DetectAnomaly())
        {
            using (Autograd.SetDetectAnomaly(false))
            {
                Assert.False(Autograd.IsAnomalyEnabled);
                var x = Tensor.From(new[] { 0.0 }).RequiresGrad_();
                SqrtTimesZero(x).Backward();   // no exception
            }
            Assert.True(Autograd.IsAnomalyEnabled);
        }
    }

    [Fact]
    public async Task The_mode_belongs_to_its_async_flow()
    {
        using var _ = Autograd.DetectAnomaly();
        Assert.True(await Task.Run(() => Autograd.IsAnomalyEnabled));   // it flows into the tasks the scope starts
        bool seen = true;
        using (ExecutionContext.SuppressFlow())
        {
            var thread = new Thread(() => seen = Autograd.IsAnomalyEnabled);
            thread.Start();
            thread.Join();
        }
        Assert.False(seen);   // another flow does not see it
    }

    [Fact]
    public void Another_backward_error_keeps_its_type_and_message_and_carries_the_forward_stack()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        using var _ = Autograd.DetectAnomaly();
        var h = x * 1;
        var y = h.Exp();              // saves its result
        using (Autograd.NoGrad()) y.Add_(1);
        var e = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.StartsWith("one of the variables needed for gradient computation has been modified by an inplace operation", e.Message, StringComparison.Ordinal);
        Assert.Equal("ExpBackward0", e.Data["Backprop.AnomalyNode"]);
        Assert.Contains(nameof(Another_backward_error_keeps_its_type_and_message_and_carries_the_forward_stack), (string)e.Data["Backprop.ForwardStack"]!,
            StringComparison.Ordinal);
    }

    private sealed class NaNBackward : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * 2;
        protected override Tensor?[] Backward(FunctionContext ctx, Tensor grad) => [grad * double.NaN];
    }
}
