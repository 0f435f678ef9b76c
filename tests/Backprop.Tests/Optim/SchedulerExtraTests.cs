using System.Text.Json;
using Backprop;
using Backprop.Optim;

namespace Backprop.Tests.Optim;

/// <summary>
/// CosineAnnealingWarmRestarts and LambdaLR give PyTorch 1.13's learning rates after construction and after each of
/// 30 steps (Reference/optim_extra.json, by tests/reference/optim_extra_reference.py), to 1e-12 relative.
/// </summary>
public class SchedulerExtraTests
{
    private static readonly JsonElement Root =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "optim_extra.json"))).RootElement;

    public static TheoryData<string> Cases
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in Root.GetProperty("schedulers").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
            return data;
        }
    }

    private static SGD Optimizer(bool twoGroups)
    {
        var p = Tensor.Zeros(2).RequiresGrad_();
        var q = Tensor.Zeros(2).RequiresGrad_();
        return twoGroups
            ? new SGD([new ParamGroup([p]), new ParamGroup([q], new Dictionary<string, object> { ["lr"] = 0.05 })], lr: 0.1, momentum: 0.9)
            : new SGD([p], lr: 0.1, momentum: 0.9);
    }

    private static void AssertLrs(JsonElement expected, SGD optimizer, LRScheduler scheduler)
    {
        int step = 0;
        foreach (var row in expected.EnumerateArray())
        {
            if (step > 0)
            {
                foreach (var g in optimizer.ParamGroups) foreach (var p in g.Parameters) p.Grad = Tensor.Ones(2);
                optimizer.Step();
                scheduler.Step();
            }
            var want = row.EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var got = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
            for (int i = 0; i < want.Length; i++)
                Assert.True(Math.Abs(got[i] - want[i]) <= 1e-12 * Math.Abs(want[i]) + 1e-15, $"step {step}, group {i}: expected {want[i]:R}, got {got[i]:R}");
            Assert.Equal(got, scheduler.GetLastLr());
            step++;
        }
        Assert.Equal(31, step);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CosineAnnealingWarmRestarts_matches_torch(string name)
    {
        var c = Root.GetProperty("schedulers").EnumerateArray().First(e => e.GetProperty("name").GetString() == name);
        var s = c.GetProperty("schedulers")[0];
        var optimizer = Optimizer(c.TryGetProperty("two_groups", out var t) && t.GetBoolean());
        var scheduler = new CosineAnnealingWarmRestarts(optimizer, s.GetProperty("T_0").GetInt32(),
            s.TryGetProperty("T_mult", out var m) ? m.GetInt32() : 1, s.TryGetProperty("eta_min", out var e) ? e.GetDouble() : 0);
        AssertLrs(c.GetProperty("lrs"), optimizer, scheduler);
    }

    [Fact]
    public void LambdaLR_per_group_matches_torch()
    {
        var optimizer = Optimizer(twoGroups: true);
        var scheduler = new LambdaLR(optimizer, [e => Math.Pow(0.95, e), e => 1.0 / (1 + e)]);
        AssertLrs(Root.GetProperty("lambda_lr").GetProperty("lrs"), optimizer, scheduler);
        var error = Assert.Throws<ArgumentException>(() => new LambdaLR(Optimizer(twoGroups: true), [e => 1.0]));
        Assert.Equal("LambdaLR: Expected 2 lr_lambdas, but got 1", error.Message);
    }

    [Fact]
    public void CosineAnnealingWarmRestarts_resumes_from_its_state_dict()
    {
        var a = Optimizer(twoGroups: false);
        var first = new CosineAnnealingWarmRestarts(a, 3, 2);
        for (int i = 0; i < 5; i++) first.Step();
        var b = Optimizer(twoGroups: false);
        var second = new CosineAnnealingWarmRestarts(b, 3, 2);
        second.LoadStateDict(first.StateDict());
        for (int i = 0; i < 6; i++) { first.Step(); second.Step(); }
        Assert.Equal(first.GetLastLr(), second.GetLastLr());
        Assert.Equal(first.TI, second.TI);
    }
}
