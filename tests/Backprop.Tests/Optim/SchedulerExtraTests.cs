using System.Text.Json;
using Backprop;
using Backprop.Optim;

namespace Backprop.Tests.Optim;

/// <summary>
/// CosineAnnealingWarmRestarts, LambdaLR and CyclicLR (with its momenta) give PyTorch 1.13's learning rates after construction and after each of
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

    public static TheoryData<string> CyclicCases
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in Root.GetProperty("cyclic").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CyclicCases))]
    public void CyclicLR_learning_rates_and_momenta_match_torch(string name)
    {
        var c = Root.GetProperty("cyclic").EnumerateArray().First(e => e.GetProperty("name").GetString() == name);
        var k = c.GetProperty("kwargs");
        double N(string key, double fallback) => k.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;
        var mode = k.TryGetProperty("mode", out var m) ? m.GetString() switch { "triangular2" => CyclicMode.Triangular2, "exp_range" => CyclicMode.ExpRange, _ => CyclicMode.Triangular } : CyclicMode.Triangular;
        var optimizer = Optimizer(twoGroups: false);
        var scheduler = new CyclicLR(optimizer, N("base_lr", 0), N("max_lr", 0), k.GetProperty("step_size_up").GetInt32(),
            k.TryGetProperty("step_size_down", out var d) ? d.GetInt32() : null, mode, N("gamma", 1),
            !k.TryGetProperty("cycle_momentum", out var cm) || cm.GetBoolean(), N("base_momentum", 0.8), N("max_momentum", 0.9));
        var momenta = c.GetProperty("momenta").EnumerateArray().Select(r => r[0].GetDouble()).ToArray();
        int step = 0;
        foreach (var row in c.GetProperty("lrs").EnumerateArray())
        {
            if (step > 0)
            {
                foreach (var g in optimizer.ParamGroups) foreach (var p in g.Parameters) p.Grad = Tensor.Ones(2);
                optimizer.Step();
                scheduler.Step();
            }
            double lr = optimizer.ParamGroups[0].LearningRate, momentum = optimizer.ParamGroups[0].Get<double>("momentum");
            Assert.True(Math.Abs(lr - row[0].GetDouble()) <= 1e-12 * Math.Abs(row[0].GetDouble()) + 1e-15, $"step {step}: lr {lr:R}, torch {row[0].GetDouble():R}");
            Assert.True(Math.Abs(momentum - momenta[step]) <= 1e-12, $"step {step}: momentum {momentum:R}, torch {momenta[step]:R}");
            step++;
        }
        Assert.Equal(31, step);
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
