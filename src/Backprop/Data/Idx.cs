using System.Buffers.Binary;

namespace Backprop.Data;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (LeCun's "train-images-idx3-ubyte" files), raw or gzip-compressed
/// (told apart by the gzip magic bytes 1F 8B). Layout: two zero bytes, a type code, the number of dims; each dim as a
/// big-endian int32; then the elements, big-endian, row-major. Like torchvision's read_sn3_pascalvincent_tensor.
/// A malformed file throws <see cref="InvalidDataException"/> naming the file, the byte offset and what was expected;
/// sizes declared in the header are checked against the bytes actually there before anything large is allocated
/// (a raw file's length; a gzip file's data is read in growing chunks as it arrives), and a gzip file must end with a
/// trailer whose CRC-32 and size match the data, with nothing after it. Memory: the decoded tensor and one copy of
/// the raw data, never more than the data really holds; note that gzip itself lets a file expand ~1032 times.
/// </summary>
public static class Idx
{
    /// <summary>The most dims a file may declare.</summary>
    public const int MaxDims = 8;

    private const int ChunkSize = 1 << 20;

    /// <summary>
    /// The file's values as a tensor of its declared shape: integer types (unsigned byte 0x08, signed byte 0x09,
    /// short 0x0B, int 0x0C) as Int64, float 0x0D as Float32, double 0x0E as Float64.
    /// </summary>
    public static Tensor Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>As <see cref="Read(string)"/>, from a stream (raw or gzip); name is used in error messages.</summary>
    public static Tensor Read(Stream stream, string name = "stream")
    {
        var (type, shape, data) = Parse(stream, name);
        return ToTensor(type, shape, data);
    }

    /// <summary>
    /// An unsigned-byte image file as Float32 values in [0, 1] (each byte divided by 255), shape as declared
    /// (e.g. [60000, 28, 28]); like torchvision's MNIST with transforms.ToTensor().
    /// </summary>
    public static Tensor ReadImages(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadImages(stream, path);
    }

    /// <summary>As <see cref="ReadImages(string)"/>, from a stream; name is used in error messages.</summary>
    public static Tensor ReadImages(Stream stream, string name = "stream")
    {
        var (type, shape, data) = Parse(stream, name);
        if (type != IdxType.UByte)
            throw new InvalidDataException($"{name}: expected unsigned-byte images (type code 0x08 at offset 2) but the type code is 0x{(byte)type:X2}");
        var values = new float[data.Length];
        for (int i = 0; i < values.Length; i++) values[i] = data[i] / 255f;   // float32 division, as img.float().div(255)
        return Tensor.Wrap(values, shape);
    }

    /// <summary>A 1-D integer label file as an Int64 tensor (class indices, e.g. shape [60000]); like MNIST's targets.</summary>
    public static Tensor ReadLabels(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadLabels(stream, path);
    }

    /// <summary>As <see cref="ReadLabels(string)"/>, from a stream; name is used in error messages.</summary>
    public static Tensor ReadLabels(Stream stream, string name = "stream")
    {
        var (type, shape, data) = Parse(stream, name);
        if (shape.Length != 1)
            throw new InvalidDataException($"{name}: expected a label file with 1 dimension (byte 3 = 0x01) but it has {shape.Length}");
        if (type is IdxType.Float or IdxType.Double)
            throw new InvalidDataException($"{name}: expected integer labels but the type code at offset 2 is 0x{(byte)type:X2} ({type})");
        return ToTensor(type, shape, data);
    }

    private enum IdxType : byte { UByte = 0x08, SByte = 0x09, Short = 0x0B, Int = 0x0C, Float = 0x0D, Double = 0x0E }

    private static int ItemSize(IdxType type) => type switch
    {
        IdxType.UByte or IdxType.SByte => 1,
        IdxType.Short => 2,
        IdxType.Int or IdxType.Float => 4,
        _ => 8,
    };

    /// <summary>Reads and checks the header, then exactly the declared data bytes (still big-endian).</summary>
    private static (IdxType Type, int[] Shape, byte[] Data) Parse(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = OpenMaybeGzip(stream, name, out bool gzip);
        string where = gzip ? " of the decompressed data" : "";
        string file = gzip ? "the decompressed file" : "the file";
        try
        {
            long offset = 0;
            Span<byte> magic = stackalloc byte[4];
            ReadHeader(source, magic, ref offset, name, "the 4-byte magic number", file);
            if (magic[0] != 0 || magic[1] != 0)
                throw new InvalidDataException(
                    $"{name}: bad magic number at offset 0{where}: expected two zero bytes, a type code and a dimension count " +
                    $"(e.g. 00 00 08 03), got {Convert.ToHexString(magic)}" + (gzip ? "" : " (not an IDX file?)"));
            var type = (IdxType)magic[2];
            if (!Enum.IsDefined(type))
                throw new InvalidDataException(
                    $"{name}: unsupported type code 0x{magic[2]:X2} at offset 2{where}: expected 0x08 (unsigned byte), 0x09 (signed byte), " +
                    "0x0B (short), 0x0C (int), 0x0D (float) or 0x0E (double)");
            int dims = magic[3];
            if (dims < 1 || dims > MaxDims)
                throw new InvalidDataException($"{name}: the dimension count at offset 3{where} is {dims}: expected 1 to {MaxDims}");

            var shape = new int[dims];
            Span<byte> word = stackalloc byte[4];
            for (int d = 0; d < dims; d++)
            {
                long at = offset;
                ReadHeader(source, word, ref offset, name, $"the size of dimension {d} of {dims}", file);
                shape[d] = BinaryPrimitives.ReadInt32BigEndian(word);
                if (shape[d] < 0)
                    throw new InvalidDataException($"{name}: dimension {d} has negative size {shape[d]} at offset {at}{where}");
            }
            long numel = Shapes.CheckedNumel(shape)
                ?? throw new InvalidDataException(
                    $"{name}: the dims at offset 4{where} declare shape {Shapes.Format(shape)}, more elements than a tensor can hold ({Array.MaxLength})");

            long needed = numel * ItemSize(type);
            if (needed > Array.MaxLength)
                throw new InvalidDataException($"{name}: shape {Shapes.Format(shape)} of {type} needs {needed} bytes, more than one array can hold");
            var data = ReadData(source, (int)needed, offset, name, where, file, gzip);
            return (type, shape, data);
        }
        catch (InvalidDataException e) when (gzip && !e.Message.StartsWith(name + ":", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{name}: corrupt gzip data: {e.Message}", e);
        }
        finally
        {
            if (gzip) source.Dispose();
        }
    }

    private static void ReadHeader(Stream source, Span<byte> buffer, ref long offset, string name, string what, string file)
    {
        int got = source.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (got < buffer.Length)
            throw new InvalidDataException(
                $"{name}: truncated header: expected {what} ({buffer.Length} bytes) at offset {offset} but {file} ends at offset {offset + got}");
        offset += got;
    }

    /// <summary>
    /// Reads exactly needed bytes and checks nothing follows. A seekable raw file is checked against its length
    /// first; a gzip stream is read in chunks, growing the buffer only as data actually arrives, so a huge size
    /// declared in a small file fails at the end of the data instead of allocating what the header claims.
    /// </summary>
    private static byte[] ReadData(Stream source, int needed, long offset, string name, string where, string file, bool gzip)
    {
        if (!gzip && source.CanSeek)
        {
            long available = source.Length - source.Position;
            if (available < needed)
                throw Truncated(name, needed, offset, where, file, available);
            if (available > needed)
                throw Trailing(name, available - needed, offset + needed, where, needed, offset);
        }

        var data = new byte[gzip || !source.CanSeek ? Math.Min(needed, ChunkSize) : needed];
        int filled = 0;
        while (filled < needed)
        {
            if (filled == data.Length) Array.Resize(ref data, (int)Math.Min(needed, 2L * data.Length));
            int got = source.Read(data, filled, data.Length - filled);
            if (got == 0) throw Truncated(name, needed, offset, where, file, filled);
            filled += got;
        }
        Span<byte> probe = stackalloc byte[1];
        if (source.Read(probe) != 0)
        {
            long extra = 1;
            var sink = new byte[ChunkSize];
            int got;
            while ((got = source.Read(sink)) > 0) extra += got;
            throw Trailing(name, extra, offset + needed, where, needed, offset);
        }
        return data;
    }

    private static InvalidDataException Truncated(string name, int needed, long offset, string where, string file, long available) =>
        new($"{name}: truncated data: expected {needed} bytes of data at offset {offset}{where} but {file} has only {available}");

    private static InvalidDataException Trailing(string name, long extra, long at, string where, int needed, long offset) =>
        new($"{name}: {extra} unexpected bytes after the data at offset {at}{where} (the header declares {needed} bytes of data " +
            $"from offset {offset}): wrong dims or not an IDX file");

    /// <summary>The stream itself, or a verifying decompressing view of it when it starts with the gzip magic 1F 8B.</summary>
    private static Stream OpenMaybeGzip(Stream stream, string name, out bool gzip)
    {
        Span<byte> head = stackalloc byte[2];
        if (stream.CanSeek)
        {
            long start = stream.Position;
            int got = stream.ReadAtLeast(head, 2, throwOnEndOfStream: false);
            stream.Position = start;
            gzip = got == 2 && head[0] == 0x1F && head[1] == 0x8B;
            return gzip ? new VerifiedGzipStream(stream, name) : stream;
        }
        var prefix = new byte[2];
        int n = stream.ReadAtLeast(prefix, 2, throwOnEndOfStream: false);
        var joined = new PrefixedStream(prefix.AsMemory(0, n), stream);
        gzip = n == 2 && prefix[0] == 0x1F && prefix[1] == 0x8B;
        return gzip ? new VerifiedGzipStream(joined, name) : joined;
    }

    private static Tensor ToTensor(IdxType type, int[] shape, byte[] data)
    {
        switch (type)
        {
            case IdxType.UByte:
            {
                var v = new long[data.Length];
                for (int i = 0; i < v.Length; i++) v[i] = data[i];
                return Tensor.Wrap(v, shape);
            }
            case IdxType.SByte:
            {
                var v = new long[data.Length];
                for (int i = 0; i < v.Length; i++) v[i] = (sbyte)data[i];
                return Tensor.Wrap(v, shape);
            }
            case IdxType.Short:
            {
                var v = new long[data.Length / 2];
                for (int i = 0; i < v.Length; i++) v[i] = BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(2 * i));
                return Tensor.Wrap(v, shape);
            }
            case IdxType.Int:
            {
                var v = new long[data.Length / 4];
                for (int i = 0; i < v.Length; i++) v[i] = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4 * i));
                return Tensor.Wrap(v, shape);
            }
            case IdxType.Float:
            {
                var v = new float[data.Length / 4];
                for (int i = 0; i < v.Length; i++) v[i] = BinaryPrimitives.ReadSingleBigEndian(data.AsSpan(4 * i));
                return Tensor.Wrap(v, shape);
            }
            default:
            {
                var v = new double[data.Length / 8];
                for (int i = 0; i < v.Length; i++) v[i] = BinaryPrimitives.ReadDoubleBigEndian(data.AsSpan(8 * i));
                return Tensor.Wrap(v, shape);
            }
        }
    }

    /// <summary>A read-only stream that yields some already-read bytes, then the rest of another stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ForwardOnlyReadStream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty) return rest.Read(buffer);
            int n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }
    }
}
