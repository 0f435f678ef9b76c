using System.Globalization;
using System.Numerics;

namespace Backprop.Kernels;

/// <summary>
/// Whether a matrix product runs on one thread or on several, decided per process by measurement: a second thread pays
/// for a 1024×1024 product everywhere, but for a 128×128 one (~50 µs) only where waking a helper costs little and
/// the second core is really free (two vCPUs of one physical core, or another busy process, change the answer).
/// Products are grouped by size class (the power of two of their multiply-adds); the first products of each class,
/// after a warm-up, alternate between one thread and all, and once each way has been timed
/// <see cref="Trials"/> times, the faster (by its best time) is kept: several threads only if they take at most
/// <see cref="SplitGain"/> of one thread's time. A class kept on one thread is measured again after
/// <see cref="RecheckAfter"/> products, then after twice as many, and so on. The measuring costs nothing extra, since
/// every timed product is one the caller asked for.
/// </summary>
/// <remarks>
/// The environment variable <c>BACKPROP_GEMM_PARALLEL_MIN</c> overrides the measurement: products of at least that
/// many multiply-adds split across threads, smaller ones run on one (0 splits every product that can be split;
/// <c>measure</c> or unset keeps the measurement). <c>DOTNET_PROCESSOR_COUNT=1</c> keeps all of the library on one
/// thread. docs/performance.md, "Matrix products at 128–512".
/// </remarks>
internal static class GemmThreadPolicy
{
    /// <summary>The environment variable that sets the multiply-adds from which products split.</summary>
    public const string Variable = "BACKPROP_GEMM_PARALLEL_MIN";

    /// <summary>Multiply-adds below which a product always runs on one thread (~3 µs here: a helper's wake-up costs more).</summary>
    public const long MeasuredMin = 1L << 16;

    /// <summary>
    /// Products of this many multiply-adds or more (a 256×256×256 product: ~0.4 ms on one core) split without
    /// measuring: a helper's wake-up is then a few percent of the work at most, and where the second core is busy the
    /// split measured no slower than one thread (issue 20's loaded runs). Measuring them would cost several single-threaded products
    /// of milliseconds each, more than a short run of such products can win back (the benchmark's gemm_512 and
    /// gemm_1024 fell from ~165 to ~110 GFLOP/s while their classes were still being measured).
    /// </summary>
    public const long SplitAlwaysMin = 1L << 24;

    /// <summary>
    /// Products of a class run, on both thread counts together, before timing starts (JIT, first page faults, helpers
    /// waking). With 4, a 128×128 product's split measured 0.69–0.86 of one thread's time in six processes, close to
    /// the 0.9 cut, where the steady ratio is ~0.55.
    /// </summary>
    internal const int WarmUp = 16;

    /// <summary>Timed products each way before a class is decided (each way's best counts).</summary>
    internal const int Trials = 6;

    /// <summary>Several threads are kept when their best time is at most this share of one thread's.</summary>
    internal const double SplitGain = 0.9;

    private static readonly SizeClass[] Classes = NewClasses();
    private static long? _override;
    private static bool _overrideRead;

    /// <summary>The override from <see cref="Variable"/>, or null to measure; tests may set it.</summary>
    internal static long? ParallelMin
    {
        get
        {
            if (!Volatile.Read(ref _overrideRead))
            {
                _override = Parse(Environment.GetEnvironmentVariable(Variable));
                Volatile.Write(ref _overrideRead, true);
            }
            return _override;
        }
        set
        {
            _override = value;
            Volatile.Write(ref _overrideRead, true);
        }
    }

