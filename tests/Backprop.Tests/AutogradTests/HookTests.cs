using Backprop;

namespace Backprop.Tests.AutogradTests;

public class HookTests
{
    [Fact]
    public void A_hook_on_a_non_leaf_sees_its_gradient()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var h = x * 3;
        Tensor? seen = null;
        h.RegisterHook(g => { seen = g; return null; });
        (h * h).Sum().Backward();
        TensorAssert.Close([6.0, 12.0], seen!);
        TensorAssert.Close([18.0, 36.0], x.Grad!);
    }

    [Fact]
    public void A_hook_can_replace_the_gradient()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var h = x * 3;
        h.RegisterHook(g => g * 2);
        h.Sum().Backward();
        TensorAssert.Close([6.0, 6.0], x.Grad!);
    }

    [Fact]
    public void A_hook_on_a_leaf_runs_before_accumulation()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        x.RegisterHook(g => g.Neg());
        (x * 5).Sum().Backward();
        TensorAssert.Close([-5.0, -5.0], x.Grad!);
    }

    [Fact]
    public void Disposing_the_handle_removes_the_hook()
    {
        var x = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        int calls = 0;
        var handle = x.RegisterHook(g => { calls++; return null; });
        (x * 2).Sum().Backward();
        handle.Dispose();
        (x * 2).Sum().Backward();
        Assert.Equal(1, calls);
    }

    [Fact]
    public void A_hook_on_a_tensor_without_grad_throws()
    {
        var x = Tensor.From(new[] { 1.0 });
        Assert.Throws<InvalidOperationException>(() => x.RegisterHook(g => g));
    }
}
