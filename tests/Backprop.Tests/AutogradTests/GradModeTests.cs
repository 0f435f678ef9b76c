using Backprop;

namespace Backprop.Tests.AutogradTests;

public class GradModeTests
{
    [Fact]
    public void NoGrad_stops_recording_until_disposed()
    {
        var x = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        Assert.True(Autograd.IsGradEnabled);
        using (Autograd.NoGrad())
        {
            Assert.False(Autograd.IsGradEnabled);
            var y = x * 2;
            Assert.False(y.RequiresGrad);
            Assert.Null(y.GradFn);
        }
        Assert.True(Autograd.IsGradEnabled);
        Assert.True((x * 2).RequiresGrad);
    }

    [Fact]
    public void EnableGrad_records_inside_NoGrad()
    {
        var x = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        using (Autograd.NoGrad())
        {
            using (Autograd.EnableGrad())
                Assert.True((x * 2).RequiresGrad);
            Assert.False((x * 2).RequiresGrad);
        }
    }

    [Fact]
    public void SetGradEnabled_false_acts_as_NoGrad()
    {
        using var scope = Autograd.SetGradEnabled(false);
        var x = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        Assert.False((x * 2).RequiresGrad);
    }

    [Fact]
    public void NoGrad_is_per_thread()
    {
        using (Autograd.NoGrad())
        {
            bool other = false;
            var thread = new Thread(() => other = Autograd.IsGradEnabled);
            thread.UnsafeStart();   // no execution-context flow: a fresh thread starts in the default mode
            thread.Join();
            Assert.True(other);
            Assert.False(Autograd.IsGradEnabled);
        }
    }

    [Fact]
    public void A_thread_started_inside_NoGrad_inherits_it_unlike_PyTorch()
    {
        // The mode flows with the execution context (docs/decisions.md, "Grad mode is AsyncLocal"); PyTorch's
        // thread-local mode would start this thread with gradients on.
        var x = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        bool enabled = true, recorded = true;
        using (Autograd.NoGrad())
        {
            var thread = new Thread(() =>
            {
                enabled = Autograd.IsGradEnabled;
                recorded = (x * 2).RequiresGrad;
            });
            thread.Start();
            thread.Join();
        }
        Assert.False(enabled);
        Assert.False(recorded);
        Assert.True(Autograd.IsGradEnabled);
    }

    [Fact]
    public void A_thread_changing_its_mode_does_not_change_another_threads()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            using var _ = Autograd.NoGrad();
            entered.Set();
            release.Wait();
        });
        thread.Start();
        entered.Wait();
        Assert.True(Autograd.IsGradEnabled);
        release.Set();
        thread.Join();
    }

    [Fact]
    public async Task NoGrad_flows_into_awaited_work_and_does_not_leak_out()
    {
        var x = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        bool inside;
        using (Autograd.NoGrad())
            inside = await Task.Run(() => (x * 2).RequiresGrad);
        Assert.False(inside);
        await Task.Run(() =>
        {
            using var _ = Autograd.NoGrad();
        });
        Assert.True(Autograd.IsGradEnabled);
    }
}
