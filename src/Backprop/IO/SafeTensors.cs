using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using Backprop.NN;

namespace Backprop.IO;

/// <summary>
/// Tensors by name in the safetensors format (Hugging Face's, as torch users save state dicts): an 8-byte
/// little-endian header length N, N bytes of UTF-8 JSON ({"name": {"dtype", "shape", "data_offsets": [begin, end]},
/// "__metadata__": {str: str}}, padded with spaces so the data starts 8-byte aligned), then the raw little-endian
/// data, each tensor's bytes contiguous and back to back. Like safetensors.torch.save_file / load_file.
/// Writes F32, F64, I64 and BOOL; reads those and F16, BF16 (as Float32), I32, U32, I16, U16, I8, U8 (as Int64).
/// </summary>
public static class SafeTensors
{
    /// <summary>The largest header accepted, as in the reference implementation (100 MB): bigger ones are refused unread.</summary>
    public const long MaxHeaderSize = 100_000_000;

    /// <summary>
    /// The most dims a tensor in a file may have; a shape with more is refused. PyTorch's own printer fails past about
    /// 300 dims and no real model comes near 64; the limit keeps a 100-byte header from declaring a 50,000-dim shape.
    /// </summary>
    public const int MaxRank = 64;

    /// <summary>The reserved header key of the free-form string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// Writes tensors (in the dictionary's order) and optional metadata to path atomically: to a temporary file in
    /// the same directory, flushed to disk, then renamed over path, so a failure or crash never leaves a
    /// half-written file and the previous file survives any failed save. Like safetensors.torch.save_file.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var (header, entries) = Prepare(tensors, metadata);   // validate before touching the disk
        AtomicFile.Write(path, stream => Write(stream, header, entries));
    }

    /// <summary>Writes tensors and optional metadata to a stream (not atomically); like safetensors.torch.save.</summary>
    public static void Save(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (header, entries) = Prepare(tensors, metadata);
        Write(stream, header, entries);
    }

    /// <summary>
    /// Reads every tensor of the file, in the header's order, each into its own new storage; like
    /// safetensors.torch.load_file. A truncated, oversized-header or inconsistent file throws
    /// <see cref="InvalidDataException"/> naming the file, the problem and the offset.
    /// </summary>
    public static OrderedDictionary<string, Tensor> Load(string path) => LoadWithMetadata(path).Tensors;

    /// <summary>As <see cref="Load(string)"/>, also returning the header's "__metadata__" (empty when absent).</summary>
    public static (OrderedDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) LoadWithMetadata(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return SafeTensorsReader.Read(stream, path);
    }

    /// <summary>As <see cref="LoadWithMetadata(string)"/>, from a seekable stream positioned at the file's start; name is used in errors.</summary>
    public static (OrderedDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) LoadWithMetadata(Stream stream, string name = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek) throw new ArgumentException("SafeTensors.LoadWithMetadata: the stream must be seekable (its length bounds every size in the header)", nameof(stream));
        return SafeTensorsReader.Read(stream, name);
    }

    /// <summary>Saves module.StateDict() to path atomically; like save_file(model.state_dict(), path) (safetensors.torch.save_model).</summary>
    public static void SaveModule(Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        Save(path, module.StateDict(), metadata);
    }

    /// <summary>
    /// Loads the file into module's parameters and buffers with <see cref="Module.LoadStateDict"/> (strict by
    /// default: missing, unexpected or mis-shaped keys fail by name); like model.load_state_dict(load_file(path))
    /// (safetensors.torch.load_model).
    /// </summary>
    public static LoadStateDictResult LoadModule(Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.LoadStateDict(Load(path), strict);
    }

    private static (byte[] Header, List<(string Name, Tensor Tensor)> Entries) Prepare(
        IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        CheckLittleEndian();
        var entries = new List<(string, Tensor)>(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            if (name is null) throw new ArgumentException("SafeTensors.Save: a tensor name is null");
            if (name == MetadataKey) throw new ArgumentException($"SafeTensors.Save: \"{MetadataKey}\" is reserved for the metadata and can't name a tensor");
            if (tensor is null) throw new ArgumentException($"SafeTensors.Save: tensor \"{name}\" is null");
            entries.Add((name, tensor));
        }

        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            if (metadata is not null)
            {
                writer.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata)
                {
                    if (key is null || value is null)
                        throw new ArgumentException($"SafeTensors.Save: metadata keys and values must be strings, got {key ?? "null"} = {value ?? "null"}");
                    writer.WriteString(key, value);
                }
                writer.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in entries)
            {
                long size = (long)tensor.Numel * tensor.DType.ItemSize();
                writer.WriteStartObject(name);
                writer.WriteString("dtype", SafeTensorsDType.NameOf(tensor.DType));
                writer.WriteStartArray("shape");
                foreach (int s in tensor.Shape) writer.WriteNumberValue(s);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + size);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += size;
            }
            writer.WriteEndObject();
        }
        // Pad with spaces (JSON whitespace) so 8 + N is a multiple of 8 and the data starts aligned, as the reference does.
        int length = (int)json.Length;
        var header = new byte[(length + 7) / 8 * 8];
        json.GetBuffer().AsSpan(0, length).CopyTo(header);
        header.AsSpan(length).Fill((byte)' ');
        return (header, entries);
    }

    private static void Write(Stream stream, byte[] header, List<(string Name, Tensor Tensor)> entries)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var (_, tensor) in entries) Dispatch.WriteBytes(tensor, stream);
    }

    internal static void CheckLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("SafeTensors: only little-endian hosts are supported");
    }
}
