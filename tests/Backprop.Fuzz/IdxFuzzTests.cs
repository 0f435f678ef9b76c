using System.Buffers.Binary;
using System.IO.Compression;
using Backprop.Data;

namespace Backprop.Fuzz;

/// <summary>Mutated IDX files, raw and gzip: Idx.Read agrees with <see cref="ReferenceIdx"/> or refuses by name.</summary>
public sealed class IdxFuzzTests
{
    private static byte[] File(byte type, int[] dims, int itemSize, Random random)
    {
        long count = dims.Aggregate(1L, (a, d) => a * d);
        var bytes = new byte[4 + 4 * dims.Length + count * itemSize];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        random.NextBytes(bytes.AsSpan(4 + 4 * dims.Length));
        return bytes;
    }

    private static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest)) gz.Write(raw);
        return output.ToArray();
    }

    public static IReadOnlyList<byte[]> Seeds()
    {
        var random = new Random(7);
        var raw = new List<byte[]>
        {
            File(0x08, [3, 4, 4], 1, random), File(0x08, [10], 1, random), File(0x09, [2, 3], 1, random), File(0x0B, [5], 2, random),
            File(0x0C, [2, 2], 4, random), File(0x0D, [3], 4, random), File(0x0E, [2, 1], 8, random), File(0x08, [0, 28], 1, random),
            File(0x08, [1, 1, 1, 1, 1, 1, 1, 2], 1, random),
        };
        return [.. raw, .. raw.Select(Gzip)];
    }

    [Fact]
    public void Mutated_files_load_as_an_independent_decoder_reads_them_or_are_refused_by_name()
        => FuzzRun.Run("idx", Seeds(), Mutator.Bytes, Check);

    public static FuzzRun.Outcome Check(byte[] bytes, string name)
    {
        Tensor loaded;
        try
        {
            loaded = Idx.Read(new MemoryStream(bytes, writable: false), name);
        }
        catch (InvalidDataException e)
        {
            return FuzzRun.Refused(e, name);
        }
        var expected = ReferenceIdx.Decode(bytes)
            ?? throw new InvalidOperationException("the reader loaded a file that the format forbids (the independent decoder refuses it)");
        Assert.Equal(expected.Shape, loaded.Shape.ToArray());
        Assert.Equal(expected.Kind, loaded.DType);
        Assert.Equal(expected.Bits, ReferenceSafeTensors.Bits(loaded));
        return FuzzRun.Outcome.Loaded;
    }
}

/// <summary>
/// An independent IDX decoder: gzip (1F 8B) decompressed by GZipStream and checked against its trailer with
/// System.IO.Hashing's CRC-32 (one member, nothing after it), then the IDX layout of LeCun's page: 00 00, a type code,
/// 1 to 8 dims (Backprop's documented limit) as big-endian int32, exactly the data they declare, big-endian. Null for
/// a file the format forbids.
/// </summary>
public static class ReferenceIdx
{
    public static (int[] Shape, DType Kind, long[] Bits)? Decode(byte[] file)
    {
        byte[] raw = file;
        if (file.Length >= 2 && file[0] == 0x1F && file[1] == 0x8B)
        {
            try
            {
                using var gz = new GZipStream(new MemoryStream(file), CompressionMode.Decompress);
                using var output = new MemoryStream();
                gz.CopyTo(output);
                raw = output.ToArray();
            }
            catch (InvalidDataException) { return null; }
            if (file.Length < 18) return null;
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(file.Length - 8));
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(file.Length - 4));
            if (crc != System.IO.Hashing.Crc32.HashToUInt32(raw) || size != unchecked((uint)raw.Length)) return null;
        }
        if (raw.Length < 4 || raw[0] != 0 || raw[1] != 0) return null;
        int item = raw[2] switch { 0x08 or 0x09 => 1, 0x0B => 2, 0x0C or 0x0D => 4, 0x0E => 8, _ => 0 };
        int dims = raw[3];
        if (item == 0 || dims < 1 || dims > 8 || raw.Length < 4 + 4 * dims) return null;
        var shape = new int[dims];
        decimal count = 1;
        for (int d = 0; d < dims; d++)
        {
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4 + 4 * d));
            if (shape[d] < 0) return null;
            count = Math.Min(count * shape[d], (decimal)long.MaxValue);   // stays far from decimal's range
        }
        if (count > Array.MaxLength || count * item > Array.MaxLength || raw.Length - (4 + 4 * dims) != count * item) return null;
        var data = raw.AsSpan(4 + 4 * dims);
        var bits = new long[(int)count];
        for (int i = 0; i < bits.Length; i++)
        {
            var at = data.Slice(i * item, item);
            bits[i] = raw[2] switch
            {
                0x08 => at[0],
                0x09 => (sbyte)at[0],
                0x0B => BinaryPrimitives.ReadInt16BigEndian(at),
                0x0C => BinaryPrimitives.ReadInt32BigEndian(at),
                0x0D => BitConverter.SingleToInt32Bits(BinaryPrimitives.ReadSingleBigEndian(at)),
                _ => BinaryPrimitives.ReadInt64BigEndian(at),
            };
        }
        var kind = raw[2] switch { 0x0D => DType.Float32, 0x0E => DType.Float64, _ => DType.Int64 };
        return (shape, kind, bits);
    }
}
