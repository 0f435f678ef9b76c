using System.Globalization;

namespace Backprop.Bench;

/// <summary>
/// Ratios of our numbers to the peers' (../shared/BENCHMARKS.md): each ratio says how many times faster Backprop is,
/// so above 1 is better whatever the metric (time per step is inverted, throughput is not), and the targets are
/// checked against the better peer, the one that gives the smallest ratio.
/// </summary>
public static class Comparison
{
    /// <summary>The headline metric of each workload, whether lower is better, and the target against the better peer.</summary>
    public static (string Key, bool LowerIsBetter, double Target)? Spec(string workload) => workload switch
    {
        "seed_2x2" => ("us_per_step", true, 20),
        "seed_3x3_adam" => ("us_per_step", true, 15),
        "linreg" => ("us_per_iter", true, 5),
        "mlp" => ("samples_per_s", false, 1.0),
        "elementwise" => ("ms", true, 3),
        _ when workload.StartsWith("gemm_", StringComparison.Ordinal) => ("gflops", false, 0.9),
        _ => null,
    };

    /// <summary>How many times faster ours is than the peer on that metric.</summary>
    public static double Speedup(double ours, double peer, bool lowerIsBetter) => lowerIsBetter ? peer / ours : ours / peer;

    /// <summary>The table: per workload, our figure, each peer's figure and ratio, the ratio to the better peer, and the target.</summary>
    public static string ToTable(Dictionary<string, Dictionary<string, double>> ours,
        IReadOnlyList<(string Peer, Dictionary<string, Dictionary<string, double>> Results)> peers)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(peers);
        var header = new List<string> { "workload", "metric", "Backprop" };
        foreach (var (peer, _) in peers) header.AddRange([peer, $"× vs {peer}"]);
        header.AddRange(["× vs better", "target", "met"]);
        var rows = new List<string[]> { header.ToArray() };
        foreach (string name in Workloads.Names)
        {
            if (Spec(name) is not var (key, lower, target)) continue;
            if (!ours.TryGetValue(name, out var mine) || !mine.TryGetValue(key, out double value)) continue;
            var row = new List<string> { name, key, Report.FormatValue(value) };
            double worst = double.PositiveInfinity;
            foreach (var (_, results) in peers)
            {
                if (results.TryGetValue(name, out var theirs) && theirs.TryGetValue(key, out double peerValue))
                {
                    double s = Speedup(value, peerValue, lower);
                    worst = Math.Min(worst, s);
                    row.AddRange([Report.FormatValue(peerValue), Ratio(s)]);
                }
                else row.AddRange(["-", "-"]);
            }
            bool any = double.IsFinite(worst);
            row.AddRange([any ? Ratio(worst) : "-", "≥ " + Ratio(target), any ? (worst >= target ? "yes" : "no") : "-"]);
            rows.Add(row.ToArray());
        }
        return Report.Align(rows);
    }

    private static string Ratio(double x) => x.ToString(x >= 10 ? "F0" : "F2", CultureInfo.InvariantCulture) + "×";
}
