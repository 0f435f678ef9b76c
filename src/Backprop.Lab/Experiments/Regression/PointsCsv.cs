using System.Globalization;
using Backprop.Lab.Cli;

namespace Backprop.Lab.Experiments.Regression;

/// <summary>
/// Reads x,y points as lab_torch.py does: csv.reader rows, skipping empty rows and rows whose first field starts with
/// "x" (the header), float() of the first two fields; extra fields are ignored. A bad row is an error naming its line.
/// </summary>
internal static class PointsCsv
{
    public static (double[] X, double[] Y) Read(string path)
    {
        string[] lines;
        if (Directory.Exists(path))
            throw new LabInputException($"--data: '{path}' is a folder; --data takes a CSV file of x,y rows");
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new LabInputException($"--data: cannot read '{path}': {e.Message}");
        }
        var xs = new List<double>();
        var ys = new List<double>();
        for (int n = 0; n < lines.Length; n++)
        {
            var fields = Fields(lines[n]);
            if (fields.Count == 0 || fields[0].StartsWith('x')) continue;
            if (fields.Count < 2)
                throw new LabInputException($"--data: {path}, line {n + 1}: expected two fields x,y, got '{lines[n]}'");
            for (int k = 0; k < 2; k++)
            {
                if (!Values.TryParseNumber(fields[k], out double v))
                    throw new LabInputException($"--data: {path}, line {n + 1}: '{fields[k]}' is not a number");
                (k == 0 ? xs : ys).Add(v);
            }
        }
        if (xs.Count == 0) throw new LabInputException($"--data: {path} has no x,y rows");
        return (xs.ToArray(), ys.ToArray());
    }

    /// <summary>One line's fields as Python's csv module splits them (commas, double-quoted fields with "" for a quote).</summary>
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        if (line.Length == 0) return fields;
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"' && field.Length == 0) quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }

    /// <summary>Writes points as the CSV this reader and lab_torch.py read (a header "x,y", then round-trip numbers).</summary>
    public static void Write(string path, IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("x,y");
        for (int i = 0; i < xs.Count; i++)
            writer.WriteLine($"{xs[i].ToString("R", CultureInfo.InvariantCulture)},{ys[i].ToString("R", CultureInfo.InvariantCulture)}");
    }
}
