using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Backprop.IO;

/// <summary>
/// Parses and validates a safetensors file before reading any tensor data: every size the header declares is
/// checked against the file's real length first, so a hostile or corrupt file fails with a message and never
/// makes the reader allocate more than the file holds. The checks are the reference implementation's: header
/// length within the file and at most 100 MB, a JSON object, no key twice (in the header or in an entry), names that
/// are valid Unicode, known dtypes, shapes of at most <see cref="SafeTensors.MaxRank"/> dims whose byte size equals
/// their offset span, offsets that are integers, and offsets that tile the data exactly (no overlap, no gap, nothing
/// after the last tensor). Every refusal is an <see cref="InvalidDataException"/> whose message starts with the file name.
/// </summary>
internal static class SafeTensorsReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private sealed record Entry(string Name, string DType, int[] Shape, long Begin, long End);

    public static (OrderedDictionary<string, Tensor>, IReadOnlyDictionary<string, string>) Read(Stream stream, string name)
    {
        SafeTensors.CheckLittleEndian();
        long start = stream.Position;
        long fileLength = stream.Length - start;
        if (fileLength < 8)
            throw new InvalidDataException($"{name}: the file is {fileLength} bytes long; a safetensors file starts with an 8-byte header length at offset 0");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > SafeTensors.MaxHeaderSize)
            throw new InvalidDataException(
                $"{name}: the header length at offset 0 is {headerLength} bytes, over the {SafeTensors.MaxHeaderSize}-byte limit (corrupt or not a safetensors file)");
        if ((long)headerLength > fileLength - 8)
            throw new InvalidDataException(
                $"{name}: the header length at offset 0 is {headerLength} bytes but only {fileLength - 8} bytes follow it (truncated or not a safetensors file)");

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;
        var (entries, metadata) = ParseHeader(headerBytes, name);
        CheckOffsets(entries, dataLength, dataStart, name);

        var tensors = new OrderedDictionary<string, Tensor>(entries.Count);
        foreach (var e in entries)
        {
            var bytes = new byte[e.End - e.Begin];   // bounded by the file's length, checked above
            stream.Position = start + dataStart + e.Begin;
            stream.ReadExactly(bytes);
            tensors.Add(e.Name, SafeTensorsDType.Decode(e.DType, bytes, e.Shape));
        }
        return (tensors, metadata);
    }

    private static (List<Entry>, Dictionary<string, string>) ParseHeader(byte[] header, string name)
    {
        if (header.Length == 0 || header[0] != (byte)'{')
            throw new InvalidDataException($"{name}: the header at offset 8 must be a JSON object starting with '{{'" +
                                           (header.Length == 0 ? " but it is empty" : $" but starts with byte 0x{header[0]:X2}"));
        try
        {
            StrictUtf8.GetCharCount(header);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{name}: the header is not valid UTF-8: byte 0x{e.BytesUnknown?[0]:X2} at offset {8 + e.Index}", e);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{name}: the header at offset 8 ({header.Length} bytes) is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{name}: the header at offset 8 must be a JSON object, not {root.ValueKind}");
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>();
            var seen = new HashSet<string>();
            foreach (var property in root.EnumerateObject())
            {
                string key = Text(property, name, "a tensor name");
                if (!seen.Add(key))
                    throw new InvalidDataException($"{name}: the header names \"{key}\" twice");
                if (key == SafeTensors.MetadataKey) ReadMetadata(property.Value, metadata, name);
                else entries.Add(ReadEntry(key, property.Value, name));
            }
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string name)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{name}: \"{SafeTensors.MetadataKey}\" must be an object of strings, not {value.ValueKind}");
        foreach (var item in value.EnumerateObject())
        {
            string key = Text(item, name, "a metadata key");
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"{name}: metadata \"{key}\" must be a string, not {item.Value.ValueKind}");
            if (!metadata.TryAdd(key, Text(item.Value, name, $"metadata \"{key}\"")))
                throw new InvalidDataException($"{name}: the metadata names \"{key}\" twice");
        }
    }

    /// <summary>A property's name; a name System.Text.Json cannot decode (a lone UTF-16 surrogate escape) is bad data.</summary>
    private static string Text(JsonProperty property, string name, string what)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"{name}: {what} in the header is not valid Unicode ({e.Message})", e);
        }
    }

    /// <summary>A string value; one System.Text.Json cannot decode (a lone UTF-16 surrogate escape) is bad data.</summary>
    private static string Text(JsonElement value, string name, string what)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"{name}: {what} in the header is not valid Unicode ({e.Message})", e);
        }
    }

    private static Entry ReadEntry(string tensor, JsonElement info, string name)
    {
        string Where() => $"{name}: tensor \"{tensor}\"";
        if (info.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{Where()}: expected an object with dtype, shape and data_offsets, not {info.ValueKind}");
        // The reference implementation (serde) refuses a field given twice; JsonElement would let the last one win.
        var fields = new HashSet<string>();
        foreach (var field in info.EnumerateObject())
        {
            string key = Text(field, name, $"a field name of tensor \"{tensor}\"");
            if (!fields.Add(key))
                throw new InvalidDataException($"{Where()}: the field \"{key}\" is given twice");
        }

        if (!info.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"{Where()}: missing the string \"dtype\"");
        string dtype = Text(dtypeElement, name, $"the dtype of tensor \"{tensor}\"");
        if (!SafeTensorsDType.Readable.TryGetValue(dtype, out int itemSize))
        {
            string readable = string.Join(", ", SafeTensorsDType.Readable.Keys);
            throw new InvalidDataException(SafeTensorsDType.Unsupported.Contains(dtype)
                ? $"{Where()}: dtype {dtype} is not supported (readable: {readable})"
                : $"{Where()}: unknown dtype \"{dtype}\" (readable: {readable})");
        }

        if (!info.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{Where()}: missing the array \"shape\"");
        if (shapeElement.GetArrayLength() > SafeTensors.MaxRank)
            throw new InvalidDataException(
                $"{Where()}: shape has {shapeElement.GetArrayLength()} dims, more than the {SafeTensors.MaxRank} a file may declare (SafeTensors.MaxRank)");
        var shape = new int[shapeElement.GetArrayLength()];
        int d = 0;
        foreach (var size in shapeElement.EnumerateArray())
        {
            if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt32(out shape[d]) || shape[d] < 0)
                throw new InvalidDataException($"{Where()}: shape entry {d} ({size.GetRawText()}) is not a size from 0 to {int.MaxValue}");
            d++;
        }
        long numel = Shapes.CheckedNumel(shape)
            ?? throw new InvalidDataException($"{Where()}: shape {Shapes.Format(shape)} has more elements than a tensor can hold ({Array.MaxLength})");

        if (!info.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw new InvalidDataException($"{Where()}: missing \"data_offsets\": [begin, end]");
        if (offsets[0].ValueKind != JsonValueKind.Number || offsets[1].ValueKind != JsonValueKind.Number ||
            !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < 0)
            throw new InvalidDataException($"{Where()}: data_offsets {offsets.GetRawText()} must be two non-negative integers");
        if (end < begin)
            throw new InvalidDataException($"{Where()}: data_offsets {offsets.GetRawText()} are out of order (end before begin)");
        if (numel * itemSize != end - begin)
            throw new InvalidDataException(
                $"{Where()}: shape {Shapes.Format(shape)} of {dtype} needs {numel * itemSize} bytes but data_offsets {offsets.GetRawText()} span {end - begin}");
        return new Entry(tensor, dtype, shape, begin, end);
    }

    /// <summary>The tensors' byte ranges, in order, must tile [0, dataLength) exactly.</summary>
    private static void CheckOffsets(List<Entry> entries, long dataLength, long dataStart, string name)
    {
        var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long cursor = 0;
        Entry? previous = null;
        foreach (var e in sorted)
        {
            if (e.End > dataLength)
                throw new InvalidDataException(
                    $"{name}: tensor \"{e.Name}\" data_offsets [{e.Begin}, {e.End}] run past the end of the data, which is {dataLength} bytes " +
                    $"(file offset {dataStart} to {dataStart + dataLength}): truncated file?");
            if (e.Begin < cursor)
                throw new InvalidDataException(
                    $"{name}: tensor \"{e.Name}\" data_offsets [{e.Begin}, {e.End}] overlap tensor \"{previous!.Name}\" [{previous.Begin}, {previous.End}]");
            if (e.Begin > cursor)
                throw new InvalidDataException(
                    $"{name}: bytes {cursor} to {e.Begin} of the data (file offset {dataStart + cursor}) belong to no tensor: " +
                    $"tensor \"{e.Name}\" starts at {e.Begin} but the previous one ends at {cursor}");
            cursor = e.End;
            previous = e;
        }
        if (cursor != dataLength)
            throw new InvalidDataException(
                $"{name}: {dataLength - cursor} unexpected bytes after the last tensor's data, at file offset {dataStart + cursor} " +
                $"(the header accounts for {cursor} bytes of data, the file holds {dataLength})");
    }
}
