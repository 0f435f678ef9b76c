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
