using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Backprop.IO;

namespace Backprop.Fuzz;

/// <summary>Mutated safetensors files: SafeTensors.LoadWithMetadata agrees with <see cref="ReferenceSafeTensors"/> or refuses by name.</summary>
public sealed class SafeTensorsFuzzTests
{
    private static byte[] Saved(Dictionary<string, Tensor> tensors, Dictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        SafeTensors.Save(stream, tensors, metadata);
        return stream.ToArray();
    }

    private static byte[] Crafted(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    public static IReadOnlyList<byte[]> Seeds() =>
    [
        Saved(new() { ["w"] = Tensor.From(new[,] { { 1.5f, -2f }, { float.NaN, 0.25f } }), ["b"] = Tensor.From(new[] { 1.0, -1e300 }) },
            new() { ["format"] = "pt" }),
        Saved(new() { ["i"] = Tensor.From(new[] { long.MinValue, 7L, -1L }), ["m"] = Tensor.From(new[] { true, false, true }), ["s"] = Tensor.From(3f) }),
        Saved(new() { ["empty"] = Tensor.Zeros(0, 3), ["x"] = Tensor.Ones(2, 1, 2) }),
        Crafted("""{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]},"u":{"dtype":"U8","shape":[2],"data_offsets":[6,8]}}""",
            [0x00, 0x3C, 0x00, 0xC0, 0x80, 0x3F, 200, 7]),
        Crafted("""{"__metadata__":{"a":"b","c":"d"},"q":{"dtype":"I32","shape":[1,2],"data_offsets":[0,8]},"r":{"dtype":"I16","shape":[],"data_offsets":[8,10]},"t":{"dtype":"U32","shape":[1],"data_offsets":[10,14]},"v":{"dtype":"I8","shape":[2],"data_offsets":[14,16]},"z":{"dtype":"U16","shape":[1],"data_offsets":[16,18]}}""",
            [1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x34, 0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0x7F, 0xFF, 0xFF]),
        Crafted("""{}""", []),
    ];

    [Fact]
    public void Mutated_files_load_as_an_independent_decoder_reads_them_or_are_refused_by_name()
        => FuzzRun.Run("safetensors", Seeds(), Mutator.Text, Check);

    public static FuzzRun.Outcome Check(byte[] bytes, string name)
    {
        (OrderedDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) loaded;
        try
        {
            loaded = SafeTensors.LoadWithMetadata(new MemoryStream(bytes, writable: false), name);
        }
        catch (InvalidDataException e)
        {
            return FuzzRun.Refused(e, name);
        }
        var expected = ReferenceSafeTensors.Decode(bytes)
            ?? throw new InvalidOperationException("the reader loaded a file that the format forbids (the independent decoder refuses it)");
        Assert.Equal(expected.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal), loaded.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Tensors.Select(t => t.Name), loaded.Tensors.Keys);
        foreach (var t in expected.Tensors)
        {
            var actual = loaded.Tensors[t.Name];
            Assert.Equal(t.Shape, actual.Shape.ToArray());
            Assert.Equal(t.Kind, actual.DType);
            Assert.Equal(t.Bits, ReferenceSafeTensors.Bits(actual));
        }
        return FuzzRun.Outcome.Loaded;
    }
}

/// <summary>
/// An independent safetensors decoder (System.Text.Json.Nodes, not the library's reader), following the format's
/// rules as the reference implementation states them: header length within the file and at most 100 MB, a JSON object
/// of entries {dtype, shape, data_offsets} and an optional "__metadata__" object of strings, no key twice, shapes of
/// at most 64 dims (Backprop's documented limit), byte sizes equal to the offset span, offsets tiling the data.
/// Returns null for a file the format forbids.
/// </summary>
public static class ReferenceSafeTensors
{
    public sealed record Decoded(string Name, int[] Shape, DType Kind, long[] Bits);

