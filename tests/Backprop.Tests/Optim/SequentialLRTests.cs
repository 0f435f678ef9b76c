using System.Text.Json;
using Backprop;
using Backprop.Optim;

namespace Backprop.Tests.Optim;

/// <summary>
/// SequentialLR gives PyTorch 1.13's learning rates after construction and after each of 30 steps, the chained
/// schedulers restarted at their milestones through their closed forms (Reference/optim_more.json), to 1e-12 relative.
/// </summary>
public class SequentialLRTests
{
    public static TheoryData<string> Cases => OptimMoreReference.Names("sequential");

    private static SGD Optimizer(bool twoGroups)
    {
        var p = Tensor.Zeros(2).RequiresGrad_();
        var q = Tensor.Zeros(2).RequiresGrad_();
        return twoGroups
            ? new SGD([new ParamGroup([p]), new ParamGroup([q], new Dictionary<string, object> { ["lr"] = 0.05 })], lr: 0.1, momentum: 0.9)
            : new SGD([p], lr: 0.1, momentum: 0.9);
    }

    private static LRScheduler Create(JsonElement s, Optimizer optimizer)
    {
        double D(string key, double fallback) => s.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;
        int I(string key, int fallback) => s.TryGetProperty(key, out var v) ? v.GetInt32() : fallback;
        return s.GetProperty("kind").GetString() switch
        {
            "LinearLR" => new LinearLR(optimizer, D("start_factor", 1.0 / 3), D("end_factor", 1.0), I("total_iters", 5)),
            "ExponentialLR" => new ExponentialLR(optimizer, D("gamma", double.NaN)),
            "CosineAnnealingLR" => new CosineAnnealingLR(optimizer, I("T_max", 0), D("eta_min", 0)),
            "StepLR" => new StepLR(optimizer, I("step_size", 0), D("gamma", 0.1)),
            "MultiStepLR" => new MultiStepLR(optimizer, s.GetProperty("milestones").EnumerateArray().Select(e => e.GetInt32()), D("gamma", 0.1)),
            "CosineAnnealingWarmRestarts" => new CosineAnnealingWarmRestarts(optimizer, I("T_0", 0), I("T_mult", 1), D("eta_min", 0)),
            var kind => throw new ArgumentException($"unknown scheduler {kind}"),
        };
    }

    private static (SGD Optimizer, SequentialLR Scheduler) Build(JsonElement c)
    {
        var optimizer = Optimizer(c.TryGetProperty("two_groups", out var t) && t.GetBoolean());
        var inner = c.GetProperty("schedulers").EnumerateArray().Select(s => Create(s, optimizer)).ToList();
        var milestones = c.GetProperty("milestones").EnumerateArray().Select(e => e.GetInt32()).ToList();
        return (optimizer, new SequentialLR(optimizer, inner, milestones));
    }

    private static void StepOnce(SGD optimizer, LRScheduler scheduler)
    {
        foreach (var g in optimizer.ParamGroups) foreach (var p in g.Parameters) p.Grad = Tensor.Ones(2);
        optimizer.Step();
        scheduler.Step();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Learning_rates_match_torch(string name)
    {
        var c = OptimMoreReference.Case("sequential", name);
        var (optimizer, scheduler) = Build(c);
        int step = 0;
        foreach (var row in c.GetProperty("lrs").EnumerateArray())
        {
            if (step > 0) StepOnce(optimizer, scheduler);
            var want = row.EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var got = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
            for (int i = 0; i < want.Length; i++)
                Assert.True(Math.Abs(got[i] - want[i]) <= 1e-12 * Math.Abs(want[i]) + 1e-15, $"{name}, step {step}, group {i}: expected {want[i]:R}, got {got[i]:R}");
            Assert.Equal(got, scheduler.GetLastLr());
            step++;
        }
        Assert.Equal(31, step);
    }

    [Fact]
    public void A_state_dict_resumes_the_chain_where_it_stopped()
    {
        var c = OptimMoreReference.Case("sequential", "linear_cosine_step_two_groups");
        var (optimizer, scheduler) = Build(c);
        for (int i = 0; i < 9; i++) StepOnce(optimizer, scheduler);
        var state = scheduler.StateDict();
        var optimizerState = optimizer.StateDict();
        var (optimizer2, scheduler2) = Build(c);
        optimizer2.LoadStateDict(optimizerState);
        scheduler2.LoadStateDict(state);
        for (int i = 0; i < 12; i++)
        {
            StepOnce(optimizer, scheduler);
            StepOnce(optimizer2, scheduler2);
            Assert.Equal(optimizer.ParamGroups.Select(g => g.LearningRate), optimizer2.ParamGroups.Select(g => g.LearningRate));
        }
        var want = OptimReference.Doubles(c.GetProperty("lrs")[21]);
        Assert.Equal(want[0], optimizer2.ParamGroups[0].LearningRate, 12);
    }

    [Fact]
    public void Bad_chains_are_refused_with_torchs_messages()
    {
        var optimizer = Optimizer(false);
        var other = Optimizer(false);
        var a = new ExponentialLR(optimizer, 0.9);
        var e = Assert.Throws<ArgumentException>(() => new SequentialLR(optimizer, [a, new ExponentialLR(other, 0.5)], [3]));
        Assert.Equal("SequentialLR: Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index 1 to be different than the optimizer passed in.", e.Message);
        e = Assert.Throws<ArgumentException>(() => new SequentialLR(optimizer, [a, new StepLR(optimizer, 2)], [3, 5]));
        Assert.Equal("SequentialLR: Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers 2 and the number of milestones to be equal to 2", e.Message);
    }
}
