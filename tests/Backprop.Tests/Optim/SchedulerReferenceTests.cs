using System.Text.Json;
using Backprop;
using Backprop.Optim;

namespace Backprop.Tests.Optim;

/// <summary>
/// Learning-rate schedules (and OneCycleLR's momentum) against PyTorch 1.13, stepped after each optimizer step
/// for up to 30 steps, as the reference script does; 1e-10 relative.
/// </summary>
public class SchedulerReferenceTests
{
    public static TheoryData<string> Cases => OptimReference.Names("schedulers");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Schedule_matches_pytorch(string name)
    {
        var c = OptimReference.Case("schedulers", name);
        var p = Tensor.Zeros(2).RequiresGrad_();
        var q = Tensor.Zeros(2).RequiresGrad_();
        var optimizer = CreateOptimizer(c, p, q);
        var schedulers = c.GetProperty("schedulers").EnumerateArray().Select(s => CreateScheduler(s, optimizer)).ToList();
        double[]? metrics = c.TryGetProperty("metrics", out var m) ? OptimReference.Doubles(m) : null;
        var expectedLrs = c.GetProperty("lrs").EnumerateArray().Select(OptimReference.Doubles).ToArray();
        double[][]? expectedMomenta = c.TryGetProperty("momenta", out var mm) ? mm.EnumerateArray().Select(OptimReference.Doubles).ToArray() : null;

        Check(0);
        for (int step = 1; step < expectedLrs.Length; step++)
        {
            p.Grad = Tensor.Ones(2);
            q.Grad = Tensor.Ones(2);
            optimizer.Step();
            foreach (var s in schedulers)
            {
                if (s is ReduceLROnPlateau plateau) plateau.Step(metrics![step - 1]);
                else ((LRScheduler)s).Step();
            }
            Check(step);
            if (schedulers[^1] is LRScheduler last) Assert.Equal(optimizer.ParamGroups.Select(g => g.LearningRate), last.GetLastLr());
        }

        void Check(int step)
        {
            for (int g = 0; g < optimizer.ParamGroups.Count; g++)
            {
                AssertClose(expectedLrs[step][g], optimizer.ParamGroups[g].LearningRate, $"{name}: lr of group {g} after {step} steps");
                if (expectedMomenta is not null)
                    AssertClose(expectedMomenta[step][g], Momentum(optimizer.ParamGroups[g]), $"{name}: momentum of group {g} after {step} steps");
            }
        }
    }

    private static double Momentum(ParamGroup group) =>
        group.Contains("betas") ? group.Get<(double, double)>("betas").Item1 : group.Get<double>("momentum");

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-10 * Math.Abs(expected) + 1e-15, $"{what}: expected {expected:R}, got {actual:R}");

    private static Optimizer CreateOptimizer(JsonElement c, Tensor p, Tensor q)
    {
        bool adam = c.TryGetProperty("optimizer", out var kind) && kind.GetString() == "Adam";
        double lr = c.TryGetProperty("optimizer_options", out var o) ? o.GetProperty("lr").GetDouble() : 0.1;
        bool twoGroups = OptimReference.Flag(c, "two_groups");
        ParamGroup[] groups = twoGroups
            ? [new ParamGroup([p]), new ParamGroup([q]) { LearningRate = lr * 0.5 }]
            : [new ParamGroup([p])];
        return adam ? new Adam(groups, lr: lr) : new SGD(groups, lr: lr, momentum: 0.9);
    }

    private static object CreateScheduler(JsonElement s, Optimizer optimizer)
    {
        double N(string key, double fallback) => OptimReference.Number(s, key, fallback);
        int I(string key) => s.GetProperty(key).GetInt32();
        int? OptionalInt(string key) => s.TryGetProperty(key, out var v) ? v.GetInt32() : null;
        return s.GetProperty("kind").GetString() switch
        {
            "StepLR" => new StepLR(optimizer, I("step_size"), N("gamma", 0.1)),
            "MultiStepLR" => new MultiStepLR(optimizer, s.GetProperty("milestones").EnumerateArray().Select(e => e.GetInt32()), N("gamma", 0.1)),
            "ExponentialLR" => new ExponentialLR(optimizer, N("gamma", double.NaN)),
            "CosineAnnealingLR" => new CosineAnnealingLR(optimizer, I("T_max"), N("eta_min", 0)),
            "LinearLR" => new LinearLR(optimizer, N("start_factor", 1.0 / 3), N("end_factor", 1.0), I("total_iters")),
            "OneCycleLR" => new OneCycleLR(optimizer,
                s.GetProperty("max_lr") is { ValueKind: JsonValueKind.Array } maxLr ? OptimReference.Doubles(maxLr) : [.. Enumerable.Repeat(s.GetProperty("max_lr").GetDouble(), optimizer.ParamGroups.Count)],
                totalSteps: OptionalInt("total_steps"), epochs: OptionalInt("epochs"), stepsPerEpoch: OptionalInt("steps_per_epoch"),
                pctStart: N("pct_start", 0.3),
                annealStrategy: s.TryGetProperty("anneal_strategy", out var a) && a.GetString() == "linear" ? AnnealStrategy.Linear : AnnealStrategy.Cos,
                cycleMomentum: !s.TryGetProperty("cycle_momentum", out var cm) || cm.GetBoolean(),
                baseMomenta: [.. Enumerable.Repeat(N("base_momentum", 0.85), optimizer.ParamGroups.Count)],
                maxMomenta: [.. Enumerable.Repeat(N("max_momentum", 0.95), optimizer.ParamGroups.Count)],
                divFactor: N("div_factor", 25), finalDivFactor: N("final_div_factor", 1e4), threePhase: OptimReference.Flag(s, "three_phase")),
            "ReduceLROnPlateau" => new ReduceLROnPlateau(optimizer,
                s.TryGetProperty("mode", out var mode) && mode.GetString() == "max" ? PlateauMode.Max : PlateauMode.Min,
                N("factor", 0.1), s.TryGetProperty("patience", out var pat) ? pat.GetInt32() : 10, N("threshold", 1e-4),
                s.TryGetProperty("threshold_mode", out var tm) && tm.GetString() == "abs" ? ThresholdMode.Abs : ThresholdMode.Rel,
                s.TryGetProperty("cooldown", out var cd) ? cd.GetInt32() : 0,
                s.TryGetProperty("min_lr", out var ml)
                    ? ml.ValueKind == JsonValueKind.Array ? OptimReference.Doubles(ml) : [.. Enumerable.Repeat(ml.GetDouble(), optimizer.ParamGroups.Count)]
                    : [.. Enumerable.Repeat(0.0, optimizer.ParamGroups.Count)],
                N("eps", 1e-8)),
            var other => throw new ArgumentException($"unknown scheduler {other}"),
        };
    }
}
