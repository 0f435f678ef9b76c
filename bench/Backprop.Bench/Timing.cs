using System.Diagnostics;

namespace Backprop.Bench;

/// <summary>What one workload's timed runs gave: the median, the last run's loss, and what the runs cost the GC.</summary>
/// <param name="MedianSeconds">The median wall time of one run.</param>
/// <param name="Loss">The value the last run returned (its final loss), or null for workloads without one.</param>
/// <param name="AllocatedBytesPerRun">Managed bytes allocated by one run, averaged over the timed runs.</param>
/// <param name="Collections">Gen0, gen1 and gen2 collections during all the timed runs together.</param>
public sealed record Measurement(double MedianSeconds, double? Loss, long AllocatedBytesPerRun, (int Gen0, int Gen1, int Gen2) Collections);

/// <summary>bench_torch.py's timed(): one warm-up run, then the median wall time of `repeats` runs.</summary>
public static class Timing
{
    /// <summary>Runs run() once to warm up, then `repeats` times under a stopwatch; returns the median and the GC cost.</summary>
    public static Measurement Timed(Func<double?> run, int repeats)
    {
        ArgumentNullException.ThrowIfNull(run);
        // The previous workload's garbage is collected here, outside the clock, so it is not charged to this one.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        double? loss = run();
        var samples = new double[repeats];
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        long allocatedAll = GC.GetTotalAllocatedBytes(precise: false);
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            loss = run();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        // Work split over the thread pool allocates on other threads too: take the larger of the two counts.
        long bytes = Math.Max(GC.GetAllocatedBytesForCurrentThread() - allocated, GC.GetTotalAllocatedBytes(precise: false) - allocatedAll);
        var collections = (GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
        return new Measurement(Median(samples), loss, bytes / Math.Max(1, repeats), collections);
    }

    /// <summary>The median, as Python's statistics.median: the middle value, or the mean of the two middle ones.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("Median: no values");
        var sorted = values.ToArray();
        Array.Sort(sorted);
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
