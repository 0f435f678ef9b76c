using System.Globalization;
using System.Text;
using Backprop.Data;

namespace Backprop.Fuzz;

/// <summary>Mutated CSV files: Csv.Read (header detected, Float64 and Int64) agrees with <see cref="ReferenceCsv"/> or refuses by name.</summary>
public sealed class CsvFuzzTests
{
    public static IReadOnlyList<byte[]> Seeds() =>
    [
        .. new[]
        {
            "x,y\n1,2\n3.5,-4e-1\n",
            "1,2,3\n4,5,6\n",
            "\"a\",\"b \"\"q\"\"\"\n \"1\" ,2\n\n3,4\r\n",
            "nan,inf,-Infinity\n1e308,-0,+5\n",
            "a;b\n1;2\n",
            "\uFEFF\uFEFFt,u\n7,8\n",
            "  1 ,\t2\n3,4\n   \n",
            "h\n",
        }.Select(Encoding.UTF8.GetBytes),
        [0xEF, 0xBB, 0xBF, (byte)'1', (byte)',', (byte)'2', (byte)'\n'],
    ];

    [Fact]
    public void Mutated_files_load_as_an_independent_decoder_reads_them_or_are_refused_by_name()
        => FuzzRun.Run("csv", Seeds(), Mutator.Text, Check);

    public static FuzzRun.Outcome Check(byte[] bytes, string name)
    {
        // The same bytes twice: as doubles with ',' and as integers with the separator the file seems to use.
        char separator = bytes.Contains((byte)';') ? ';' : ',';
        var first = CheckOne(bytes, name, DType.Float64, ',');
        var second = CheckOne(bytes, name, DType.Int64, separator);
        return first == FuzzRun.Outcome.Loaded || second == FuzzRun.Outcome.Loaded ? FuzzRun.Outcome.Loaded : FuzzRun.Outcome.Refused;
    }

    private static FuzzRun.Outcome CheckOne(byte[] bytes, string name, DType dtype, char separator)
    {
        CsvTable loaded;
        try
        {
            using var reader = new StreamReader(new MemoryStream(bytes, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            loaded = Csv.Read(reader, hasHeader: null, dtype, separator, name);
        }
        catch (InvalidDataException e)
        {
            return FuzzRun.Refused(e, name);
        }
        using var again = new StreamReader(new MemoryStream(bytes, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var expected = ReferenceCsv.Decode(again.ReadToEnd(), dtype, separator)
            ?? throw new InvalidOperationException("the reader loaded a file that the independent decoder refuses");
        Assert.Equal(expected.Header, loaded.Header);
        Assert.Equal([expected.Rows, expected.Columns], loaded.Values.Shape.ToArray());
        Assert.Equal(expected.Bits, ReferenceSafeTensors.Bits(loaded.Values));
        return FuzzRun.Outcome.Loaded;
    }
}

/// <summary>
/// An independent reading of Csv's documented grammar, written as a character state machine over the whole text:
/// lines end at \n, \r\n or \r; byte-order marks at the start are skipped; blank lines are skipped; fields are split at
/// the separator, a field may be double-quoted ("" for a quote, spaces and tabs allowed around the quotes); numbers
/// in the invariant culture plus nan/inf/infinity; the first line is a header when a non-blank field is not a number;
/// every line has the first line's number of fields. Null for text the grammar refuses.
/// </summary>
public static class ReferenceCsv
{
    public static (IReadOnlyList<string>? Header, int Rows, int Columns, long[] Bits)? Decode(string text, DType dtype, char separator)
    {
        var lines = new List<string>();
        var current = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '\n' or '\r')
            {
                lines.Add(current.ToString());
                current.Clear();
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            }
            else current.Append(c);
        }
        if (current.Length > 0) lines.Add(current.ToString());
        if (lines.Count > 0) lines[0] = lines[0].TrimStart('\uFEFF');

        List<string>? header = null;
        var bits = new List<long>();
        int columns = -1, rows = 0;
        foreach (var line in lines)
        {
            if (line.All(char.IsWhiteSpace)) continue;
            var fields = Fields(line, separator);
            if (fields is null) return null;
            if (columns < 0)
            {
                columns = fields.Count;
                if (fields.Any(f => !f.All(char.IsWhiteSpace) && !Number(f, dtype, out _) && !Number(f, DType.Float64, out _)))
                {
                    header = fields.Select(f => f.Trim()).ToList();
                    continue;
                }
            }
            else if (fields.Count != columns) return null;
            foreach (var f in fields)
            {
                if (!Number(f, dtype, out long b)) return null;
                bits.Add(b);
            }
            rows++;
        }
        return (header, rows, Math.Max(columns, 0), bits.ToArray());
    }

    private static List<string>? Fields(string line, char separator)
    {
        var fields = new List<string>();
        int i = 0;
        while (true)
        {
            int j = i;
            while (j < line.Length && line[j] is ' ' or '\t' && line[j] != separator) j++;
            var field = new StringBuilder();
            if (j < line.Length && line[j] == '"')
            {
                j++;
                while (true)
                {
                    if (j >= line.Length) return null;                       // never closed
                    if (line[j] == '"' && j + 1 < line.Length && line[j + 1] == '"') { field.Append('"'); j += 2; }
                    else if (line[j] == '"') { j++; break; }
                    else field.Append(line[j++]);
                }
                while (j < line.Length && line[j] is ' ' or '\t' && line[j] != separator) j++;
                if (j < line.Length && line[j] != separator) return null;    // text after the closing quote
            }
            else
            {
                j = i;
                while (j < line.Length && line[j] != separator) field.Append(line[j++]);
            }
            fields.Add(field.ToString());
            if (j >= line.Length) return fields;
            i = j + 1;
        }
    }

    /// <summary>The field as the dtype's bits (float64 bits, or the integer).</summary>
    private static bool Number(string field, DType dtype, out long bits)
    {
        bits = 0;
        if (dtype == DType.Int64) return long.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out bits);
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            string s = field.Trim();
            double sign = 1;
            if (s.StartsWith('+') || s.StartsWith('-')) { sign = s[0] == '-' ? -1 : 1; s = s[1..]; }
            if (s.Equals("nan", StringComparison.OrdinalIgnoreCase)) v = double.NaN;
            else if (s.Equals("inf", StringComparison.OrdinalIgnoreCase) || s.Equals("infinity", StringComparison.OrdinalIgnoreCase)) v = sign * double.PositiveInfinity;
            else return false;
        }
        bits = BitConverter.DoubleToInt64Bits(v);
        return true;
    }
}
