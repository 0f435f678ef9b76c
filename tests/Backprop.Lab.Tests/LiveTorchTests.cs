using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Backprop.Testing;
using Xunit.Abstractions;

namespace Backprop.Lab.Tests;

/// <summary>
/// Random settings of each lab_torch.py experiment, run live in PyTorch (Debian's python3-torch at /usr/bin/python3) and
/// through the lab's --json, compared to 1e-9 relative. Without torch the test is reported as skipped
/// (tests/Shared/Prerequisites.cs); .ci/run installs torch and fails on any skip.
/// </summary>
public sealed class LiveTorchTests(ITestOutputHelper output) : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string List(Random random, int count, double lo, double hi) =>
        string.Join(",", Enumerable.Range(0, count).Select(_ => N(Math.Round(lo + (hi - lo) * random.NextDouble(), 4))));

    private static T Pick<T>(Random random, params T[] items) => items[random.Next(items.Length)];

    /// <summary>The settings: a fixed seed, so a failure can be rerun; each is lab_torch.py's argument list.</summary>
    private List<string[]> Settings()
    {
        var random = new Random(20240611);
        var cases = new List<string[]>();
        for (int i = 0; i < 5; i++)
        {
            var args = new List<string>
            {
                "two-layer", "--x", List(random, 2, -1, 1), "--y", List(random, 2, 0.05, 0.95),
                "--activation", Pick(random, "sigmoid", "relu", "tanh"), "--loss", Pick(random, "half-mse", "mse", "cross-entropy"),
                "--optimizer", Pick(random, "sgd", "adam"), "--lr", N(Math.Round(0.05 + 0.9 * random.NextDouble(), 3)),
                "--epochs", random.Next(1, 16).ToString(CultureInfo.InvariantCulture),
            };
            if (i % 2 == 0) args.AddRange(["--init", "random", "--seed", random.Next(0, 100000).ToString(CultureInfo.InvariantCulture)]);
            else args.AddRange(["--weights", List(random, 8, -1, 1)]);
            cases.Add([.. args]);
        }
        for (int i = 0; i < 3; i++)
        {
            var args = new List<string>
            {
                "three-by-three", "--x", List(random, 3, -1.5, 1.5), "--y", List(random, 3, -1, 2),
                "--optimizer", Pick(random, "sgd", "adam"), "--steps", random.Next(1, 12).ToString(CultureInfo.InvariantCulture),
            };
            if (i == 1) args.AddRange(["--lr", N(Math.Round(0.01 + 0.2 * random.NextDouble(), 3))]);
            if (i != 2) args.AddRange(["--init", "random", "--seed", random.Next(0, 100000).ToString(CultureInfo.InvariantCulture)]);
            else args.AddRange(["--weights", List(random, 9, -1, 1)]);
            cases.Add([.. args]);
        }
        for (int i = 0; i < 2; i++)
        {
            int n = random.Next(2, 6);
            cases.Add(["linear", "--x", List(random, n, -2, 2), "--y", List(random, n, -4, 4), "--w", N(Math.Round(random.NextDouble() * 2 - 1, 3)),
                "--lr", N(Math.Round(0.001 + 0.02 * random.NextDouble(), 4)), "--epochs", random.Next(1, 40).ToString(CultureInfo.InvariantCulture),
                "--predict", N(Math.Round(random.NextDouble() * 10, 2))]);
        }
        for (int i = 0; i < 2; i++)
        {
            string csv = _dir.File($"points-{i}.csv");
            var lines = new List<string> { "x,y" };
            double w = random.NextDouble() * 4 - 2, b = random.NextDouble() * 2;
            for (int k = 0; k < 40; k++)
            {
                double x = random.NextDouble();
                lines.Add($"{N(x)},{N(w * x + b + 0.1 * (random.NextDouble() - 0.5))}");
            }
            File.WriteAllLines(csv, lines);
            cases.Add(["regression", "--data", csv, "--mode", i == 0 ? "manual" : "module", "--iters", random.Next(20, 300).ToString(CultureInfo.InvariantCulture),
                "--lr", N(Math.Round(0.005 + 0.1 * random.NextDouble(), 4)), "--w0", N(Math.Round(random.NextDouble(), 3)), "--b0", N(Math.Round(random.NextDouble(), 3))]);
        }
        for (int i = 0; i < 2; i++)
            cases.Add(["graph", "--a", List(random, 1, -5, 5), "--b", List(random, 1, -5, 5), "--c", List(random, 1, -5, 5)]);
        // --opt=value: argparse would read a value such as -0.5,0.3 as an option.
        return cases.Select(Joined).ToList();
    }

    private static string[] Joined(string[] args)
    {
        var joined = new List<string> { args[0] };
        for (int i = 1; i < args.Length; i += 2) joined.Add($"{args[i]}={args[i + 1]}");
        return [.. joined];
    }

    /// <summary>Runs every setting through lab_torch.py in one Python process.</summary>
    private static List<string> RunTorch(List<string[]> settings)
    {
        var start = new ProcessStartInfo(Python, [Lab.TestFile("Reference/run_many.py")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(JsonSerializer.Serialize(settings));
        process.StandardInput.Close();
        if (!process.WaitForExit(300_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("lab_torch.py did not finish within 300 s");
        }
        Assert.True(process.ExitCode == 0, $"lab_torch.py failed: {stderr.Result}");
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    [SkippableFact]
    public void Random_settings_of_every_experiment_match_pytorch_run_live()
    {
        Prerequisites.RequireTorch();
        var settings = Settings();
        var records = RunTorch(settings);
        Assert.Equal(settings.Count, records.Count);
        for (int i = 0; i < settings.Count; i++)
        {
            output.WriteLine(string.Join(" ", settings[i]));
            var expected = JsonCompare.Parse(records[i]);
            var actual = Lab.Run([.. settings[i], "--json"]).Json();
            JsonCompare.Equal(expected, actual, 1e-9, $"[{string.Join(" ", settings[i])}]");
        }
    }
}
