using System.Globalization;

namespace Backprop.Bench;

/// <summary>
/// Ratios of our numbers to the peers' (../shared/BENCHMARKS.md, round two): each ratio says how many times faster
/// Backprop is, so above 1 is better whatever the metric (time per step is inverted, throughput is not). Every
/// contender is taken at its best: its results come in groups (one per thread count), each group's median is taken,
/// and for each workload the best group counts. Targets are checked against the better peer; a compute- or
/// memory-bound workload may meet its target instead by its share of the machine's measured limit
/// (<see cref="MachineLimits"/>), whichever is less demanding.
/// </summary>
public static class Comparison
{
    /// <summary>
    /// The headline metric of each workload, whether lower is better, the target against the better peer, and the
    /// alternative target as a share of the machine's limit (0: none).
    /// </summary>
    public static (string Key, bool LowerIsBetter, double Target, double LimitShare)? Spec(string workload) => workload switch
    {
        "seed_2x2" => ("us_per_step", true, 30, 0),
        "seed_3x3_adam" => ("us_per_step", true, 25, 0),
        "linreg" => ("us_per_iter", true, 15, 0),
        "mlp" or "fmnist_mlp" or "fmnist_cnn" => ("samples_per_s", false, 1.5, 0.85),
        "elementwise" => ("ms", true, 4, 0.80),
        // BENCHMARKS.md's target also allows 85% of the FMA limit; a char-lm step's FLOPs are not counted here, so only the ratio decides.
        "charlm_gpt" or "charlm_lstm" => ("tokens_per_s", false, 1.5, 0),
        _ when workload.StartsWith("gemm_", StringComparison.Ordinal) => ("gflops", false, 1.0, 0),
        _ => null,
    };

    /// <summary>
    /// FLOPs of one mlp sample (784-256-10, batch rows independent): forward 2·(784·256 + 256·10); backward the two
    /// weight gradients 2·784·256 + 2·256·10 and the hidden layer's input gradient 2·256·10 (the data needs none).
    /// </summary>
    public const double MlpFlopsPerSample = 2.0 * (784 * 256 + 256 * 10) + 2.0 * 784 * 256 + 2.0 * 256 * 10 + 2.0 * 256 * 10;

    /// <summary>
    /// FLOPs of one Fashion-MNIST CNN sample (fmnist_torch.py's conv5x5(16)-pool-conv5x5(32)-pool-linear, padding 2):
    /// forward conv1 16·784·25·2, conv2 32·196·400·2, linear 1568·10·2; backward conv1's weight gradient (the images
    /// need none), conv2's weight and input gradients, the linear layer's two.
    /// </summary>
    public const double CnnFlopsPerSample =
        16.0 * 784 * 25 * 2 + 32.0 * 196 * 400 * 2 + 1568.0 * 10 * 2
        + 16.0 * 784 * 25 * 2 + 2 * (32.0 * 196 * 400 * 2) + 2 * (1568.0 * 10 * 2);

    /// <summary>
    /// The elementwise workload's compulsory memory traffic per element, in bytes: a, b and c read once and their three
    /// gradients written once (float32), what a perfectly fused forward and backward would move.
    /// </summary>
    public const double ElementwiseBytesPerElement = 6 * sizeof(float);

    /// <summary>How many times faster ours is than the peer on that metric.</summary>
    public static double Speedup(double ours, double peer, bool lowerIsBetter) => lowerIsBetter ? peer / ours : ours / peer;

