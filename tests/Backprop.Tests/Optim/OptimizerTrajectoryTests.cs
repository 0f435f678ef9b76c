using Backprop;
using Backprop.Optim;

namespace Backprop.Tests.Optim;

/// <summary>
/// Every optimizer, for every option that changes its update, follows PyTorch 1.13's trajectory for 20 steps
/// on the reference objective: 1e-10 relative in Float64, 1e-6 in Float32.
/// </summary>
public class OptimizerTrajectoryTests
{
    public static TheoryData<string> Cases => OptimReference.Names("optimizers");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Trajectory_matches_pytorch(string name)
    {
        var c = OptimReference.Case("optimizers", name);
        var dtype = OptimReference.DTypeOf(c);
        var (w, b) = OptimReference.Parameters(dtype);
        var optimizer = OptimReference.Create(c, w, b);
        bool negate = OptimReference.Flag(c.GetProperty("options"), "maximize");
        double rtol = dtype == DType.Float64 ? 1e-10 : 1e-6, atol = dtype == DType.Float64 ? 1e-13 : 1e-7;

        int step = 0;
        foreach (var expected in c.GetProperty("trajectory").EnumerateArray())
        {
            OptimReference.TrainStep(optimizer, w, b, negate);
            step++;
            Assert.Equal(dtype, w.DType);
            var actual = OptimReference.Flatten(w, b);
            var want = OptimReference.Doubles(expected);
            for (int i = 0; i < want.Length; i++)
                Assert.True(Math.Abs(actual[i] - want[i]) <= atol + rtol * Math.Abs(want[i]),
                    $"{name}, step {step}, element {i}: expected {want[i]:R}, got {actual[i]:R}");
        }
        Assert.True(step >= 20);
    }
}
