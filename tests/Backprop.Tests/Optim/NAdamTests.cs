using Backprop;
using Backprop.Optim;

namespace Backprop.Tests.Optim;

/// <summary>
/// NAdam follows PyTorch 1.13's trajectories for 20 steps on the reference objective (Reference/optim_more.json), run
/// under torch's default dtype so that its float32 mu_product state rounds as users see it: 1e-12 relative in Float64,
/// 1e-6 in Float32.
/// </summary>
public class NAdamTests
{
    public static TheoryData<string> Cases => OptimMoreReference.Names("nadam");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Trajectory_matches_pytorch(string name)
    {
        var c = OptimMoreReference.Case("nadam", name);
        var o = c.GetProperty("options");
        var dtype = OptimReference.DTypeOf(c);
        var (w, b) = OptimReference.Parameters(dtype);
        var optimizer = new NAdam([w, b], OptimReference.Number(o, "lr", 2e-3), OptimReference.Betas(o), OptimReference.Number(o, "eps", 1e-8),
                                  OptimReference.Number(o, "weight_decay", 0), OptimReference.Number(o, "momentum_decay", 4e-3));
        double rtol = dtype == DType.Float64 ? 1e-12 : 1e-6, atol = dtype == DType.Float64 ? 1e-14 : 1e-7;
        int step = 0;
        foreach (var expected in c.GetProperty("trajectory").EnumerateArray())
        {
            OptimReference.TrainStep(optimizer, w, b, negate: false);
            step++;
            var actual = OptimReference.Flatten(w, b);
            var want = OptimReference.Doubles(expected);
            for (int i = 0; i < want.Length; i++)
                Assert.True(Math.Abs(actual[i] - want[i]) <= atol + rtol * Math.Abs(want[i]),
                    $"{name}, step {step}, element {i}: expected {want[i]:R}, got {actual[i]:R}");
        }
        Assert.Equal(20, step);
    }

    [Fact]
    public void Bad_options_are_refused_with_torchs_messages()
    {
        var p = Tensor.Zeros(2).RequiresGrad_();
        Assert.Equal("NAdam: Invalid momentum_decay value: -0.1", Assert.Throws<ArgumentException>(() => new NAdam([p], momentumDecay: -0.1)).Message);
        Assert.Equal("NAdam: Invalid learning rate: -1", Assert.Throws<ArgumentException>(() => new NAdam([p], lr: -1)).Message);
        Assert.Equal("NAdam: Invalid beta parameter at index 0: 1", Assert.Throws<ArgumentException>(() => new NAdam([p], betas: (1.0, 0.9))).Message);
    }

    [Fact]
    public void State_is_saved_by_torchs_names_and_a_resumed_run_continues_bit_for_bit()
    {
        var (w, b) = OptimReference.Parameters(DType.Float64);
        var optimizer = new NAdam([w, b], lr: 0.05);
        for (int i = 0; i < 3; i++) OptimReference.TrainStep(optimizer, w, b, negate: false);
        Assert.Equal(["step", "mu_product", "exp_avg", "exp_avg_sq"], optimizer.State(w).Keys);
        Assert.Equal(DType.Float32, optimizer.State(w)["mu_product"].DType);
        var saved = optimizer.StateDict();
        var (w2, b2) = (w.Detach().Clone().RequiresGrad_(), b.Detach().Clone().RequiresGrad_());
        var resumed = new NAdam([w2, b2], lr: 0.05);
        resumed.LoadStateDict(saved);
        for (int i = 0; i < 3; i++)
        {
            OptimReference.TrainStep(optimizer, w, b, negate: false);
            OptimReference.TrainStep(resumed, w2, b2, negate: false);
        }
        Assert.Equal(DType.Float32, resumed.State(w2)["mu_product"].DType);   // not cast to Float64 on load
        Assert.Equal(OptimReference.Flatten(w, b), OptimReference.Flatten(w2, b2));
    }
}