    /// <summary>
    /// The workload's share of the machine's limit at our figure (the mlp's and gemm's FLOP rate over the FMA limit,
    /// elementwise's compulsory bytes per second over the copy bandwidth); null where there is no such measure.
    /// </summary>
    public static double? LimitShare(string workload, IReadOnlyDictionary<string, double> metrics, MachineLimits limits)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(limits);
        if (workload is "mlp" or "fmnist_mlp" && metrics.TryGetValue("samples_per_s", out double samples))
            return samples * MlpFlopsPerSample / 1e9 / limits.FmaGflops;
        if (workload == "fmnist_cnn" && metrics.TryGetValue("samples_per_s", out double images))
            return images * CnnFlopsPerSample / 1e9 / limits.FmaGflops;
        if (workload.StartsWith("gemm_", StringComparison.Ordinal) && metrics.TryGetValue("gflops", out double gflops))
            return gflops / limits.FmaGflops;
        if (workload == "elementwise" && metrics.TryGetValue("ms", out double ms) && metrics.TryGetValue("n", out double n))
            return n * ElementwiseBytesPerElement / (ms / 1e3) / 1e9 / limits.CopyGBps;
        return null;
    }

    /// <summary>
    /// The table: per workload, each contender's best figure (with the group it came from), each peer's ratio, the
    /// ratio to the better peer, the share of the machine's limit, the target and whether it is met.
    /// </summary>
    public static string ToTable(Contender ours, IReadOnlyList<Contender> peers, MachineLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(peers);
        var header = new List<string> { "workload", "metric", ours.Name };
        foreach (var peer in peers) header.AddRange([peer.Name, $"× vs {peer.Name}"]);
        header.Add("× vs better");
        if (limits is not null) header.Add("of limit");
        header.AddRange(["target", "met"]);
        var rows = new List<string[]> { header.ToArray() };
        foreach (string name in Workloads.Names.Concat(FashionMnistNames))
        {
            if (Spec(name) is not var (key, lower, target, limitTarget)) continue;
            if (ours.Best(name, key, lower) is not var (value, mine, ourGroup)) continue;
            var row = new List<string> { name, key, Cell(value, ourGroup, ours) };
            double worst = double.PositiveInfinity;
            foreach (var peer in peers)
            {
                if (peer.Best(name, key, lower) is var (peerValue, _, peerGroup))
                {
                    double s = Speedup(value, peerValue, lower);
                    worst = Math.Min(worst, s);
                    row.AddRange([Cell(peerValue, peerGroup, peer), Ratio(s)]);
                }
                else row.AddRange(["-", "-"]);
            }
            bool any = double.IsFinite(worst);
            row.Add(any ? Ratio(worst) : "-");
            double? share = limits is null ? null : LimitShare(name, mine, limits);
            if (limits is not null) row.Add(share is double sh ? Percent(sh) : "-");
            bool met = (any && worst >= target) || (limitTarget > 0 && share >= limitTarget);
            string targetText = "≥ " + Ratio(target) + (limitTarget > 0 ? $" or {Percent(limitTarget)} of limit" : "");
            row.AddRange([targetText, any || share is not null ? (met ? "yes" : "no") : "-"]);
            rows.Add(row.ToArray());
        }
        return Report.Align(rows);
    }

    /// <summary>The Fashion-MNIST epochs' names in the comparison (fashion-mnist-side-by-side.sh wraps each run's record).</summary>
    public static readonly IReadOnlyList<string> FashionMnistNames = ["fmnist_mlp", "fmnist_cnn"];

    private static string Cell(double value, string group, Contender contender) =>
        contender.Groups.Count > 1 && group.Length > 0 ? $"{Report.FormatValue(value)} ({group})" : Report.FormatValue(value);

    private static string Ratio(double x) => x.ToString(x >= 10 ? "F0" : "F2", CultureInfo.InvariantCulture) + "×";

    private static string Percent(double x) => x.ToString("P0", CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal);
}

/// <summary>
/// One contender's results in groups (a group per thread count: "1t", "2t"), each the median of its files; a
/// workload's figure is that of its best group, as a user who picks this contender would configure it.
/// </summary>
public sealed record Contender(string Name, IReadOnlyList<(string Group, Dictionary<string, Dictionary<string, double>> Results)> Groups)
{
    /// <summary>The best group's headline value, that group's metrics for the workload, and the group's name.</summary>
    public (double Value, Dictionary<string, double> Metrics, string Group)? Best(string workload, string key, bool lowerIsBetter)
    {
        (double, Dictionary<string, double>, string)? best = null;
        foreach (var (group, results) in Groups)
        {
            if (!results.TryGetValue(workload, out var metrics) || !metrics.TryGetValue(key, out double v)) continue;
            if (best is not var (b, _, _) || (lowerIsBetter ? v < b : v > b)) best = (v, metrics, group);
        }
        return best;
    }
}
