using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text.Json;

namespace Backprop.Bench;

/// <summary>
/// The machine's own limits, measured at the start of a sitting (../shared/BENCHMARKS.md): float32 FMA throughput on
/// one thread and on every core (two vCPUs that are SMT siblings of one core show ~1× one thread, two real cores ~2×),
/// and memory bandwidth by a large copy. A compute-bound workload's share of the FMA limit, and a memory-bound one's of
/// the bandwidth, say how far from the hardware a figure is, where a ratio to a peer cannot (a peer near the limit
/// leaves no room for 1.5×).
/// </summary>
public sealed record MachineLimits(int Threads, double FmaGflopsOneThread, double FmaGflopsAllThreads, double CopyGBps)
{
    /// <summary>The FMA limit a workload is held to: the higher of the one-thread and all-threads figures.</summary>
    public double FmaGflops => Math.Max(FmaGflopsOneThread, FmaGflopsAllThreads);

    // Independent accumulators per thread: an FMA has a latency of ~4 cycles and two issue ports, so at least 8 chains
    // are needed to keep both ports busy; 12 leaves margin and still fits the 16/32 vector registers.
    private const int Chains = 12;

    /// <summary>Measures the three figures (about three seconds in all).</summary>
    public static MachineLimits Measure()
    {
        int threads = Environment.ProcessorCount;
        double one = BestOf(3, () => MeasureFma(1));
        double all = threads == 1 ? one : BestOf(3, () => MeasureFma(threads));
        double copy = BestOf(5, () => MeasureCopy(threads));
        return new MachineLimits(threads, one, all, copy);
    }