    /// <summary>A value of <see cref="Variable"/>: null (measure) when unset, empty or "measure", else a count of multiply-adds.</summary>
    internal static long? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Equals("measure", StringComparison.OrdinalIgnoreCase)) return null;
        if (long.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long min) && min >= 0) return min;
        throw new ArgumentException(
            $"Gemm: the environment variable {Variable}='{value}' is neither a number of multiply-adds (0 or more) nor 'measure'");
    }

    /// <summary>
    /// The threads for a product of this many multiply-adds (at most maxThreads), and the size class to report its time
    /// to through <see cref="Record"/> when it is one of the measured products (−1 otherwise). shape tells products of
    /// one class apart (<see cref="ShapeKey"/>): each shape alternates between one thread and all on its own count, so
    /// that a loop of two products of one class (the MLP's x·Wᵀ and gᵀ·x, both 64·256·784) does not time the first
    /// always on one thread and the second always on all, comparing the two products instead of the two ways.
    /// </summary>
    public static int Choose(long work, int maxThreads, out int measuredClass, int shape = 0)
    {
        measuredClass = -1;
        if (maxThreads <= 1 || !GemmParallel.CanSplit) return 1;
        if (ParallelMin is long min) return work >= min ? maxThreads : 1;
        if (work < MeasuredMin) return 1;
        if (work >= SplitAlwaysMin) return maxThreads;
        int c = BitOperations.Log2((ulong)work);
        var size = Classes[c];
        int verdict = Volatile.Read(ref size.Verdict);
        if (verdict == Split) return maxThreads;
        if (verdict == One && (Interlocked.Decrement(ref size.UntilRecheck) != 0 || !Reopen(size))) return 1;
        measuredClass = c;
        return (Interlocked.Increment(ref size.Calls[shape & (ShapeKinds - 1)]) & 1) == 0 ? maxThreads : 1;
    }

    /// <summary>Counts of alternation per size class: shapes share one when their keys agree in the low bits.</summary>
    private const int ShapeKinds = 8;

    /// <summary>A key of a product's shape for <see cref="Choose"/>, the same in every process.</summary>
    public static int ShapeKey(int m, int n, int k, bool transA, bool transB) =>
        (int)(((uint)m * 0x9E3779B1u ^ (uint)n * 0x85EBCA77u ^ (uint)k * 0xC2B2AE3Du ^ (transA ? 1u : 0u) ^ (transB ? 2u : 0u)) >> 29);

    /// <summary>Reports the time a measured product of the class took on this many threads.</summary>
    public static void Record(int measuredClass, int threads, long ticks)
    {
        var size = Classes[measuredClass];
        lock (size)
        {
            if (size.Verdict != 0 || ++size.Seen <= WarmUp) return;
            if (threads > 1) (size.BestSplit, size.SplitTrials) = (Math.Min(size.BestSplit, ticks), size.SplitTrials + 1);
            else (size.BestOne, size.OneTrials) = (Math.Min(size.BestOne, ticks), size.OneTrials + 1);
            if (size.OneTrials >= Trials && size.SplitTrials >= Trials)
            {
                bool split = size.BestSplit <= SplitGain * size.BestOne;
                if (!split) size.UntilRecheck = RecheckAfter << Math.Min(size.Rechecks, 10);
                Volatile.Write(ref size.Verdict, split ? Split : One);
            }
        }
    }

    /// <summary>
    /// Products of a class kept on one thread before it is measured again (doubling after each measurement that
    /// agrees). A verdict for one thread can come from a bad moment, a busy core or the process's first products, and
    /// would otherwise hold for the rest of the process: one mlp process ran at 79K samples/s throughout, its speed on
    /// one thread, where others ran at 137K. A wrong verdict for splitting costs far less (the caller runs
    /// every unit a late helper leaves), so it is not measured again.
    /// </summary>
    internal const int RecheckAfter = 512;

    // Opens a class decided for one thread to measurement again, without warm-up; false if another thread did first.
    private static bool Reopen(SizeClass size)
    {
        lock (size)
        {
            if (size.Verdict != One) return false;
            (size.OneTrials, size.SplitTrials, size.BestOne, size.BestSplit) = (0, 0, long.MaxValue, long.MaxValue);
            size.Rechecks++;
            Volatile.Write(ref size.Verdict, 0);
            return true;
        }
    }

    /// <summary>For tests and the benchmark: the decision for a size class so far (true: split, false: one thread, null: undecided).</summary>
    internal static bool? Decision(long work)
    {
        int verdict = Volatile.Read(ref Classes[BitOperations.Log2((ulong)Math.Max(1, work))].Verdict);
        return verdict == 0 ? null : verdict == Split;
    }

    /// <summary>For tests: forgets every decision and the override, as at start-up.</summary>
    internal static void Reset()
    {
        for (int c = 0; c < Classes.Length; c++) Classes[c] = new SizeClass();
        _overrideRead = false;
    }

    private const int One = 1, Split = 2;

    private static SizeClass[] NewClasses()
    {
        var classes = new SizeClass[64];
        for (int c = 0; c < classes.Length; c++) classes[c] = new SizeClass();
        return classes;
    }

    /// <summary>What the products of one size class have shown so far.</summary>
    private sealed class SizeClass
    {
        public int Verdict;                 // 0 undecided, One or Split
        public readonly int[] Calls = new int[ShapeKinds];   // measured products handed out per shape key (odd: one thread, even: all)
        public int Seen;                    // measured products reported
        public int OneTrials, SplitTrials;
        public long BestOne = long.MaxValue, BestSplit = long.MaxValue;
        public int UntilRecheck;            // products left on one thread before the class is measured again
        public int Rechecks;                // times it was measured again
    }
}
