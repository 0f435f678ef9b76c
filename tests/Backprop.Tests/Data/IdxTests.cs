using System.IO.Compression;
using Backprop;
using Backprop.Data;

namespace Backprop.Tests.Data;

public sealed class IdxTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An IDX file built byte by byte: 00 00 type ndims, big-endian int32 dims, then data.</summary>
    private static byte[] IdxBytes(byte type, int[] dims, byte[] data)
    {
        var bytes = new List<byte> { 0, 0, type, (byte)dims.Length };
        foreach (int d in dims) bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        bytes.AddRange(data);
        return [.. bytes];
    }

    private static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest)) gz.Write(raw);
        return output.ToArray();
    }

    private string WriteFile(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // Two 2x3 "images" with the bytes 0, 51, 102, 153, 204, 255 and 1..6.
    private static readonly byte[] Pixels = [0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6];

    [Fact]
    public void Read_returns_unsigned_bytes_as_Int64_in_the_declared_shape()
    {
        var t = Idx.Read(WriteFile("images-idx3-ubyte", IdxBytes(0x08, [2, 2, 3], Pixels)));
        Assert.Equal(DType.Int64, t.DType);
        TensorAssert.Shape([2, 2, 3], t);
        Assert.Equal(Pixels.Select(b => (long)b), t.ToArray<long>());
    }

    [Fact]
    public void ReadImages_scales_bytes_to_Float32_in_0_1_like_ToTensor()
    {
        var t = Idx.ReadImages(WriteFile("images-idx3-ubyte", IdxBytes(0x08, [2, 2, 3], Pixels)));
        Assert.Equal(DType.Float32, t.DType);
        TensorAssert.Shape([2, 2, 3], t);
        // torch: (torch.tensor([0, 51, 102, 153, 204, 255], dtype=torch.uint8).float() / 255).tolist()
        Assert.Equal([0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f], t.ToArray<float>()[..6]);
        Assert.Equal(0.20000000298023224, t.ToArray<float>()[1]);
    }

    [Fact]
    public void ReadLabels_returns_a_vector_of_Int64()
    {
        var t = Idx.ReadLabels(WriteFile("labels-idx1-ubyte", IdxBytes(0x08, [4], [7, 2, 1, 0])));
        Assert.Equal(DType.Int64, t.DType);
        Assert.Equal([7L, 2, 1, 0], t.ToArray<long>());
    }

    [Fact]
    public void A_gzip_file_is_detected_by_its_magic_bytes_and_read_the_same()
    {
        var path = WriteFile("images-idx3-ubyte.gz", Gzip(IdxBytes(0x08, [2, 2, 3], Pixels)));
        var t = Idx.Read(path);
        TensorAssert.Shape([2, 2, 3], t);
        Assert.Equal(Pixels.Select(b => (long)b), t.ToArray<long>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_non_seekable_stream_is_read_raw_or_gzip(bool gzip)
    {
        var raw = IdxBytes(0x08, [4], [7, 2, 1, 0]);
        using var stream = new ForwardOnlyStream(gzip ? Gzip(raw) : raw);
        Assert.Equal([7L, 2, 1, 0], Idx.ReadLabels(stream, "labels").ToArray<long>());
    }

    [Fact]
    public void Signed_and_wider_types_are_big_endian()
    {
        var i8 = Idx.Read(new MemoryStream(IdxBytes(0x09, [3], [0xFF, 0x80, 0x7F])));
        Assert.Equal([-1L, -128, 127], i8.ToArray<long>());
        var i16 = Idx.Read(new MemoryStream(IdxBytes(0x0B, [2], [0x01, 0x02, 0xFF, 0xFE])));
        Assert.Equal([258L, -2], i16.ToArray<long>());
        var i32 = Idx.Read(new MemoryStream(IdxBytes(0x0C, [1, 2], [0x00, 0x01, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00])));
        TensorAssert.Shape([1, 2], i32);
        Assert.Equal([65536L, int.MinValue], i32.ToArray<long>());
        var f32 = Idx.Read(new MemoryStream(IdxBytes(0x0D, [2], [0x3F, 0x80, 0x00, 0x00, 0xC0, 0x20, 0x00, 0x00])));
        Assert.Equal(DType.Float32, f32.DType);
        Assert.Equal([1f, -2.5f], f32.ToArray<float>());
        var f64 = Idx.Read(new MemoryStream(IdxBytes(0x0E, [1], [0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18])));
        Assert.Equal(DType.Float64, f64.DType);
        Assert.Equal([Math.PI], f64.ToArray<double>());
    }

    [Fact]
    public void An_empty_dimension_reads_as_an_empty_tensor()
    {
        var t = Idx.Read(new MemoryStream(IdxBytes(0x08, [0, 28, 28], [])));
        TensorAssert.Shape([0, 28, 28], t);
    }

    private InvalidDataException Malformed(byte[] bytes, string name = "bad-idx3-ubyte")
    {
        var path = WriteFile(name, bytes);
        var ex = Assert.Throws<InvalidDataException>(() => Idx.Read(path));
        Assert.StartsWith(path + ":", ex.Message);
        return ex;
    }

    [Fact]
    public void Truncated_data_names_the_expected_size_the_offset_and_what_is_there()
    {
        var ex = Malformed(IdxBytes(0x08, [60000, 28, 28], new byte[1000]));
        Assert.Contains("expected 47040000 bytes of data at offset 16 but the file has only 1000", ex.Message);
    }

    [Fact]
    public void A_bad_magic_number_is_refused()
    {
        var ex = Malformed([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0]);
        Assert.Contains("bad magic number at offset 0", ex.Message);
        Assert.Contains("504B0304", ex.Message);
    }

    [Fact]
    public void An_unknown_type_code_is_refused()
    {
        Assert.Contains("unsupported type code 0x0A at offset 2", Malformed(IdxBytes(0x0A, [1], [0])).Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void A_dimension_count_outside_1_to_8_is_refused(int dims)
    {
        Assert.Contains($"dimension count at offset 3 is {dims}: expected 1 to 8", Malformed([0, 0, 0x08, (byte)dims, 0, 0, 0, 1, 5]).Message);
    }

    [Fact]
    public void A_truncated_header_is_refused()
    {
        Assert.Contains("truncated header: expected the 4-byte magic number (4 bytes) at offset 0 but the file ends at offset 2",
            Malformed([0, 0]).Message);
        Assert.Contains("expected the size of dimension 1 of 3 (4 bytes) at offset 8 but the file ends at offset 10",
            Malformed([0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0]).Message);
    }

    [Fact]
    public void A_negative_dimension_is_refused()
    {
        Assert.Contains("dimension 1 has negative size -1 at offset 8", Malformed(IdxBytes(0x08, [2, -1], [])).Message);
    }

    [Fact]
    public void Bytes_after_the_data_are_refused()
    {
        Assert.Contains("3 unexpected bytes after the data at offset 12", Malformed(IdxBytes(0x08, [4], [1, 2, 3, 4, 5, 6, 7])).Message);
        var gz = Malformed(Gzip(IdxBytes(0x08, [4], [1, 2, 3, 4, 5, 6, 7])), "bad.gz");
        Assert.Contains("3 unexpected bytes after the data at offset 12 of the decompressed data", gz.Message);
    }

    [Fact]
    public void Corrupt_gzip_data_is_refused_naming_the_file()
    {
        var bytes = Gzip(IdxBytes(0x08, [64], new byte[64]));
        for (int i = 10; i < bytes.Length - 8; i++) bytes[i] ^= 0x5A;
        var ex = Malformed(bytes, "corrupt.gz");
        Assert.Contains("corrupt.gz", ex.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Huge_declared_sizes_in_a_tiny_file_fail_fast_without_allocating_them(bool gzip)
    {
        // 2,000,000,000 bytes declared (under the array limit, so only the real length can refute it), 16 present.
        var raw = IdxBytes(0x08, [2_000_000_000], new byte[16]);
        var path = WriteFile("huge", gzip ? Gzip(raw) : raw);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<InvalidDataException>(() => Idx.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("expected 2000000000 bytes of data at offset 8", ex.Message);
        Assert.Contains("has only 16", ex.Message);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Dims_whose_product_exceeds_what_a_tensor_holds_are_refused()
    {
        var ex = Malformed(IdxBytes(0x08, [65536, 65536, 65536], new byte[8]));
        Assert.Contains("declare shape [65536, 65536, 65536], more elements than a tensor can hold", ex.Message);
    }

    [Fact]
    public void ReadImages_refuses_non_byte_data_and_ReadLabels_refuses_more_than_one_dim()
    {
        var floats = WriteFile("floats", IdxBytes(0x0D, [1], [0, 0, 0, 0]));
        Assert.Contains("expected unsigned-byte images", Assert.Throws<InvalidDataException>(() => Idx.ReadImages(floats)).Message);
        var images = WriteFile("images", IdxBytes(0x08, [2, 2, 3], Pixels));
        Assert.Contains("expected a label file with 1 dimension", Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(images)).Message);
    }

    // ---- the gzip trailer: CRC-32 and size checked, nothing after it ----

    private static byte[] GoodGzip() => Gzip(IdxBytes(0x08, [2, 2, 3], Pixels));

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public void A_gzip_file_with_a_truncated_trailer_is_refused(int cut)
    {
        var bytes = GoodGzip();
        var ex = Malformed(bytes[..^cut], "cut.gz");
        Assert.Contains("cut.gz", ex.Message);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("\0\0\0\0")]
    [InlineData("x")]
    public void Bytes_after_the_gzip_trailer_are_refused(string trailing)
    {
        var bytes = GoodGzip().Concat(trailing.Select(c => (byte)c)).ToArray();
        var ex = Malformed(bytes, "trailing.gz");
        Assert.Contains("gzip", ex.Message);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(5)]
    [InlineData(1)]
    public void A_gzip_trailer_that_does_not_match_the_data_is_refused(int fromEnd)
    {
        var bytes = GoodGzip();
        bytes[^fromEnd] ^= 0x01;   // the CRC-32 (bytes -8..-5) or the size (-4..-1)
        var ex = Malformed(bytes, "crc.gz");
        Assert.Contains("gzip", ex.Message);   // GZipStream itself checks the CRC; this guards it
    }

    [Fact]
    public void A_non_seekable_gzip_stream_with_trailing_bytes_is_refused()
    {
        var bytes = GoodGzip().Concat("junk"u8.ToArray()).ToArray();
        var ex = Assert.Throws<InvalidDataException>(() => Idx.Read(new ForwardOnlyStream(bytes), "piped.gz"));
        Assert.StartsWith("piped.gz:", ex.Message);
    }

    [Fact]
    public void A_real_gzip_trailer_is_accepted_raw_and_through_a_forward_only_stream()
    {
        var bytes = GoodGzip();
        Assert.Equal(Pixels.Select(b => (long)b), Idx.Read(WriteFile("good.gz", bytes)).ToArray<long>());
        Assert.Equal(Pixels.Select(b => (long)b), Idx.Read(new ForwardOnlyStream(bytes), "good.gz").ToArray<long>());
    }

    /// <summary>A stream that can only be read forward, like a network or pipe stream.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 3));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
