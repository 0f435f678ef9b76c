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
        Assert.Equal(
            ["seed_2x2", "seed_3x3_adam", "linreg", "mlp", "gemm_128", "gemm_256", "gemm_512", "gemm_1024", "elementwise"],
            Workloads.Names);
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
            Assert.Contains("≥ 20×", seed);
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
    public void Median_is_the_middle_value_or_the_mean_of_the_middle_two()
    {
        Assert.Equal(2.0, Timing.Median([3.0, 1.0, 2.0]));
        Assert.Equal(2.5, Timing.Median([4.0, 1.0, 2.0, 3.0]));
    }
}
