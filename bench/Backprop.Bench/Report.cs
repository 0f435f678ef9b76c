using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Backprop.Bench;

/// <summary>Writes results as bench_torch.py's JSON object or as a table, and reads such JSON back.</summary>
public static class Report
{
    /// <summary>One JSON object, {"workload": {"key": value, ...}, ...}, in the order run; like bench_torch.py's output.</summary>
    public static string ToJson(IEnumerable<WorkloadResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var r in results)
            {
                w.WriteStartObject(r.Name);
                foreach (var m in r.Metrics)
                {
                    if (m.IsCount) w.WriteNumber(m.Key, (long)m.Value);
                    else if (double.IsFinite(m.Value)) w.WriteNumber(m.Key, m.Value);
                    else w.WriteNull(m.Key);   // JSON has no NaN or infinity; a reader sees the failure as a null
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A human-readable table: one row per workload, its metrics, and its final loss.</summary>
    public static string ToTable(IEnumerable<WorkloadResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = new List<string[]> { new[] { "workload", "metric", "value", "final loss", "KiB alloc/run" } };
        foreach (var r in results)
        {
            var main = r.Metrics[^1];
            string settings = string.Join(", ", r.Metrics.Take(r.Metrics.Count - 1).Select(m => $"{m.Key}={m.Value.ToString(CultureInfo.InvariantCulture)}"));
            rows.Add([
                $"{r.Name} ({settings})",
                main.Key,
                FormatValue(main.Value),
                r.Measurement?.Loss is double l ? l.ToString("G6", CultureInfo.InvariantCulture) : "-",
                r.Measurement is { } m ? (m.AllocatedBytesPerRun / 1024.0).ToString("F0", CultureInfo.InvariantCulture) : "-",
            ]);
        }
        return Align(rows);
    }

    /// <summary>Reads a bench_torch.py-shaped JSON object: workload name to metric key to value (nulls dropped).</summary>
    public static Dictionary<string, Dictionary<string, double>> ReadJson(string json)
    {
        var result = new Dictionary<string, Dictionary<string, double>>();
        using var doc = JsonDocument.Parse(json);
        foreach (var workload in doc.RootElement.EnumerateObject())
        {
            var metrics = new Dictionary<string, double>();
            foreach (var metric in workload.Value.EnumerateObject())
                if (metric.Value.ValueKind == JsonValueKind.Number) metrics[metric.Name] = metric.Value.GetDouble();
            result[workload.Name] = metrics;
        }
        return result;
    }

    /// <summary>Reads several such files and keeps, for each metric, the median over the files that have it.</summary>
    public static Dictionary<string, Dictionary<string, double>> ReadMedian(IEnumerable<string> files)
    {
        var samples = new Dictionary<string, Dictionary<string, List<double>>>();
        foreach (string file in files)
        {
            string text = File.ReadAllText(file).Trim();
            // A peer's stdout may carry lines of its own before the JSON: the object is the last line that starts with '{'.
            string json = text.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{')) ?? text;
            foreach (var (workload, metrics) in ReadJson(json))
                foreach (var (key, value) in metrics)
                {
                    if (!samples.TryGetValue(workload, out var byKey)) samples[workload] = byKey = [];
                    if (!byKey.TryGetValue(key, out var list)) byKey[key] = list = [];
                    list.Add(value);
                }
        }
        return samples.ToDictionary(w => w.Key, w => w.Value.ToDictionary(m => m.Key, m => Timing.Median(m.Value)));
    }

    internal static string FormatValue(double value) =>
        Math.Abs(value) >= 1000 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 10 ? value.ToString("F1", CultureInfo.InvariantCulture)
        : value.ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>Columns padded to their widest cell, as a Markdown pipe table (readable as text too).</summary>
    internal static string Align(List<string[]> rows)
    {
        int columns = rows[0].Length;
        var widths = new int[columns];
        foreach (var row in rows)
            for (int c = 0; c < columns; c++) widths[c] = Math.Max(widths[c], row[c].Length);
        var sb = new StringBuilder();
        for (int r = 0; r < rows.Count; r++)
        {
            sb.Append('|');
            for (int c = 0; c < columns; c++) sb.Append(' ').Append(rows[r][c].PadRight(widths[c])).Append(" |");
            sb.Append('\n');
            if (r == 0)
            {
                sb.Append('|');
                for (int c = 0; c < columns; c++) sb.Append(new string('-', widths[c] + 2)).Append('|');
                sb.Append('\n');
            }
        }
        return sb.ToString();
    }
}
