using System.Text;

namespace Backprop.Fuzz;

/// <summary>
/// Byte-level mutations, one to four per case, as AFL and libFuzzer make them: flip a bit, set a byte to a
/// boundary value or a format character, insert, delete or duplicate a run of bytes, truncate, append; and, for text
/// formats, replace a number with a boundary number.
/// </summary>
public static class Mutator
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, (byte)'"', (byte)'{', (byte)'}', (byte)'[',
        (byte)']', (byte)',', (byte)':', (byte)'-', (byte)'0', (byte)'9', (byte)'e', (byte)'\\', (byte)'\n', (byte)'\r', (byte)' ',
        0x1F, 0x8B, 0xEF, 0xBB, 0xBF, 0xD8, 0xDC];

    private static readonly string[] Numbers = ["-1", "0", "1", "2147483647", "2147483648", "4294967296", "9223372036854775807",
        "18446744073709551616", "1e999", "-0", "1.5", "nan", "inf", "-inf", "\"1\"", "null", "true", "[]", "{}", "1e-400", "00", "0x10",
        "\"x\\ud800\"", "99999999999999999999999"];

    public static byte[] Bytes(byte[] seed, Random random)
    {
        var data = new List<byte>(seed);
        int count = 1 + random.Next(4);
        for (int k = 0; k < count; k++) Mutate(data, random);
        return [.. data];
    }

    /// <summary>As <see cref="Bytes"/>, and half of the time a number in the text swapped for a boundary one first.</summary>
    public static byte[] Text(byte[] seed, Random random)
    {
        if (random.Next(2) == 0) return Bytes(seed, random);
        string text = Encoding.UTF8.GetString(seed);
        var numbers = System.Text.RegularExpressions.Regex.Matches(text, "-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
        if (numbers.Count > 0)
        {
            var m = numbers[random.Next(numbers.Count)];
            text = text[..m.Index] + Numbers[random.Next(Numbers.Length)] + text[(m.Index + m.Length)..];
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        return random.Next(2) == 0 ? bytes : Bytes(bytes, random);
    }

    private static void Mutate(List<byte> data, Random random)
    {
        int at = data.Count == 0 ? 0 : random.Next(data.Count);
        switch (random.Next(9))
        {
            case 0 when data.Count > 0: data[at] ^= (byte)(1 << random.Next(8)); break;
            case 1 when data.Count > 0: data[at] = Interesting[random.Next(Interesting.Length)]; break;
            case 2: data.Insert(at, Interesting[random.Next(Interesting.Length)]); break;
            case 3 when data.Count > 0: data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(8))); break;
            case 4 when data.Count > 0:
            {
                int length = Math.Min(data.Count - at, 1 + random.Next(16));
                data.InsertRange(random.Next(data.Count + 1), data.GetRange(at, length));
                break;
            }
            case 5: data.RemoveRange(at, data.Count - at); break;                                   // truncate
            case 6: for (int i = random.Next(1, 9); i > 0; i--) data.Add((byte)random.Next(256)); break;   // append
            case 7 when data.Count > 0: data[at] = (byte)random.Next(256); break;
            case 8 when data.Count >= 8:
            {
                // a little-endian or big-endian length field somewhere set to a boundary value
                int start = random.Next(data.Count - 3);
                uint value = random.Next(4) switch { 0 => 0u, 1 => uint.MaxValue, 2 => 0x7FFFFFFFu, _ => (uint)random.Next() };
                for (int i = 0; i < 4; i++) data[start + i] = (byte)(value >> (8 * i));
                break;
            }
            default: data.Add(Interesting[random.Next(Interesting.Length)]); break;
        }
    }
}
