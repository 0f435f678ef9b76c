using System.Diagnostics;
using System.Globalization;
using Backprop.Data;
using Backprop.NN;
using Backprop.Optim;

namespace Backprop.Soak;

/// <summary>
/// A steady training loop, watched for memory growth: the MLP of the Fashion-MNIST experiment (784-256-10, ReLU),
/// batch 64, SGD with momentum, on batches drawn from a fixed random data set (as a data loader draws them). Every
/// --every steps it prints the step, the resident set size (RSS, /proc's VmRSS through Process.WorkingSet64), the
/// managed heap and the bytes the storage pool holds idle. A loop that has reached its working set stays there: every
/// sample from step --from on must lie within ±tolerance of the sample at --from.
/// </summary>
public static class SoakCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        int steps = 50_000, from = 2_000, every = 1_000;
        bool loader = true, adam = false;
        double tolerance = 0.10;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--steps": steps = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--from": from = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--every": every = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--tolerance": tolerance = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--batches": loader = Value() switch { "loader" => true, "index" => false, var v => throw new ArgumentException($"--batches: '{v}' is not loader or index") }; break;
                    case "--optimizer": adam = Value() switch { "adam" => true, "sgd" => false, var v => throw new ArgumentException($"--optimizer: '{v}' is not sgd or adam") }; break;
                    default: throw new ArgumentException($"unknown option {args[i]}");
                }
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                stderr.WriteLine($"error: {e.Message}");
                stderr.WriteLine("Usage: Backprop.Soak [--steps 50000] [--from 2000] [--every 1000] [--tolerance 0.1] [--batches loader|index] [--optimizer sgd|adam]");
                return 2;
            }
        }
        if (steps < 1 || every < 1 || from < 0 || from > steps || from % every != 0 || !(tolerance > 0))
        {
            stderr.WriteLine("error: need steps >= 1, every >= 1, 0 <= from <= steps, from a multiple of every, tolerance > 0");
            return 2;
        }

        var samples = Train(steps, every, loader, adam, (step, rss, heap, idle) =>
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {step,7}: rss {rss / 1e6,7:F1} MB, managed heap {heap / 1e6,7:F1} MB, pool idle {idle / 1e6,6:F1} MB")));
        long reference = samples.Single(s => s.Step == from).Rss;
        var late = samples.Where(s => s.Step >= from).ToList();
        long min = late.Min(s => s.Rss), max = late.Max(s => s.Rss);
        double low = (double)min / reference - 1, high = (double)max / reference - 1;
        bool flat = low >= -tolerance && high <= tolerance;
        string verdict = flat ? "flat" : string.Create(CultureInfo.InvariantCulture, $"NOT within ±{tolerance:0%}");
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rss from step {from} to {steps}: {min / 1e6:F1} to {max / 1e6:F1} MB, {low:+0.0%;-0.0%} to {high:+0.0%;-0.0%} of {reference / 1e6:F1} MB at step {from}: {verdict}"));
        return flat ? 0 : 1;
    }

    /// <summary>One sample: the step, the RSS, the managed heap and the pool's idle bytes.</summary>
    public readonly record struct Sample(int Step, long Rss, long Heap, long PoolIdle);

    /// <summary>
    /// Trains for steps, sampling memory every every steps (and at step 0, after the first step). Batches come from a
    /// shuffling DataLoader over a TensorDataset (loader), or from IndexSelect with random indices; SGD with momentum 0.9
    /// or Adam.
    /// </summary>
    public static List<Sample> Train(int steps, int every, bool loader, bool adam, Action<int, long, long, long>? report = null)
    {
        var generator = new Generator(0);
        var model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10));
        Optimizer optimizer = adam ? new Adam(model.Parameters(), lr: 1e-3) : new SGD(model.Parameters(), lr: 0.01, momentum: 0.9);
        var images = Tensor.Rand([4096, 784], DType.Float32, generator);
        var labels = Tensor.RandInt(0, 10, [4096], generator: generator);
        var samples = new List<Sample>();
        using var process = Process.GetCurrentProcess();
        var batches = Batches(images, labels, loader, generator).GetEnumerator();
        for (int step = 1; step <= steps; step++)
        {
            batches.MoveNext();
            var (xb, yb) = batches.Current;
            var loss = F.CrossEntropy(model.Forward(xb), yb);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            if (step % every == 0 || step == 1)
            {
                process.Refresh();
                var sample = new Sample(step == 1 ? 0 : step, process.WorkingSet64, GC.GetTotalMemory(false), StoragePool.IdleBytes);
                samples.Add(sample);
                report?.Invoke(sample.Step, sample.Rss, sample.Heap, sample.PoolIdle);
            }
        }
        return samples;
    }

    /// <summary>Batches of 64 without end: epochs of a shuffling DataLoader, or random rows picked with IndexSelect.</summary>
    private static IEnumerable<(Tensor X, Tensor Y)> Batches(Tensor images, Tensor labels, bool loader, Generator generator)
    {
        var data = new DataLoader(new TensorDataset(images, labels), batchSize: 64, shuffle: true, dropLast: true, generator: generator);
        while (true)
        {
            if (loader)
            {
                foreach (var (xb, yb) in data) yield return (xb, yb);
            }
            else
            {
                var idx = Tensor.RandInt(0, images.Shape[0], [64], generator: generator);
                yield return (images.IndexSelect(0, idx), labels.IndexSelect(0, idx));
            }
        }
    }
}
