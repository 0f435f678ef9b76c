using System.Text.Json;

namespace Backprop.Bench.Tests;

// The benchmark command's output shape: the keys of ../shared/peer/bench_torch.py, positive finite numbers.
// Nothing here checks a time: a benchmark is never a timed test.
public class BenchCommandTests
{
    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = BenchCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Quick_json_run_prints_one_object_with_bench_torch_keys_and_positive_numbers()
    {
        var (code, stdout, stderr) = Run("--quick", "--only", "seed_2x2,linreg", "--json");

        Assert.Equal(0, code);
        var line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        Assert.Equal(["seed_2x2", "linreg"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["steps", "us_per_step"], root.GetProperty("seed_2x2").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["iters", "us_per_iter"], root.GetProperty("linreg").EnumerateObject().Select(p => p.Name));
        Assert.Equal(200, root.GetProperty("seed_2x2").GetProperty("steps").GetInt32());
        Assert.Equal(200, root.GetProperty("linreg").GetProperty("iters").GetInt32());
        foreach (var workload in root.EnumerateObject())
            foreach (var metric in workload.Value.EnumerateObject())
            {
                double value = metric.Value.GetDouble();
                Assert.True(double.IsFinite(value) && value > 0, $"{workload.Name}.{metric.Name} = {value}");
            }
        // The final losses go to stderr, not into the JSON; torch's after 200 quick steps are 0.0061856… and 0.15375…
        Assert.Contains("seed_2x2: final loss 0.00618", stderr);
        Assert.Contains("linreg: final loss 0.1537", stderr);
    }

    [Fact]
    public void Workload_names_are_bench_torch_names_in_its_order()
    {
        // bench_torch.py's workloads, then BENCHMARKS.md's char-lm rows (charlm_torch.py is their peer)
        Assert.Equal(
            ["seed_2x2", "seed_3x3_adam", "linreg", "mlp", "gemm_128", "gemm_256", "gemm_512", "gemm_1024", "elementwise", "charlm_gpt", "charlm_lstm"],
            Workloads.Names);
    }

    [SkippableFact]
    public void The_charlm_workloads_train_charlm_torchs_models_and_report_tokens_per_second()
    {
        Skip.IfNot(File.Exists("/usr/share/games/fortunes/tang300"), "needs Debian's fortunes-zh (tang300)");
        var corpus = Backprop.Seeds.CharLm.CharLmCorpus.Load("tang300");
        var (tokens, loss) = Workloads.CharLm(corpus, "lstm", 5);
        Assert.True(tokens > 0 && double.IsFinite(tokens));
        // /usr/bin/python3 charlm_torch.py --model lstm --steps 5 printed "5": 7.031757831573486 (the same seed, weights and batches)
        Assert.Equal(7.031757831573486, loss, 1e-3);
    }

    [Fact]
    public void Unknown_workload_in_only_is_rejected_with_the_known_names()
    {
        var (code, stdout, stderr) = Run("--only", "seed_2x3", "--json");

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("unknown workload 'seed_2x3'", stderr);
        Assert.Contains("seed_3x3_adam", stderr);
    }

    [Fact]
    public void Compare_reads_saved_results_and_prints_speedups_against_each_peer()
    {
        string dir = Directory.CreateTempSubdirectory("bench-tests-").FullName;
        try
        {
            string ours = Path.Combine(dir, "ours.json"), torch = Path.Combine(dir, "torch.json");
            File.WriteAllText(ours, """{"seed_2x2": {"steps": 2000, "us_per_step": 5.0}, "gemm_128": {"n": 128, "gflops": 90.0}}""");
            File.WriteAllText(torch, """{"seed_2x2": {"steps": 2000, "us_per_step": 150.0}, "gemm_128": {"n": 128, "gflops": 100.0}}""");

            var (code, stdout, _) = Run("--results", ours, "--compare", $"torch={torch}");

            Assert.Equal(0, code);
            var seed = stdout.Split('\n').Single(l => l.StartsWith("| seed_2x2", StringComparison.Ordinal));
            Assert.Contains("30×", seed);        // 150 µs / 5 µs: time is inverted
            Assert.Contains("≥ 30×", seed);     // round two's target (../shared/BENCHMARKS.md)
            Assert.EndsWith("yes |", seed.TrimEnd());
            var gemm = stdout.Split('\n').Single(l => l.StartsWith("| gemm_128", StringComparison.Ordinal));
            Assert.Contains("0.90×", gemm);      // 90 / 100 GFLOP/s: throughput is not
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Compare_takes_each_contenders_best_thread_count_and_the_share_of_the_machine_limit()
    {
        string dir = Directory.CreateTempSubdirectory("bench-tests-").FullName;
        try
        {
            string Write(string name, string json) { string f = Path.Combine(dir, name); File.WriteAllText(f, json); return f; }
            // Ours: 2 threads faster for the mlp; PyTorch: 1 thread four times faster than 2, as measured on 2 vCPUs.
            string ours1 = Write("b1.json", """{"mlp": {"samples_per_s": 60000.0}, "elementwise": {"n": 4194304, "ms": 10.0}}""");
            string ours2 = Write("b2.json", """{"mlp": {"samples_per_s": 90000.0}, "elementwise": {"n": 4194304, "ms": 8.0}, "fmnist_cnn": {"samples_per_s": 10000.0, "test_accuracy": 0.85}}""");
            string torch1 = Write("t1.json", """{"mlp": {"samples_per_s": 80000.0}, "elementwise": {"n": 4194304, "ms": 30.0}, "fmnist_cnn": {"samples_per_s": 4000.0}}""");
            string torch2 = Write("t2.json", """{"mlp": {"samples_per_s": 20000.0}, "elementwise": {"n": 4194304, "ms": 24.0}}""");
            string limits = Write("limits.json", """{"threads": 2, "fma_gflops_1": 100.0, "fma_gflops_all": 200.0, "copy_gbps": 40.0}""");

            var (code, stdout, stderr) = Run("--results", $"1t={ours1}", "--results", $"2t={ours2}",
                "--compare", $"PyTorch@1t={torch1}", "--compare", $"PyTorch@2t={torch2}", "--limits", limits);

            Assert.True(code == 0, stderr);
            Assert.Contains("float32 FMA 100 GFLOP/s on 1 thread, 200 on 2; copy 40.0 GB/s", stdout);
            var mlp = stdout.Split('\n').Single(l => l.StartsWith("| mlp", StringComparison.Ordinal));
            Assert.Contains("90,000 (2t)", mlp);
            Assert.Contains("80,000 (1t)", mlp);
            Assert.Contains("1.12×", mlp);      // 90,000 / 80,000: each at its best, not 90,000 / 20,000
            Assert.Contains("37%", mlp);        // 90,000 × 818,176 FLOPs = 73.6 GFLOP/s of the 200 GFLOP/s limit
            Assert.Equal("no", LastCell(mlp));
            var elementwise = stdout.Split('\n').Single(l => l.StartsWith("| elementwise", StringComparison.Ordinal));
            Assert.Contains("3.00×", elementwise);   // 24 ms / 8 ms
            Assert.Contains("31%", elementwise);     // 4M × 24 bytes in 8 ms = 12.6 GB/s of 40 GB/s
            Assert.Equal("no", LastCell(elementwise));
            var cnn = stdout.Split('\n').Single(l => l.StartsWith("| fmnist_cnn", StringComparison.Ordinal));
            Assert.Contains("2.50×", cnn);           // 10,000 / 4,000 images/s
            Assert.Contains("82%", cnn);             // 10,000 × 16,401,280 FLOPs = 164 GFLOP/s of 200
            Assert.Equal("yes", LastCell(cnn));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Machine_limits_measure_positive_fma_and_copy_rates()
    {
        var limits = MachineLimits.Measure();

        Assert.Equal(Environment.ProcessorCount, limits.Threads);
        Assert.True(limits.FmaGflopsOneThread > 1 && double.IsFinite(limits.FmaGflopsOneThread), limits.ToString());
        Assert.True(limits.FmaGflopsAllThreads > 1 && double.IsFinite(limits.FmaGflopsAllThreads), limits.ToString());
        Assert.True(limits.CopyGBps > 0.1 && double.IsFinite(limits.CopyGBps), limits.ToString());
        var back = MachineLimits.Read(WriteTemp(limits.ToJson()));
        Assert.Equal(Math.Round(limits.CopyGBps, 1), back.CopyGBps);
    }

    private static string LastCell(string row) => row.TrimEnd().TrimEnd('|').Split('|')[^1].Trim();

    private static string WriteTemp(string text)
    {
        string file = Path.GetTempFileName();
        File.WriteAllText(file, text);
        return file;
    }

    [Fact]
    public void Median_is_the_middle_value_or_the_mean_of_the_middle_two()
    {
        Assert.Equal(2.0, Timing.Median([3.0, 1.0, 2.0]));
        Assert.Equal(2.5, Timing.Median([4.0, 1.0, 2.0, 3.0]));
    }
}
