using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Backprop;
using Backprop.IO;
using Backprop.NN;

namespace Backprop.Tests.IO;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>A safetensors file built by hand: the header JSON padded with spaces to a multiple of 8, then data.</summary>
    internal static byte[] Craft(string header, byte[] data, bool pad = true)
    {
        var json = Encoding.UTF8.GetBytes(header).ToList();
        while (pad && json.Count % 8 != 0) json.Add((byte)' ');
        var bytes = new byte[8 + json.Count + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Count);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Count);
        return bytes;
    }

    private static byte[] LittleEndian16(params ushort[] values)
    {
        var bytes = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        return bytes;
    }

    private static void AssertSameTensor(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        switch (expected.DType)
        {
            // Bit patterns, so NaN and -0.0 count.
            case DType.Float32: Assert.Equal(expected.ToArray<float>().Select(BitConverter.SingleToInt32Bits), actual.ToArray<float>().Select(BitConverter.SingleToInt32Bits)); break;
            case DType.Float64: Assert.Equal(expected.ToArray<double>().Select(BitConverter.DoubleToInt64Bits), actual.ToArray<double>().Select(BitConverter.DoubleToInt64Bits)); break;
            case DType.Int64: Assert.Equal(expected.ToArray<long>(), actual.ToArray<long>()); break;
            case DType.Bool: Assert.Equal(expected.ToArray<bool>(), actual.ToArray<bool>()); break;
        }
    }

    private static OrderedDictionary<string, Tensor> EveryKind() => new()
    {
        ["f32"] = Tensor.From(new[,] { { 1.5f, -0f, float.NaN }, { float.PositiveInfinity, float.Epsilon, -3.4e38f } }),
        ["f64"] = Tensor.From(new[] { Math.PI, -1e300, double.Epsilon, double.NegativeInfinity }),
        ["i64"] = Tensor.From(new[] { long.MinValue, long.MaxValue, 0, -5 }),
        ["mask"] = Tensor.From(new[] { true, false, true }),
        ["scalar"] = Tensor.From(2.5f),
        ["scalar.i64"] = Tensor.From(7L),
        ["empty"] = Tensor.Zeros(0, 3),
        ["empty.bool"] = Tensor.Zeros([2, 0], DType.Bool),
        ["cube"] = Tensor.From(Enumerable.Range(0, 24).Select(i => (double)i).ToArray(), 2, 3, 4),
    };

    [Fact]
    public void Every_writable_dtype_round_trips_bit_for_bit_with_its_shape_in_order()
    {
        var tensors = EveryKind();
        string path = PathOf("all.safetensors");
        SafeTensors.Save(path, tensors);
        var loaded = SafeTensors.Load(path);
        Assert.Equal(tensors.Keys, loaded.Keys);
        foreach (var (name, t) in tensors) AssertSameTensor(t, loaded[name]);
    }

    [Fact]
    public void Non_contiguous_tensors_are_written_in_row_major_order()
    {
        var source = Tensor.From(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 3, 4);
        var tensors = new Dictionary<string, Tensor>
        {
            ["transposed"] = source.T,                       // [4, 3]
            ["strided"] = source.Slice(1, 0, 4, step: 2),    // [3, 2]
            ["expanded"] = Tensor.From(new[] { 1L, 2L }).Unsqueeze(0).Expand(3, 2),
            ["row"] = source.Select(0, 2),                   // offset view
        };
        string path = PathOf("views.safetensors");
        SafeTensors.Save(path, tensors);
        var loaded = SafeTensors.Load(path);
        TensorAssert.Close([4, 3], [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11], loaded["transposed"]);
        TensorAssert.Close([3, 2], [0, 2, 4, 6, 8, 10], loaded["strided"]);
        Assert.Equal([1L, 2, 1, 2, 1, 2], loaded["expanded"].ToArray<long>());
        TensorAssert.Close([4], [8, 9, 10, 11], loaded["row"]);
        Assert.True(loaded["transposed"].IsContiguous);
    }

    [Fact]
    public void The_file_layout_is_the_reference_one()
    {
        string path = PathOf("layout.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = Tensor.From(new[] { 1f, -2f }), ["b"] = Tensor.From(3L) },
            new Dictionary<string, string> { ["format"] = "pt" });
        var bytes = File.ReadAllBytes(path);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + n) % 8);                                  // padded so the data starts 8-byte aligned
        Assert.Equal(8 + n + 8 + 8, bytes.Length);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.Equal(header.TrimEnd(' '), header.TrimEnd(' ').Trim());  // padding is trailing spaces only
        using var doc = JsonDocument.Parse(header);
        Assert.Equal("pt", doc.RootElement.GetProperty("__metadata__").GetProperty("format").GetString());
        var a = doc.RootElement.GetProperty("a");
        Assert.Equal("F32", a.GetProperty("dtype").GetString());
        Assert.Equal("[2]", a.GetProperty("shape").GetRawText());
        Assert.Equal("[0,8]", a.GetProperty("data_offsets").GetRawText());
        var b = doc.RootElement.GetProperty("b");
        Assert.Equal("I64", b.GetProperty("dtype").GetString());
        Assert.Equal("[]", b.GetProperty("shape").GetRawText());
        Assert.Equal("[8,16]", b.GetProperty("data_offsets").GetRawText());
        var data = bytes.AsSpan((int)(8 + n));
        Assert.Equal(1f, BinaryPrimitives.ReadSingleLittleEndian(data));
        Assert.Equal(-2f, BinaryPrimitives.ReadSingleLittleEndian(data[4..]));
        Assert.Equal(3L, BinaryPrimitives.ReadInt64LittleEndian(data[8..]));
    }

    [Fact]
    public void Metadata_round_trips_and_is_empty_when_absent()
    {
        string path = PathOf("meta.safetensors");
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\" + <tags>" };
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Ones(2) }, metadata);
        var (tensors, read) = SafeTensors.LoadWithMetadata(path);
        Assert.Equal(metadata, read);
        Assert.Single(tensors);
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Ones(2) });
        Assert.Empty(SafeTensors.LoadWithMetadata(path).Metadata);
    }

    [Fact]
    public void An_empty_dictionary_round_trips()
    {
        string path = PathOf("nothing.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor>());
        Assert.Empty(SafeTensors.Load(path));
        Assert.Equal(16, new FileInfo(path).Length);   // 8-byte length + "{}" padded to 8
    }

    [Fact]
    public void Streams_round_trip_too()
    {
        using var stream = new MemoryStream();
        SafeTensors.Save(stream, EveryKind(), new Dictionary<string, string> { ["k"] = "v" });
        stream.Position = 0;
        var (tensors, metadata) = SafeTensors.LoadWithMetadata(stream);
        Assert.Equal("v", metadata["k"]);
        foreach (var (name, t) in EveryKind()) AssertSameTensor(t, tensors[name]);
    }

    [Fact]
    public void F16_values_are_read_exactly_as_Float32()
    {
        // IEEE half bit patterns: 1.0, -2.5, 65504 (max), 2^-24 (smallest subnormal), -inf, NaN, -0.0, 0.099975586 (0.1 rounded).
        var data = LittleEndian16(0x3C00, 0xC100, 0x7BFF, 0x0001, 0xFC00, 0x7E00, 0x8000, 0x2E66);
        string path = PathOf("f16.safetensors");
        File.WriteAllBytes(path, Craft("""{"h":{"dtype":"F16","shape":[2,4],"data_offsets":[0,16]}}""", data));
        var t = SafeTensors.Load(path)["h"];
        Assert.Equal(DType.Float32, t.DType);
        TensorAssert.Shape([2, 4], t);
        var v = t.ToArray<float>();
        Assert.Equal([1f, -2.5f, 65504f, MathF.Pow(2, -24), float.NegativeInfinity], v[..5]);
        Assert.True(float.IsNaN(v[5]));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(v[6]));
        Assert.Equal(0.0999755859375f, v[7]);   // 1638 / 2^14
    }

    [Fact]
    public void BF16_values_are_read_exactly_as_Float32()
    {
        // bfloat16 = the top 16 bits of a float32: 1.0, -2.5, 3.3895314e38 (max), 2^-133 (smallest subnormal).
        var data = LittleEndian16(0x3F80, 0xC020, 0x7F7F, 0x0001);
        string path = PathOf("bf16.safetensors");
        File.WriteAllBytes(path, Craft("""{"b":{"dtype":"BF16","shape":[4],"data_offsets":[0,8]}}""", data));
        var v = SafeTensors.Load(path)["b"].ToArray<float>();
        Assert.Equal([1f, -2.5f, BitConverter.Int32BitsToSingle(0x7F7F0000), BitConverter.Int32BitsToSingle(0x00010000)], v);
        Assert.Equal(3.3895313892515355e38, v[2]);
    }

    [Fact]
    public void Narrow_integer_dtypes_are_read_as_Int64()
    {
        var data = new List<byte>();
        data.AddRange(BitConverter.GetBytes(int.MinValue)); data.AddRange(BitConverter.GetBytes(int.MaxValue));   // I32 [0, 8)
        data.AddRange(BitConverter.GetBytes(uint.MaxValue));                                                         // U32 [8, 12)
        data.AddRange(BitConverter.GetBytes(short.MinValue));                                                        // I16 [12, 14)
        data.AddRange(BitConverter.GetBytes(ushort.MaxValue));                                                       // U16 [14, 16)
        data.AddRange([0x80, 0xFF]);                                                                                 // I8 [16, 18)
        data.AddRange([0xFF, 0x00]);                                                                                 // U8 [18, 20)
        string header = """
            {"i32":{"dtype":"I32","shape":[2],"data_offsets":[0,8]},"u32":{"dtype":"U32","shape":[1],"data_offsets":[8,12]},
             "i16":{"dtype":"I16","shape":[1],"data_offsets":[12,14]},"u16":{"dtype":"U16","shape":[1],"data_offsets":[14,16]},
             "i8":{"dtype":"I8","shape":[2],"data_offsets":[16,18]},"u8":{"dtype":"U8","shape":[2],"data_offsets":[18,20]}}
            """;
        string path = PathOf("ints.safetensors");
        File.WriteAllBytes(path, Craft(header, [.. data]));
        var t = SafeTensors.Load(path);
        Assert.All(t.Values, x => Assert.Equal(DType.Int64, x.DType));
        Assert.Equal([(long)int.MinValue, int.MaxValue], t["i32"].ToArray<long>());
        Assert.Equal([(long)uint.MaxValue], t["u32"].ToArray<long>());
        Assert.Equal([(long)short.MinValue], t["i16"].ToArray<long>());
        Assert.Equal([65535L], t["u16"].ToArray<long>());
        Assert.Equal([-128L, -1], t["i8"].ToArray<long>());
        Assert.Equal([255L, 0], t["u8"].ToArray<long>());
    }

    [Fact]
    public void Tensors_load_in_header_order_whatever_the_data_order()
    {
        var data = new byte[12];
        BinaryPrimitives.WriteSingleLittleEndian(data, 1f);                   // "z" at [0, 4)
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(4), 42);          // "a" at [4, 12)
        string path = PathOf("order.safetensors");
        File.WriteAllBytes(path, Craft("""{"a":{"dtype":"I64","shape":[],"data_offsets":[4,12]},"z":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", data));
        var t = SafeTensors.Load(path);
        Assert.Equal(["a", "z"], t.Keys);
        Assert.Equal(42, t["a"].Item<long>());
        Assert.Equal(1f, t["z"].Item<float>());
    }

    private string[] LeftoverTempFiles() => Directory.GetFiles(_dir, "*.tmp");

    [Fact]
    public void A_refused_save_leaves_the_previous_file_intact_and_no_temporary_file()
    {
        string path = PathOf("model.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Ones(3) });
        var before = File.ReadAllBytes(path);
        var ex = Assert.Throws<ArgumentException>(() =>
            SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Zeros(3), ["__metadata__"] = Tensor.Zeros(1) }));
        Assert.Contains("reserved", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Empty(LeftoverTempFiles());
    }

    [Fact]
    public void A_write_that_fails_midway_leaves_the_previous_file_intact_and_no_temporary_file()
    {
        string path = PathOf("model.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Ones(3) });
        var before = File.ReadAllBytes(path);
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[4096]);
            throw new IOException("disk full (simulated)");
        }));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Empty(LeftoverTempFiles());
    }

    [Fact]
    public void A_rename_that_fails_removes_the_temporary_file()
    {
        string path = PathOf("a-directory");
        Directory.CreateDirectory(path);
        Assert.ThrowsAny<Exception>(() => SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Ones(3) }));
        Assert.True(Directory.Exists(path));
        Assert.Empty(LeftoverTempFiles());
    }

    [Fact]
    public void A_successful_save_replaces_the_file_and_leaves_no_temporary_file()
    {
        string path = PathOf("model.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Ones(3) });
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Full([3], 2) });
        TensorAssert.Close([2, 2, 2], SafeTensors.Load(path)["w"]);
        Assert.Single(Directory.GetFiles(_dir));
    }

    private sealed class Inner : Module
    {
        public Inner(float scale)
        {
            RegisterParameter("scale", new Parameter(Tensor.From(new[] { scale, -scale })));
            RegisterBuffer("count", Tensor.From(new[] { (long)scale }));
        }
    }

    private sealed class Tiny : Module
    {
        public Tiny(float seed)
        {
            RegisterParameter("weight", new Parameter(Tensor.From(new[,] { { seed, 2 * seed }, { 3 * seed, 4 * seed } })));
            RegisterParameter("bias", null);
            RegisterBuffer("scratch", Tensor.Full([2], seed), persistent: false);
            RegisterModule("inner", new Inner(seed));
        }
    }

    [Fact]
    public void A_module_state_dict_round_trips_by_dotted_name()
    {
        string path = PathOf("tiny.safetensors");
        var saved = new Tiny(1.5f);
        SafeTensors.SaveModule(saved, path);
        Assert.Equal(["weight", "inner.scale", "inner.count"], SafeTensors.Load(path).Keys);

        var loaded = new Tiny(-7f);
        var result = SafeTensors.LoadModule(loaded, path);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        foreach (var (name, t) in saved.StateDict()) AssertSameTensor(t, loaded.StateDict()[name]);
        TensorAssert.Close([-7, -7], loaded.Buffers().First());   // non-persistent buffers are not saved
        Assert.True(loaded.Parameters().All(p => p.RequiresGrad));
    }

    [Fact]
    public void Loading_a_file_that_lacks_a_key_is_strict_by_default()
    {
        string path = PathOf("partial.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["weight"] = Tensor.Ones(2, 2), ["extra"] = Tensor.Ones(1) });
        var ex = Assert.Throws<ArgumentException>(() => SafeTensors.LoadModule(new Tiny(1), path));
        Assert.Contains("Missing key(s) in state_dict: \"inner.scale\", \"inner.count\".", ex.Message);
        Assert.Contains("Unexpected key(s) in state_dict: \"extra\".", ex.Message);
        var module = new Tiny(1);
        var result = SafeTensors.LoadModule(module, path, strict: false);
        Assert.Equal(["inner.scale", "inner.count"], result.MissingKeys);
        Assert.Equal(["extra"], result.UnexpectedKeys);
        TensorAssert.Close([1, 1, 1, 1], module.StateDict()["weight"]);
    }
}
