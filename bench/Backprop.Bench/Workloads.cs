namespace Backprop.Bench;

/// <summary>One number a workload reports, under bench_torch.py's key; counts (steps, n) print as integers.</summary>
public sealed record Metric(string Key, double Value, bool IsCount = false);

/// <summary>A workload's numbers, in bench_torch.py's key order, and how they were taken.</summary>
public sealed record WorkloadResult(string Name, IReadOnlyList<Metric> Metrics, Measurement? Measurement = null)
{
    /// <summary>The metric under key; throws when the workload has none.</summary>
    public double this[string key] =>
        Metrics.FirstOrDefault(m => m.Key == key)?.Value ?? throw new KeyNotFoundException($"{Name} has no metric '{key}'");
}

/// <summary>
/// The workloads of ../shared/peer/bench_torch.py, in its order, with its step counts, repeats and keys. Each one is
/// written with the library as the Python writes it with torch; its run returns the final loss, as the Python's does.
/// </summary>
public static partial class Workloads
{
    /// <summary>The GEMM sizes, as bench_torch.py's gemm loop.</summary>
    public static readonly int[] GemmSizes = [128, 256, 512, 1024];

    /// <summary>Every workload name in the output, in order.</summary>
    public static readonly string[] Names =
        ["seed_2x2", "seed_3x3_adam", "linreg", "mlp", .. GemmSizes.Select(n => $"gemm_{n}"), "elementwise", "charlm_gpt", "charlm_lstm"];

    /// <summary>True for a name --only accepts: a workload name, or "gemm" for all four sizes (bench_torch.py's name).</summary>
    public static bool IsKnownName(string name) => name == "gemm" || Names.Contains(name);

    /// <summary>Runs the selected workloads in order; writes each one's loss and GC cost to diagnostics.</summary>
    public static List<WorkloadResult> Run(BenchOptions options, TextWriter diagnostics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(diagnostics);
        bool q = options.Quick;
        int reps = q ? 3 : 5;
        var results = new List<WorkloadResult>();
        bool Want(string name) => options.Only.Count == 0 || options.Only.Contains(name)
            || (name.StartsWith("gemm_", StringComparison.Ordinal) && options.Only.Contains("gemm"));
        void Add(WorkloadResult r)
        {
            results.Add(r);
            Diagnose(diagnostics, r);
        }

        if (Want("seed_2x2"))
        {
            int steps = q ? 200 : 2000;
            var m = Timing.Timed(Seed2x2(steps), reps);
            Add(new("seed_2x2", [new("steps", steps, true), new("us_per_step", m.MedianSeconds / steps * 1e6)], m));
        }
        if (Want("seed_3x3_adam"))
        {
            int steps = q ? 200 : 2000;
            var m = Timing.Timed(Seed3x3Adam(steps), reps);
            Add(new("seed_3x3_adam", [new("steps", steps, true), new("us_per_step", m.MedianSeconds / steps * 1e6)], m));
        }
        if (Want("linreg"))
        {
            int iters = q ? 200 : 2000;
            var m = Timing.Timed(LinReg(iters), reps);
            Add(new("linreg", [new("iters", iters, true), new("us_per_iter", m.MedianSeconds / iters * 1e6)], m));
        }
        if (Want("mlp"))
        {
            int steps = q ? 20 : 200;
            const int batch = 64;
            var m = Timing.Timed(Mlp(steps, batch), reps);
            Add(new("mlp", [new("steps", steps, true), new("batch", batch, true), new("samples_per_s", steps * batch / m.MedianSeconds)], m));
        }
        foreach (int n in GemmSizes)
        {
            if (!Want($"gemm_{n}")) continue;
            int r = n < 512 ? Math.Max(1, (int)Math.Pow(512 / n, 3)) : 2;   // the same multiply count as bench_torch.py
            var m = Timing.Timed(Gemm(n, r), reps);
            Add(new($"gemm_{n}", [new("n", n, true), new("gflops", 2.0 * n * n * n * r / m.MedianSeconds / 1e9)], m));
        }
        if (Want("elementwise"))
        {
            const int n = 1 << 22;
            var m = Timing.Timed(Elementwise(n), reps);
            Add(new("elementwise", [new("n", n, true), new("ms", m.MedianSeconds * 1e3)], m));
        }
        RunCharLm(q, Want, Add, diagnostics);
        return results;
    }

    // The loss is the sanity check that the library computed what torch computes (docs/performance.md lists
    // torch's values); the allocations and collections are what the per-op overhead work wants to see fall.
    private static void Diagnose(TextWriter diagnostics, WorkloadResult r)
    {
        var m = r.Measurement!;
        string loss = m.Loss is double l ? $"final loss {l.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}" : "no loss";
        diagnostics.WriteLine(
            $"{r.Name}: {loss}; allocated {m.AllocatedBytesPerRun / 1024.0:F0} KiB per run; GC gen0/1/2 {m.Collections.Gen0}/{m.Collections.Gen1}/{m.Collections.Gen2}");
    }
}