    private static readonly Dictionary<string, int> Sizes = new()
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2, ["I64"] = 8, ["I32"] = 4, ["U32"] = 4, ["I16"] = 2, ["U16"] = 2, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    public static (List<Decoded> Tensors, Dictionary<string, string> Metadata)? Decode(byte[] file)
    {
        if (file.Length < 8) return null;
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (n > 100_000_000 || n > (ulong)(file.Length - 8) || n == 0 || file[8] != (byte)'{') return null;
        JsonObject root;
        try
        {
            root = JsonNode.Parse(file.AsSpan(8, (int)n))!.AsObject();
            _ = root.Count;   // materialises the properties: a key given twice throws here
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or InvalidOperationException) { return null; }
        long dataStart = 8 + (long)n, dataLength = file.Length - dataStart;
        var metadata = new Dictionary<string, string>();
        var entries = new List<(string Name, string DType, int[] Shape, long Begin, long End)>();
        try
        {
            foreach (var (key, value) in root)
            {
                if (key == "__metadata__")
                {
                    if (value is not JsonObject meta) return null;
                    foreach (var (k, v) in meta)
                    {
                        if (v is not JsonValue s || s.GetValueKind() != System.Text.Json.JsonValueKind.String) return null;
                        metadata[k] = s.GetValue<string>();
                    }
                    continue;
                }
                if (value is not JsonObject info) return null;
                _ = info.Count;
                if (info["dtype"] is not JsonValue dt || dt.GetValueKind() != System.Text.Json.JsonValueKind.String) return null;
                string dtype = dt.GetValue<string>();
                if (!Sizes.TryGetValue(dtype, out int size)) return null;
                if (info["shape"] is not JsonArray shapeArray || shapeArray.Count > 64) return null;
                var shape = new int[shapeArray.Count];
                decimal numel = 1;
                for (int d = 0; d < shape.Length; d++)
                {
                    if (shapeArray[d] is not JsonValue sv || sv.GetValueKind() != System.Text.Json.JsonValueKind.Number || !sv.TryGetValue(out shape[d]) || shape[d] < 0)
                        return null;
                    numel = Math.Min(numel * shape[d], (decimal)long.MaxValue);
                }
                if (numel > Array.MaxLength) return null;
                if (info["data_offsets"] is not JsonArray offsets || offsets.Count != 2) return null;
                if (offsets[0] is not JsonValue b || offsets[1] is not JsonValue e
                    || b.GetValueKind() != System.Text.Json.JsonValueKind.Number || e.GetValueKind() != System.Text.Json.JsonValueKind.Number
                    || !b.TryGetValue(out long begin) || !e.TryGetValue(out long end) || begin < 0 || end < begin || end - begin != (long)numel * size)
                    return null;
                entries.Add((key, dtype, shape, begin, end));
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException) { return null; }
        long cursor = 0;
        foreach (var entry in entries.OrderBy(x => x.Begin).ThenBy(x => x.End))
        {
            if (entry.Begin != cursor || entry.End > dataLength) return null;
            cursor = entry.End;
        }
        if (cursor != dataLength) return null;
        var tensors = entries.Select(x => Read(x.Name, x.DType, x.Shape, file.AsSpan((int)(dataStart + x.Begin), (int)(x.End - x.Begin)))).ToList();
        return (tensors, metadata);
    }

    private static Decoded Read(string name, string dtype, int[] shape, ReadOnlySpan<byte> data)
    {
        int size = Sizes[dtype], count = data.Length / size;
        var bits = new long[count];
        DType kind = dtype switch { "F64" => DType.Float64, "F32" or "F16" or "BF16" => DType.Float32, "BOOL" => DType.Bool, _ => DType.Int64 };
        for (int i = 0; i < count; i++)
        {
            var at = data.Slice(i * size, size);
            bits[i] = dtype switch
            {
                "F64" => BinaryPrimitives.ReadInt64LittleEndian(at),
                "F32" => BinaryPrimitives.ReadInt32LittleEndian(at),
                "F16" => BitConverter.SingleToInt32Bits((float)BinaryPrimitives.ReadHalfLittleEndian(at)),
                "BF16" => BinaryPrimitives.ReadUInt16LittleEndian(at) << 16,
                "I64" => BinaryPrimitives.ReadInt64LittleEndian(at),
                "I32" => BinaryPrimitives.ReadInt32LittleEndian(at),
                "U32" => BinaryPrimitives.ReadUInt32LittleEndian(at),
                "I16" => BinaryPrimitives.ReadInt16LittleEndian(at),
                "U16" => BinaryPrimitives.ReadUInt16LittleEndian(at),
                "I8" => (sbyte)at[0],
                "U8" => at[0],
                _ => at[0] != 0 ? 1 : 0,
            };
        }
        return new Decoded(name, shape, kind, bits);
    }

    /// <summary>A tensor's values as bit patterns: float32 bits, float64 bits, integers, bools as 0/1.</summary>
    public static long[] Bits(Tensor t) => t.DType switch
    {
        DType.Float32 => t.ToArray<float>().Select(v => (long)BitConverter.SingleToInt32Bits(v)).ToArray(),
        DType.Float64 => t.ToArray<double>().Select(BitConverter.DoubleToInt64Bits).ToArray(),
        DType.Bool => t.ToArray<bool>().Select(v => v ? 1L : 0L).ToArray(),
        _ => t.ToArray<long>(),
    };
}
