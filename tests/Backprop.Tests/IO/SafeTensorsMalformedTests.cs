using System.Buffers.Binary;
using Backprop.IO;

namespace Backprop.Tests.IO;

public sealed class SafeTensorsMalformedTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-safetensors-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Craft(string header, byte[] data, bool pad = true) => SafeTensorsTests.Craft(header, data, pad);

    /// <summary>Writes the bytes, loads them, and returns the message, which must name the file.</summary>
    private string Refused(byte[] bytes)
    {
        string path = Path.Combine(_dir, "bad.safetensors");
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.StartsWith(path + ":", ex.Message);
        return ex.Message;
    }

    private const string OneF32 = """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void A_file_shorter_than_8_bytes_is_refused(int length)
    {
        Assert.Contains($"the file is {length} bytes long", Refused(new byte[length]));
    }

    [Fact]
    public void A_header_length_past_the_end_of_the_file_is_refused()
    {
        var bytes = Craft(OneF32, new byte[8]);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)bytes.Length);   // 8 more than can follow
        Assert.Contains($"the header length at offset 0 is {bytes.Length} bytes but only {bytes.Length - 8} bytes follow it", Refused(bytes));
    }

    [Theory]
    [InlineData(100_000_001UL)]
    [InlineData(1UL << 40)]
    [InlineData(ulong.MaxValue)]
    public void An_oversized_header_is_refused_without_allocating_it(ulong length)
    {
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = Refused(bytes);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        Assert.Contains($"the header length at offset 0 is {length} bytes, over the 100000000-byte limit", message);
    }

    [Fact]
    public void A_header_that_is_not_JSON_is_refused()
    {
        Assert.Contains("the header at offset 8 (16 bytes) is not valid JSON", Refused(Craft("{\"w\": [1, 2", [])));
        Assert.Contains("must be a JSON object starting with '{' but starts with byte 0x5B", Refused(Craft("[1, 2]", [])));
        Assert.Contains("the header at offset 8 must be a JSON object starting with '{' but it is empty", Refused(Craft("", [])));
        var invalidUtf8 = Craft("{\"__metadata__\":{\"k\":\"??\"}}", []);
        invalidUtf8[30] = 0xFF;   // the first '?' of the value
        Assert.Contains("the header is not valid UTF-8: byte 0xFF at offset 30", Refused(invalidUtf8));
    }

    [Theory]
    [InlineData("F12", "unknown dtype \"F12\"")]
    [InlineData("float32", "unknown dtype \"float32\"")]
    [InlineData("F8_E4M3", "dtype F8_E4M3 is not supported")]
    [InlineData("U64", "dtype U64 is not supported")]
    public void Unknown_and_unsupported_dtypes_are_refused_by_name(string dtype, string expected)
    {
        string message = Refused(Craft($$$"""{"w":{"dtype":"{{{dtype}}}","shape":[1],"data_offsets":[0,1]}}""", new byte[1]));
        Assert.Contains("tensor \"w\": " + expected, message);
        Assert.Contains("readable: F64, F32, F16, BF16, I64", message);
    }

    [Fact]
    public void A_shape_that_does_not_match_the_offset_span_is_refused()
    {
        Assert.Contains("tensor \"w\": shape [3] of F32 needs 12 bytes but data_offsets [0,8] span 8",
            Refused(Craft("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", new byte[8])));
    }

    [Fact]
    public void A_huge_shape_is_refused_before_anything_is_allocated()
    {
        Assert.Contains("shape [1000000, 1000000, 1000000] has more elements than a tensor can hold",
            Refused(Craft("""{"w":{"dtype":"F32","shape":[1000000,1000000,1000000],"data_offsets":[0,8]}}""", new byte[8])));
        Assert.Contains("shape [100000, 1000000, 0, 1] of F32 needs 0 bytes but data_offsets [0,8] span 8",
            Refused(Craft("""{"w":{"dtype":"F32","shape":[100000,1000000,0,1],"data_offsets":[0,8]}}""", new byte[8])));
    }

    [Theory]
    [InlineData("[-1]", "shape entry 0 (-1) is not a size")]
    [InlineData("[2, 1.5]", "shape entry 1 (1.5) is not a size")]
    [InlineData("[\"2\"]", "shape entry 0 (\"2\") is not a size")]
    [InlineData("[4294967298]", "shape entry 0 (4294967298) is not a size")]
    public void Invalid_shape_entries_are_refused(string shape, string expected)
    {
        Assert.Contains(expected, Refused(Craft($$$"""{"w":{"dtype":"F32","shape":{{{shape}}},"data_offsets":[0,8]}}""", new byte[8])));
    }

    [Fact]
    public void Offsets_out_of_order_are_refused()
    {
        Assert.Contains("tensor \"w\": data_offsets [8,0] are out of order",
            Refused(Craft("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", new byte[8])));
        Assert.Contains("data_offsets [0,-8] must be two non-negative integers",
            Refused(Craft("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,-8]}}""", new byte[8])));
        Assert.Contains("missing \"data_offsets\": [begin, end]",
            Refused(Craft("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}}""", new byte[8])));
    }

    [Fact]
    public void Overlapping_tensors_are_refused()
    {
        string header = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""";
        Assert.Contains("tensor \"b\" data_offsets [4, 12] overlap tensor \"a\" [0, 8]", Refused(Craft(header, new byte[12])));
    }

    [Fact]
    public void A_gap_between_tensors_is_refused()
    {
        string header = """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""";
        Assert.Contains("bytes 4 to 8 of the data", Refused(Craft(header, new byte[12])));
    }

    [Fact]
    public void Data_running_past_the_end_of_the_file_is_refused_as_truncated()
    {
        var bytes = Craft(OneF32, new byte[8])[..^3];
        string message = Refused(bytes);
        Assert.Contains("tensor \"w\" data_offsets [0, 8] run past the end of the data, which is 5 bytes", message);
        Assert.Contains("truncated file?", message);
    }

    [Fact]
    public void Trailing_bytes_after_the_last_tensor_are_refused()
    {
        var bytes = Craft(OneF32, new byte[11]);
        int dataStart = bytes.Length - 11;
        Assert.Contains($"3 unexpected bytes after the last tensor's data, at file offset {dataStart + 8}", Refused(bytes));
    }

    [Fact]
    public void Structural_errors_in_the_header_are_refused_by_name()
    {
        Assert.Contains("the header names \"w\" twice",
            Refused(Craft("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", new byte[8])));
        Assert.Contains("tensor \"w\": missing the string \"dtype\"",
            Refused(Craft("""{"w":{"shape":[1],"data_offsets":[0,4]}}""", new byte[4])));
        Assert.Contains("tensor \"w\": expected an object with dtype, shape and data_offsets, not Number",
            Refused(Craft("""{"w":5}""", [])));
        Assert.Contains("metadata \"n\" must be a string, not Number",
            Refused(Craft("""{"__metadata__":{"n":1}}""", [])));
        Assert.Contains("\"__metadata__\" must be an object of strings, not Array",
            Refused(Craft("""{"__metadata__":[]}""", [])));
    }

    [Fact]
    public void A_header_without_padding_is_still_read()
    {
        string path = Path.Combine(_dir, "unpadded.safetensors");
        File.WriteAllBytes(path, Craft("""{"w":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}}""", [1, 2, 3], pad: false));
        Assert.Equal([1L, 2, 3], SafeTensors.Load(path)["w"].ToArray<long>());
    }

    [Theory]
    [InlineData("""["0","8"]""")]
    [InlineData("""[null,8]""")]
    [InlineData("""[0,true]""")]
    [InlineData("""[[],8]""")]
    [InlineData("""[0,{}]""")]
    public void Data_offsets_that_are_not_numbers_are_refused_by_name(string offsets)
    {
        Assert.Contains($"tensor \"w\": data_offsets {offsets} must be two non-negative integers",
            Refused(Craft($$$"""{"w":{"dtype":"F32","shape":[2],"data_offsets":{{{offsets}}}}}""", new byte[8])));
    }

    [Theory]
    [InlineData("""{"x\ud800":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", "a tensor name in the header is not valid Unicode")]
    [InlineData("""{"w":{"dtype":"F\udc00","shape":[2],"data_offsets":[0,8]}}""", "the dtype of tensor \"w\" in the header is not valid Unicode")]
    [InlineData("""{"__metadata__":{"k":"v\ud800"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", "metadata \"k\" in the header is not valid Unicode")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"\udfff":1}}""", "a field name of tensor \"w\" in the header is not valid Unicode")]
    public void A_lone_surrogate_escape_in_the_header_is_refused_by_name(string header, string expected)
    {
        Assert.Contains(expected, Refused(Craft(header, new byte[8])));
    }

    [Fact]
    public void A_field_given_twice_in_an_entry_is_refused_as_the_reference_implementation_does()
    {
        Assert.Contains("tensor \"w\": the field \"dtype\" is given twice",
            Refused(Craft("""{"w":{"dtype":"F32","dtype":"I32","shape":[2],"data_offsets":[0,8]}}""", new byte[8])));
    }

    [Fact]
    public void A_shape_of_more_than_64_dims_is_refused_and_64_dims_load()
    {
        string Shape(int dims) => "[" + string.Join(",", Enumerable.Repeat("1", dims)) + "]";
        Assert.Contains("tensor \"w\": shape has 65 dims, more than the 64 a file may declare",
            Refused(Craft($$$"""{"w":{"dtype":"F32","shape":{{{Shape(65)}}},"data_offsets":[0,4]}}""", new byte[4])));
        Assert.Contains("shape has 50001 dims",
            Refused(Craft($$$"""{"w":{"dtype":"F32","shape":{{{Shape(50_001)}}},"data_offsets":[0,4]}}""", new byte[4])));

        string path = Path.Combine(_dir, "rank64.safetensors");
        File.WriteAllBytes(path, Craft($$$"""{"w":{"dtype":"F32","shape":{{{Shape(64)}}},"data_offsets":[0,4]}}""", BitConverter.GetBytes(1.5f)));
        var w = SafeTensors.Load(path)["w"];
        Assert.Equal(64, w.Dim);
        Assert.Equal(1.5f, w.Item<float>());
    }
}
