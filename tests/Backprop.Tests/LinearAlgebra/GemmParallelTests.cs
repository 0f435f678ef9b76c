using Backprop.Kernels;

namespace Backprop.Tests.LinearAlgebra;

// The GEMM's parallel loop: every unit runs exactly once whoever claims it, callers on several threads at once
// share the helpers safely, and an exception in a unit reaches the caller.
public class GemmParallelTests
{
    [Fact]
    public void Every_unit_runs_exactly_once()
    {
        for (int round = 0; round < 50; round++)
        {
            var runs = new int[37];
            GemmParallel.For(runs.Length, 2, i => Interlocked.Increment(ref runs[i]));
            Assert.All(runs, r => Assert.Equal(1, r));
        }
    }

    [Fact]
    public void Concurrent_callers_each_complete_their_own_units()
    {
        var totals = new long[4];
        Parallel.For(0, totals.Length, caller =>
        {
            for (int round = 0; round < 20; round++)
                GemmParallel.For(16, 2, i => Interlocked.Add(ref totals[caller], i + 1));
        });
        Assert.All(totals, t => Assert.Equal(20L * 16 * 17 / 2, t));
    }

    [Fact]
    public void Exception_in_a_unit_reaches_the_caller()
    {
        var e = Assert.Throws<AggregateException>(() =>
            GemmParallel.For(8, 2, i => { if (i == 5) throw new InvalidOperationException("unit 5"); }));
        Assert.Equal("unit 5", e.InnerException!.Message);
    }
}
