using System.Globalization;
using System.Text;

namespace Backprop.Data;

/// <summary>A table read by <see cref="Csv.Read(string, bool?, DType, char)"/>: the values as a 2-D tensor [rows, columns] and the header, if any.</summary>
/// <param name="Values">The numbers, one tensor row per data line.</param>
/// <param name="Header">The column names from the header line, or null when the file has none.</param>
public sealed record CsvTable(Tensor Values, IReadOnlyList<string>? Header);

/// <summary>
/// Reads delimited text of numbers into a 2-D tensor: one row per non-blank line, the same number of fields on
/// every line, numbers in the invariant culture ("1.5", "-2e-3", "nan", "inf"); fields may be double-quoted
/// (with "" for a quote). Errors name the source, the line and the column. Like numpy.loadtxt / pandas.read_csv
/// followed by torch.tensor.
/// </summary>
public static class Csv
{
    /// <summary>
    /// Reads the file at path. hasHeader: true, false, or null to detect it (the first line is a header when one of
    /// its fields is text that is not a number; an empty field is a missing number, not a column name). Byte-order
    /// marks at the start of the file are skipped, however many there are. dtype: the tensor's dtype (Float32, Float64, Int64, or Bool from true/false/1/0).
    /// </summary>
    public static CsvTable Read(string path, bool? hasHeader = null, DType dtype = DType.Float32, char separator = ',')
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, hasHeader, dtype, separator, path);
    }

    /// <summary>As <see cref="Read(string, bool?, DType, char)"/>, from a reader; name is used in error messages.</summary>
    public static CsvTable Read(TextReader reader, bool? hasHeader = null, DType dtype = DType.Float32, char separator = ',', string name = "<input>")
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (separator is '"' or '\n' or '\r')
            throw new ArgumentException($"Csv.Read: the separator can't be {(separator == '"' ? "a quote" : "a line break")}");
        return dtype switch
        {
            DType.Float32 => Read<float>(reader, hasHeader, separator, name, TryParseFloat, "a number"),
            DType.Float64 => Read<double>(reader, hasHeader, separator, name, TryParseDouble, "a number"),
            DType.Int64 => Read<long>(reader, hasHeader, separator, name, TryParseLong, "an integer"),
            DType.Bool => Read<bool>(reader, hasHeader, separator, name, TryParseBool, "a boolean (true, false, 1 or 0)"),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Csv.Read: unknown dtype"),
        };
    }

    private delegate bool FieldParser<T>(string field, out T value);

    private static CsvTable Read<T>(TextReader reader, bool? hasHeader, char separator, string name, FieldParser<T> parse, string kind)
        where T : unmanaged
    {
        var values = new List<T>();
        List<string>? header = null;
        int columns = -1, firstLine = 0, rows = 0, lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            // StreamReader drops one byte-order mark; a file written twice over (or a TextReader) can start with more.
            if (lineNumber == 1) line = line.TrimStart('\uFEFF');
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = SplitLine(line, separator, name, lineNumber);
            if (columns < 0)
            {
                columns = fields.Count;
                firstLine = lineNumber;
                // A header is a line with a field of text that is not a number at all: a line of numbers that merely do
                // not fit the dtype ("2.5" for Int64) is data, and so is a line with an empty field ("1,,3"): both fail
                // below with their line and column instead of silently becoming column names.
                bool isHeader = hasHeader ?? !fields.TrueForAll(f => string.IsNullOrWhiteSpace(f) || parse(f, out _) || TryParseDouble(f, out _));
                if (isHeader)
                {
                    header = fields.ConvertAll(f => f.Trim());
                    continue;
                }
            }
            else if (fields.Count != columns)
            {
                throw new InvalidDataException(
                    $"{name} line {lineNumber}: expected {columns} fields (as in line {firstLine}) but found {fields.Count}");
            }
            for (int c = 0; c < fields.Count; c++)
            {
                if (!parse(fields[c], out var v))
                    throw new InvalidDataException($"{name} line {lineNumber}, column {c + 1}: '{fields[c]}' is not {kind}");
                values.Add(v);
            }
            rows++;
        }
        return new CsvTable(Tensor.Wrap(values.ToArray(), [rows, Math.Max(columns, 0)]), header);
    }

    /// <summary>The fields of one line: separated by separator, each optionally double-quoted with "" as an escaped quote.</summary>
    private static List<string> SplitLine(string line, char separator, string name, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            int start = i;
            while (i < line.Length && line[i] is ' ' or '\t' && line[i] != separator) i++;
            if (i < line.Length && line[i] == '"')
            {
                int open = i++;
                while (true)
                {
                    if (i >= line.Length)
                        throw new InvalidDataException($"{name} line {lineNumber}, column {fields.Count + 1}: the quote at character {open + 1} is never closed");
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                while (i < line.Length && line[i] is ' ' or '\t' && line[i] != separator) i++;
                if (i < line.Length && line[i] != separator)
                    throw new InvalidDataException($"{name} line {lineNumber}, column {fields.Count + 1}: unexpected '{line[i]}' after a closing quote");
            }
            else
            {
                i = start;
                while (i < line.Length && line[i] != separator) field.Append(line[i++]);
            }
            fields.Add(field.ToString());
            if (i >= line.Length) return fields;
            i++;   // past the separator
        }
    }

    private const NumberStyles FloatStyle = NumberStyles.Float;

    private static bool TryParseDouble(string field, out double value)
    {
        if (double.TryParse(field, FloatStyle, CultureInfo.InvariantCulture, out value)) return true;
        return TryParseSpecial(field, out value);
    }

    // float.Parse rounds the decimal once, straight to float32 (parsing to double first could round twice).
    private static bool TryParseFloat(string field, out float value)
    {
        if (float.TryParse(field, FloatStyle, CultureInfo.InvariantCulture, out value)) return true;
        bool ok = TryParseSpecial(field, out double special);
        value = (float)special;
        return ok;
    }

    /// <summary>The spellings Python's float() and NumPy accept for the non-finite values: nan, inf, infinity, any case, signed.</summary>
    private static bool TryParseSpecial(string field, out double value)
    {
        var s = field.AsSpan().Trim();
        int sign = 1;
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            sign = s[0] == '-' ? -1 : 1;
            s = s[1..];
        }
        value = s.Equals("nan", StringComparison.OrdinalIgnoreCase) ? double.NaN
            : s.Equals("inf", StringComparison.OrdinalIgnoreCase) || s.Equals("infinity", StringComparison.OrdinalIgnoreCase) ? sign * double.PositiveInfinity
            : 0;
        return value != 0 || double.IsNaN(value);
    }

    private static bool TryParseLong(string field, out long value) =>
        long.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    private static bool TryParseBool(string field, out bool value)
    {
        var s = field.AsSpan().Trim();
        value = s is "1" || s.Equals("true", StringComparison.OrdinalIgnoreCase);
        return value || s is "0" || s.Equals("false", StringComparison.OrdinalIgnoreCase);
    }
}
