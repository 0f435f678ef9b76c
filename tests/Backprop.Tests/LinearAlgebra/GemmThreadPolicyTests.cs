using Backprop.Kernels;

namespace Backprop.Tests.LinearAlgebra;

// The thread policy of the matrix products (GemmThreadPolicy): measured per size class, cached, overridable by
// BACKPROP_GEMM_PARALLEL_MIN. The measurement is fed made-up times here, so the verdicts are exact; the tests change
// process-wide state, so they run alone.
[CollectionDefinition("GemmThreadPolicy", DisableParallelization = true)]
public class GemmThreadPolicyCollection;

[Collection("GemmThreadPolicy")]
public sealed class GemmThreadPolicyTests : IDisposable
{
    public GemmThreadPolicyTests()
    {
        GemmThreadPolicy.Reset();
        GemmThreadPolicy.ParallelMin = null;   // measure, whatever this process's environment says
    }

    public void Dispose() => GemmThreadPolicy.Reset();

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("measure", null)]
    [InlineData(" Measure ", null)]
    [InlineData("0", 0L)]
    [InlineData("262144", 262144L)]
    public void The_variable_is_a_count_of_multiply_adds_or_measure(string? value, long? expected) =>
        Assert.Equal(expected, GemmThreadPolicy.Parse(value));

    [Theory]
    [InlineData("-1")]
    [InlineData("many")]
    [InlineData("1e6")]
    public void A_bad_value_of_the_variable_names_it(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => GemmThreadPolicy.Parse(value));
        Assert.Equal($"Gemm: the environment variable BACKPROP_GEMM_PARALLEL_MIN='{value}' is neither a number of multiply-adds (0 or more) nor 'measure'", e.Message);
    }

    [Fact]
    public void The_override_splits_from_its_size_on_and_nothing_below()
    {
        int all = GemmParallel.CanSplit ? 4 : 1;
        GemmThreadPolicy.ParallelMin = 1000;
        Assert.Equal(all, GemmThreadPolicy.Choose(1000, 4, out int measured));
        Assert.Equal(-1, measured);
        Assert.Equal(1, GemmThreadPolicy.Choose(999, 4, out _));
        GemmThreadPolicy.ParallelMin = long.MaxValue;
        Assert.Equal(1, GemmThreadPolicy.Choose(1L << 40, 4, out _));
        Assert.Equal(1, GemmThreadPolicy.Choose(1L << 40, 1, out _));   // one thread allowed: one thread
    }

    [Fact]
    public void Small_products_run_on_one_thread_without_measuring()
    {
        Assert.Equal(1, GemmThreadPolicy.Choose(GemmThreadPolicy.MeasuredMin - 1, 2, out int measured));
        Assert.Equal(-1, measured);
    }

    [Fact]
    public void Large_products_split_without_measuring()
    {
        int all = GemmParallel.CanSplit ? 2 : 1;
        Assert.Equal(all, GemmThreadPolicy.Choose(GemmThreadPolicy.SplitAlwaysMin, 2, out int measured));
        Assert.Equal(-1, measured);
        Assert.Equal(all, GemmThreadPolicy.Choose(1L << 30, 2, out measured));   // a 1024×1024×1024 product
        Assert.Equal(-1, measured);
        Assert.Null(GemmThreadPolicy.Decision(1L << 30));   // nothing measured, nothing cached
    }

    [SkippableFact]
    public void A_size_class_splits_when_two_threads_took_at_most_nine_tenths_of_one_threads_time()
    {
        Skip.IfNot(GemmParallel.CanSplit, "one core (or the browser): products never split, nothing to decide");
        Assert.True(Decide(1L << 21, oneThread: 1000, split: 900));
        Assert.False(Decide(1L << 22, oneThread: 1000, split: 901));
        // Decided classes are cached: no more measuring, and the verdict holds for any size in the class.
        Assert.Equal(2, GemmThreadPolicy.Choose((1L << 22) - 1, 2, out int measured));
        Assert.Equal(-1, measured);
        Assert.Equal(1, GemmThreadPolicy.Choose((1L << 23) - 1, 2, out measured));
        Assert.Equal(-1, measured);
    }

    [SkippableFact]
    public void The_warm_up_products_and_the_best_time_each_way_decide()
    {
        Skip.IfNot(GemmParallel.CanSplit, "one core (or the browser): products never split, nothing to decide");
        long work = 1L << 20;
        // Warm-up products (JIT, first page faults) are slow on one thread here, and would decide for two if counted.
        for (int i = 0; i < GemmThreadPolicy.WarmUp; i++)
        {
            int threads = GemmThreadPolicy.Choose(work, 2, out int c);
            GemmThreadPolicy.Record(c, threads, threads == 1 ? 1_000_000 : 1000);
        }
        Assert.Null(GemmThreadPolicy.Decision(work));
        // Then one thread is faster at its best, though one of its trials was slow (a busy moment).
        for (int i = 0; i < 2 * GemmThreadPolicy.Trials; i++)
        {
            int threads = GemmThreadPolicy.Choose(work, 2, out int c);
            Assert.Equal(i % 2 == 0 ? 1 : 2, threads);   // alternating
            GemmThreadPolicy.Record(c, threads, threads == 1 ? (i == 0 ? 5000 : 800) : 1000);
        }
        Assert.False(GemmThreadPolicy.Decision(work));
    }

    [SkippableFact]
    public void A_class_kept_on_one_thread_is_measured_again_later()
    {
        Skip.IfNot(GemmParallel.CanSplit, "one core (or the browser): products never split, nothing to decide");
        long work = 1L << 21;
        Assert.False(Decide(work, oneThread: 800, split: 1000));   // a bad moment: the split looked slower
        for (int i = 0; i < GemmThreadPolicy.RecheckAfter - 1; i++)
        {
            Assert.Equal(1, GemmThreadPolicy.Choose(work, 2, out int c));
            Assert.Equal(-1, c);
        }
        // The next product opens the class again, without warm-up; now the split is faster and is kept.
        for (int i = 0; i < 2 * GemmThreadPolicy.Trials; i++)
        {
            int threads = GemmThreadPolicy.Choose(work, 2, out int c);
            Assert.True(c >= 0);
            GemmThreadPolicy.Record(c, threads, threads == 1 ? 1000 : 550);
        }
        Assert.True(GemmThreadPolicy.Decision(work));
        Assert.Equal(2, GemmThreadPolicy.Choose(work, 2, out int after));
        Assert.Equal(-1, after);
    }

    [SkippableFact]
    public void A_class_that_stays_on_one_thread_is_measured_again_after_twice_as_many()
    {
        Skip.IfNot(GemmParallel.CanSplit, "one core (or the browser): products never split, nothing to decide");
        long work = 1L << 21;
        Assert.False(Decide(work, oneThread: 800, split: 1000));
        // The 512th product opens the class again (not timed here); the next ones measure one thread faster again.
        for (int i = 0; i < GemmThreadPolicy.RecheckAfter; i++) GemmThreadPolicy.Choose(work, 2, out _);
        Assert.Null(GemmThreadPolicy.Decision(work));
        for (int i = 0; i < 2 * GemmThreadPolicy.Trials; i++)
        {
            int threads = GemmThreadPolicy.Choose(work, 2, out int c);
            GemmThreadPolicy.Record(c, threads, threads == 1 ? 800 : 1000);
        }
        Assert.False(GemmThreadPolicy.Decision(work));
        int measuredAgain = -1;
        for (int i = 0; i < 2 * GemmThreadPolicy.RecheckAfter && measuredAgain < 0; i++)
            if (GemmThreadPolicy.Choose(work, 2, out int c) >= 0 && c >= 0) measuredAgain = i;
        Assert.Equal(2 * GemmThreadPolicy.RecheckAfter - 1, measuredAgain);
    }

    [SkippableFact]
    public void Two_products_of_one_class_in_turn_are_each_timed_both_ways()
    {
        Skip.IfNot(GemmParallel.CanSplit, "one core (or the browser): products never split, nothing to decide");
        // A loop of two products of one size class, as the MLP's x·Wᵀ and gᵀ·x: the first gains half on two threads,
        // the second little and is slower anyway. Alternating on one count, the first was always timed on one thread
        // (1000) and the second always split (1900), and the class stayed on one thread.
        long work = 1L << 23;
        int first = GemmThreadPolicy.ShapeKey(64, 256, 784, false, true), second = GemmThreadPolicy.ShapeKey(256, 784, 64, true, false);
        Assert.NotEqual(first & 7, second & 7);
        var timed = new HashSet<(int Shape, int Threads)>();
        for (int i = 0; i < 2 * (GemmThreadPolicy.WarmUp + 2 * GemmThreadPolicy.Trials) && GemmThreadPolicy.Decision(work) is null; i++)
        {
            int shape = i % 2 == 0 ? first : second;
            int threads = GemmThreadPolicy.Choose(work, 2, out int c, shape);
            Assert.True(c >= 0);
            timed.Add((shape, threads));
            GemmThreadPolicy.Record(c, threads, shape == first ? (threads == 1 ? 1000 : 500) : (threads == 1 ? 2000 : 1900));
        }
        Assert.Equal(4, timed.Count);
        Assert.True(GemmThreadPolicy.Decision(work));
    }

    [Fact]
    public void Products_decided_by_measurement_give_the_same_values_as_on_one_thread()
    {
        var a = Tensor.Rand(96, 200);
        var b = Tensor.Rand(200, 160);
        GemmThreadPolicy.ParallelMin = long.MaxValue;
        var expected = a.Mm(b).ToArray<float>();
        GemmThreadPolicy.ParallelMin = null;
        for (int i = 0; i < GemmThreadPolicy.WarmUp + 2 * GemmThreadPolicy.Trials + 2; i++)
            Assert.Equal(expected, a.Mm(b).ToArray<float>());
        if (GemmParallel.CanSplit) Assert.NotNull(GemmThreadPolicy.Decision(96L * 200 * 160));
    }

    private static bool Decide(long work, long oneThread, long split)
    {
        for (int i = 0; i < GemmThreadPolicy.WarmUp + 2 * GemmThreadPolicy.Trials; i++)
        {
            int threads = GemmThreadPolicy.Choose(work, 2, out int c);
            Assert.True(c >= 0);
            GemmThreadPolicy.Record(c, threads, threads == 1 ? oneThread : split);
        }
        return GemmThreadPolicy.Decision(work) ?? throw new InvalidOperationException("undecided");
    }
}
