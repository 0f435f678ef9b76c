using System.Buffers.Binary;
using System.IO.Compression;

namespace Backprop.Data;

/// <summary>
/// Decompresses one gzip member (RFC 1952) and, at its end, checks what <see cref="GZipStream"/> lets pass: the
/// trailer's CRC-32 and size (ISIZE) must match the data, and nothing may follow the trailer. A truncated trailer,
/// trailing garbage or a corrupt CRC throws <see cref="InvalidDataException"/> naming the file, like `gzip -t`.
/// Files made of several concatenated gzip members are refused (their last trailer covers only the last member).
/// </summary>
internal sealed class VerifiedGzipStream : ForwardOnlyReadStream
{
    private readonly TailStream _compressed;
    private readonly GZipStream _gzip;
    private readonly string _name;
    private uint _crc = 0xFFFFFFFFu;
    private long _length;
    private bool _verified;

    public VerifiedGzipStream(Stream compressed, string name)
    {
        _compressed = new TailStream(compressed);
        _gzip = new GZipStream(_compressed, CompressionMode.Decompress, leaveOpen: true);
        _name = name;
    }


    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        int n = _gzip.Read(buffer);
        if (n > 0)
        {
            _crc = Crc32.Update(_crc, buffer[..n]);
            _length += n;
            return n;
        }
        if (!_verified)
        {
            Verify();
            _verified = true;
        }
        return 0;
    }

    private void Verify()
    {
        _compressed.Drain();
        if (_compressed.Count < 18)
            throw new InvalidDataException($"{_name}: truncated gzip file: {_compressed.Count} bytes, less than a gzip header and trailer");
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(_compressed.Tail[..4]);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(_compressed.Tail[4..]);
        uint actualCrc = ~_crc;
        if (crc != actualCrc || size != unchecked((uint)_length))
            throw new InvalidDataException(
                $"{_name}: the gzip trailer (the last 8 bytes, at offset {_compressed.Count - 8}) records CRC-32 {crc:X8} and size {size} " +
                $"but the decompressed data has CRC-32 {actualCrc:X8} and size {_length}: truncated or corrupt file, bytes after the " +
                "gzip data, or several gzip members (not supported)");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _gzip.Dispose();
        base.Dispose(disposing);
    }


    /// <summary>Passes reads through, counting the bytes and keeping the last 8 (the gzip trailer once at the end).</summary>
    private sealed class TailStream(Stream inner) : ForwardOnlyReadStream
    {
        private readonly byte[] _tail = new byte[8];

        public long Count { get; private set; }

        public ReadOnlySpan<byte> Tail => _tail;

        public void Drain()
        {
            var sink = new byte[1 << 16];
            while (Read(sink, 0, sink.Length) > 0) { }
        }

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            if (n >= 8) buffer.Slice(n - 8, 8).CopyTo(_tail);
            else if (n > 0)
            {
                _tail.AsSpan(n).CopyTo(_tail);               // shift the older bytes left
                buffer[..n].CopyTo(_tail.AsSpan(8 - n));
            }
            Count += n;
            return n;
        }
    }

    /// <summary>CRC-32 (ISO-HDLC, the polynomial of gzip and zlib, reflected: 0xEDB88320), one table lookup per byte.</summary>
    private static class Crc32
    {
        private static readonly uint[] Table = Build();

        private static uint[] Build()
        {
            var table = new uint[256];
            for (uint i = 0; i < 256; i++)
            {
                uint c = i;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                table[i] = c;
            }
            return table;
        }

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            var table = Table;
            foreach (byte b in data) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }
    }
}
