using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Backprop;

namespace Backprop.Tests.RandomStreams;

/// <summary>
/// PyTorch 1.13's random streams from tests/reference/random_reference.py (Reference/random_streams.json).
/// A "result" holds float32 values as bit patterns, float64 as round-trip decimals, int64 as integers, bool masks as
/// '0'/'1' strings, and results of more than 100 elements as a SHA-256 of their little-endian bytes plus both ends.
/// "state" is the first 16 hex digits of the SHA-256 of torch.get_rng_state() after the call.
/// </summary>
internal static class StreamReference
{
    public static readonly JsonElement Root = Load();

    private static JsonElement Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Reference", "random_streams.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    /// <summary>A case's id: its kind and parameters, unique in the file, readable in test names.</summary>
    public static string Id(JsonElement c)
    {
        var parts = new List<string>();
        foreach (var p in c.EnumerateObject())
            if (p.Name is not ("result" or "state" or "generator_state"))
                parts.Add(p.Name == "kind" ? p.Value.GetString()! : $"{p.Name}={p.Value.GetRawText()}");
        return string.Join(" ", parts);
    }

    private static readonly Dictionary<string, JsonElement> ById = BuildIndex();

    private static Dictionary<string, JsonElement> BuildIndex()
    {
        var index = new Dictionary<string, JsonElement>();
        foreach (var c in Root.GetProperty("cases").EnumerateArray()) index.Add(Id(c), c);
        return index;
    }

    public static JsonElement Case(string id) => ById[id];

    /// <summary>The ids of every case of the given kinds, as xunit theory rows.</summary>
    public static TheoryData<string> Ids(params string[] kinds)
    {
        var data = new TheoryData<string>();
        foreach (var c in Root.GetProperty("cases").EnumerateArray())
            if (kinds.Contains(c.GetProperty("kind").GetString())) data.Add(Id(c));
        return data;
    }

    public static DType DTypeOf(JsonElement c) => c.GetProperty("dtype").GetString() switch
    {
        "float32" => DType.Float32,
        "float64" => DType.Float64,
        "int64" => DType.Int64,
        "bool" => DType.Bool,
        var other => throw new ArgumentException(other),
    };

    /// <summary>The first 16 hex digits of the SHA-256 of a generator's state bytes (torch's layout).</summary>
    public static string StateTag(Generator g) => Convert.ToHexStringLower(SHA256.HashData(g.GetState()))[..16];

    /// <summary>Asserts the tensor holds exactly the recorded result: dtype, shape and every bit of every element.</summary>
    public static void Exact(JsonElement expected, Tensor actual, string what = "")
    {
        var dtype = DTypeOf(expected);
        Assert.True(dtype == actual.DType, $"{what}: dtype {actual.DType}, expected {dtype}");
        var shape = expected.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        Assert.True(shape.SequenceEqual(actual.ShapeArray), $"{what}: shape {Shapes.Format(actual.ShapeArray)}, expected {Shapes.Format(shape)}");
        if (expected.TryGetProperty("mask", out var mask))
        {
            var bits = string.Concat(actual.Contiguous().ToArray<bool>().Select(b => b ? '1' : '0'));
            Assert.Equal(mask.GetString(), bits);
            return;
        }
        var values = Words(actual);
        if (expected.TryGetProperty("values", out var all))
        {
            AssertWords(all, values, 0, dtype, what);
            return;
        }
        AssertWords(expected.GetProperty("head"), values, 0, dtype, what + " head");
        AssertWords(expected.GetProperty("tail"), values, values.Length - 5, dtype, what + " tail");
        var bytes = actual.DType switch
        {
            DType.Float32 => MemoryMarshal.AsBytes<float>(actual.Contiguous().ToArray<float>()).ToArray(),
            DType.Float64 => MemoryMarshal.AsBytes<double>(actual.Contiguous().ToArray<double>()).ToArray(),
            _ => MemoryMarshal.AsBytes<long>(actual.Contiguous().ToArray<long>()).ToArray(),
        };
        Assert.Equal(expected.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>Each element as an exact 64-bit word: float32 bits, float64 bits, or the integer.</summary>
    private static long[] Words(Tensor t) => t.DType switch
    {
        DType.Float32 => t.Contiguous().ToArray<float>().Select(v => (long)BitConverter.SingleToUInt32Bits(v)).ToArray(),
        DType.Float64 => t.Contiguous().ToArray<double>().Select(BitConverter.DoubleToInt64Bits).ToArray(),
        _ => t.Contiguous().ToArray<long>(),
    };

    private static void AssertWords(JsonElement expected, long[] actual, int offset, DType dtype, string what)
    {
        Assert.True(actual.Length >= offset + expected.GetArrayLength(), $"{what}: {actual.Length} elements, expected more");
        for (int i = 0; i < expected.GetArrayLength(); i++)
        {
            var e = expected[i];
            long want = dtype == DType.Float64 ? BitConverter.DoubleToInt64Bits(e.GetDouble()) : e.GetInt64();
            if (want != actual[offset + i])
                Assert.Fail($"{what}: element {offset + i} differs: expected {e.GetRawText()}, got {Show(actual[offset + i], dtype)}");
        }
    }

    private static string Show(long word, DType dtype) => dtype switch
    {
        DType.Float32 => $"{word} ({BitConverter.UInt32BitsToSingle((uint)word).ToString("R", CultureInfo.InvariantCulture)})",
        DType.Float64 => BitConverter.Int64BitsToDouble(word).ToString("R", CultureInfo.InvariantCulture),
        _ => word.ToString(CultureInfo.InvariantCulture),
    };
}