    /// <summary>The limits as one JSON object (keys: threads, fma_gflops_1, fma_gflops_all, copy_gbps).</summary>
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, double>
    {
        ["threads"] = Threads,
        ["fma_gflops_1"] = Math.Round(FmaGflopsOneThread, 1),
        ["fma_gflops_all"] = Math.Round(FmaGflopsAllThreads, 1),
        ["copy_gbps"] = Math.Round(CopyGBps, 1),
    });

    /// <summary>Reads what <see cref="ToJson"/> wrote; throws InvalidDataException naming the file and the missing key.</summary>
    public static MachineLimits Read(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        double Get(string key) => doc.RootElement.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble()
            : throw new InvalidDataException($"{file}: machine limits without a number '{key}'");
        return new MachineLimits((int)Get("threads"), Get("fma_gflops_1"), Get("fma_gflops_all"), Get("copy_gbps"));
    }

    /// <summary>One line for a sitting's notes.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"float32 FMA {FmaGflopsOneThread:F0} GFLOP/s on 1 thread, {FmaGflopsAllThreads:F0} on {Threads}; copy {CopyGBps:F1} GB/s (read + write)");

    private static double BestOf(int tries, Func<double> measure)
    {
        double best = 0;
        for (int i = 0; i < tries; i++) best = Math.Max(best, measure());
        return best;
    }

    // Every thread runs the same FMA loop at once (started together by a barrier); the figure is all their FLOPs over
    // the wall time of the slowest.
    private static double MeasureFma(int threads)
    {
        const long iterations = 20_000_000;
        using var start = new Barrier(threads + 1);
        var workers = new Thread[threads];
        var sink = new float[threads];
        for (int t = 0; t < threads; t++)
        {
            int id = t;
            workers[t] = new Thread(() => { start.SignalAndWait(); sink[id] = FmaLoop(iterations); }) { IsBackground = true };
            workers[t].Start();
        }
        start.SignalAndWait();
        long began = Stopwatch.GetTimestamp();
        foreach (var w in workers) w.Join();
        double seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        double flops = 2.0 * Chains * LanesPerVector * iterations * threads;
        return sink.Sum() == 42 ? 0 : flops / seconds / 1e9;   // the sum keeps the loops' results alive
    }

    private static int LanesPerVector =>
        Vector512.IsHardwareAccelerated ? Vector512<float>.Count
        : Vector256.IsHardwareAccelerated ? Vector256<float>.Count
        : Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float FmaLoop(long iterations)
    {
        if (Vector512.IsHardwareAccelerated) return FmaLoop512(iterations);
        if (Vector256.IsHardwareAccelerated) return FmaLoop256(iterations);
        return FmaLoop128(iterations);
    }

    // Twelve chains written out: the JIT keeps each in a register only when they are locals, not an array.
    private static float FmaLoop512(long n)
    {
        var m = Vector512.Create(0.9999999f);
        var k = Vector512.Create(1e-7f);
        Vector512<float> a0 = k, a1 = k, a2 = k, a3 = k, a4 = k, a5 = k, a6 = k, a7 = k, a8 = k, a9 = k, a10 = k, a11 = k;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, k); a1 = Vector512.FusedMultiplyAdd(a1, m, k);
            a2 = Vector512.FusedMultiplyAdd(a2, m, k); a3 = Vector512.FusedMultiplyAdd(a3, m, k);
            a4 = Vector512.FusedMultiplyAdd(a4, m, k); a5 = Vector512.FusedMultiplyAdd(a5, m, k);
            a6 = Vector512.FusedMultiplyAdd(a6, m, k); a7 = Vector512.FusedMultiplyAdd(a7, m, k);
            a8 = Vector512.FusedMultiplyAdd(a8, m, k); a9 = Vector512.FusedMultiplyAdd(a9, m, k);
            a10 = Vector512.FusedMultiplyAdd(a10, m, k); a11 = Vector512.FusedMultiplyAdd(a11, m, k);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    private static float FmaLoop256(long n)
    {
        var m = Vector256.Create(0.9999999f);
        var k = Vector256.Create(1e-7f);
        Vector256<float> a0 = k, a1 = k, a2 = k, a3 = k, a4 = k, a5 = k, a6 = k, a7 = k, a8 = k, a9 = k, a10 = k, a11 = k;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, k); a1 = Vector256.FusedMultiplyAdd(a1, m, k);
            a2 = Vector256.FusedMultiplyAdd(a2, m, k); a3 = Vector256.FusedMultiplyAdd(a3, m, k);
            a4 = Vector256.FusedMultiplyAdd(a4, m, k); a5 = Vector256.FusedMultiplyAdd(a5, m, k);
            a6 = Vector256.FusedMultiplyAdd(a6, m, k); a7 = Vector256.FusedMultiplyAdd(a7, m, k);
            a8 = Vector256.FusedMultiplyAdd(a8, m, k); a9 = Vector256.FusedMultiplyAdd(a9, m, k);
            a10 = Vector256.FusedMultiplyAdd(a10, m, k); a11 = Vector256.FusedMultiplyAdd(a11, m, k);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    private static float FmaLoop128(long n)
    {
        var m = Vector128.Create(0.9999999f);
        var k = Vector128.Create(1e-7f);
        Vector128<float> a0 = k, a1 = k, a2 = k, a3 = k, a4 = k, a5 = k, a6 = k, a7 = k, a8 = k, a9 = k, a10 = k, a11 = k;
        for (long i = 0; i < n; i++)
        {
            a0 = Vector128.FusedMultiplyAdd(a0, m, k); a1 = Vector128.FusedMultiplyAdd(a1, m, k);
            a2 = Vector128.FusedMultiplyAdd(a2, m, k); a3 = Vector128.FusedMultiplyAdd(a3, m, k);
            a4 = Vector128.FusedMultiplyAdd(a4, m, k); a5 = Vector128.FusedMultiplyAdd(a5, m, k);
            a6 = Vector128.FusedMultiplyAdd(a6, m, k); a7 = Vector128.FusedMultiplyAdd(a7, m, k);
            a8 = Vector128.FusedMultiplyAdd(a8, m, k); a9 = Vector128.FusedMultiplyAdd(a9, m, k);
            a10 = Vector128.FusedMultiplyAdd(a10, m, k); a11 = Vector128.FusedMultiplyAdd(a11, m, k);
        }
        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    // A 64 MiB copy, far beyond the last-level cache, split into one slice per thread; bytes read plus bytes written
    // per second, the same count a memory-bound workload's compulsory traffic is given in.
    private static double MeasureCopy(int threads)
    {
        const int bytes = 64 << 20;
        var source = GC.AllocateUninitializedArray<byte>(bytes);
        var target = GC.AllocateUninitializedArray<byte>(bytes);
        source.AsSpan().Fill(1);
        target.AsSpan().Fill(0);   // both faulted in before the clock starts
        const int repeats = 8;
        int slice = bytes / threads;
        long began = Stopwatch.GetTimestamp();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (int r = 0; r < repeats; r++) source.AsSpan(t * slice, slice).CopyTo(target.AsSpan(t * slice, slice));
        });
        double seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        return 2.0 * slice * threads * repeats / seconds / 1e9;
    }
}
