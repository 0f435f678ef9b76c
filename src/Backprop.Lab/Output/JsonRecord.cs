using System.Collections;
using System.Globalization;
using System.Text;

namespace Backprop.Lab.Output;

/// <summary>
/// The record an experiment prints with --json: an ordered list of keys and values, written exactly as Python's
/// json.dumps writes a dict (", " and ": " separators, floats as repr prints them), so that a record equal to
/// lab_torch.py's is equal text too.
/// </summary>
internal sealed class JsonRecord : IEnumerable
{
    private readonly List<KeyValuePair<string, object?>> _fields = [];

    /// <summary>Adds a key; values are double, int, long, bool, string, null, JsonRecord, or a sequence of these.</summary>
    public void Add(string key, object? value) => _fields.Add(new(key, value));

    public object? this[string key] => _fields.First(f => f.Key == key).Value;

    public IEnumerable<string> Keys => _fields.Select(f => f.Key);

    IEnumerator IEnumerable.GetEnumerator() => _fields.GetEnumerator();

    public override string ToString()
    {
        var text = new StringBuilder();
        Write(text, this);
        return text.ToString();
    }

    private static void Write(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null: text.Append("null"); break;
            case bool b: text.Append(b ? "true" : "false"); break;
            case double d: text.Append(PythonFloat.Repr(d)); break;
            case float f: text.Append(PythonFloat.Repr(f)); break;
            case int i: text.Append(i.ToString(CultureInfo.InvariantCulture)); break;
            case long l: text.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case string s: WriteString(text, s); break;
            case JsonRecord record:
                text.Append('{');
                for (int k = 0; k < record._fields.Count; k++)
                {
                    if (k > 0) text.Append(", ");
                    WriteString(text, record._fields[k].Key);
                    text.Append(": ");
                    Write(text, record._fields[k].Value);
                }
                text.Append('}');
                break;
            case IEnumerable items:
                text.Append('[');
                bool first = true;
                foreach (var item in items)
                {
                    if (!first) text.Append(", ");
                    first = false;
                    Write(text, item);
                }
                text.Append(']');
                break;
            default: throw new ArgumentException($"JsonRecord: cannot write a {value.GetType().Name}");
        }
    }

    /// <summary>A JSON string with json.dumps' default escaping (ensure_ascii: every non-ASCII character as \uXXXX).</summary>
    private static void WriteString(StringBuilder text, string s)
    {
        text.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e) text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }
}

/// <summary>Python's repr of a float: the shortest digits that round-trip, laid out as CPython does.</summary>
internal static class PythonFloat
{
    public static string Repr(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "Infinity";
        if (double.IsNegativeInfinity(value)) return "-Infinity";
        if (value == 0) return double.IsNegative(value) ? "-0.0" : "0.0";

        // .NET's "R" gives the shortest round-trip digits; re-lay them out. value = 0.D × 10^decimalPoint.
        string r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        int exponent = 0;
        int e = r.IndexOf('E');
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        int dot = r.IndexOf('.');
        string digits = dot >= 0 ? r.Remove(dot, 1) : r;
        int decimalPoint = (dot >= 0 ? dot : r.Length) + exponent;
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') lead++;
        digits = digits[lead..].TrimEnd('0');
        decimalPoint -= lead;

        var text = new StringBuilder();
        if (value < 0) text.Append('-');
        // CPython's float_repr_style 'short': exponent notation when decpt <= -4 or decpt > 16.
        if (decimalPoint <= -4 || decimalPoint > 16)
        {
            text.Append(digits[0]);
            if (digits.Length > 1) text.Append('.').Append(digits, 1, digits.Length - 1);
            int exp = decimalPoint - 1;
            text.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decimalPoint <= 0)
            text.Append("0.").Append('0', -decimalPoint).Append(digits);
        else if (decimalPoint >= digits.Length)
            text.Append(digits).Append('0', decimalPoint - digits.Length).Append(".0");
        else
            text.Append(digits, 0, decimalPoint).Append('.').Append(digits, decimalPoint, digits.Length - decimalPoint);
        return text.ToString();
    }
}
