using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Backprop.IO;

/// <summary>
/// The safetensors dtype names and how each is read into a Backprop dtype: floats wider or equal to 32 bits as
/// themselves, F16/BF16 widened to Float32 (exactly: every half and bfloat16 value is a float), integer types
/// widened to Int64, BOOL as Bool.
/// </summary>
internal static class SafeTensorsDType
{
    /// <summary>The dtypes this reader understands, with their item sizes.</summary>
    public static readonly IReadOnlyDictionary<string, int> Readable = new Dictionary<string, int>
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2,
        ["I64"] = 8, ["I32"] = 4, ["U32"] = 4, ["I16"] = 2, ["U16"] = 2, ["I8"] = 1, ["U8"] = 1,
        ["BOOL"] = 1,
    };

    /// <summary>Dtypes the format defines that have no Backprop counterpart (named so the error can say "unsupported", not "unknown").</summary>
    public static readonly IReadOnlySet<string> Unsupported = new HashSet<string>
    {
        "U64", "C64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4",
    };

    /// <summary>The name written for a Backprop dtype.</summary>
    public static string NameOf(DType dtype) => dtype switch
    {
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        DType.Int64 => "I64",
        DType.Bool => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>Decodes little-endian bytes of the named dtype into a new tensor of the given shape.</summary>
    public static Tensor Decode(string dtype, byte[] bytes, int[] shape)
    {
        var b = bytes.AsSpan();
        switch (dtype)
        {
            case "F32": return Tensor.Wrap(Cast<float>(b), shape);
            case "F64": return Tensor.Wrap(Cast<double>(b), shape);
            case "I64": return Tensor.Wrap(Cast<long>(b), shape);
            case "BOOL":
            {
                var v = new bool[b.Length];
                for (int i = 0; i < v.Length; i++) v[i] = b[i] != 0;
                return Tensor.Wrap(v, shape);
            }
            case "F16":
            {
                var v = new float[b.Length / 2];
                for (int i = 0; i < v.Length; i++) v[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(b[(2 * i)..]));
                return Tensor.Wrap(v, shape);
            }
            case "BF16":
            {
                // bfloat16 is the top half of a float32: shifting the bits back up is exact.
                var v = new float[b.Length / 2];
                for (int i = 0; i < v.Length; i++) v[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b[(2 * i)..]) << 16);
                return Tensor.Wrap(v, shape);
            }
            default: return Tensor.Wrap(DecodeInteger(dtype, b), shape);
        }
    }

    private static long[] DecodeInteger(string dtype, ReadOnlySpan<byte> b)
    {
        int size = Readable[dtype];
        var v = new long[b.Length / size];
        for (int i = 0; i < v.Length; i++)
        {
            var at = b[(size * i)..];
            v[i] = dtype switch
            {
                "I32" => BinaryPrimitives.ReadInt32LittleEndian(at),
                "U32" => BinaryPrimitives.ReadUInt32LittleEndian(at),
                "I16" => BinaryPrimitives.ReadInt16LittleEndian(at),
                "U16" => BinaryPrimitives.ReadUInt16LittleEndian(at),
                "I8" => (sbyte)at[0],
                _ => at[0],   // U8
            };
        }
        return v;
    }

    private static T[] Cast<T>(ReadOnlySpan<byte> bytes) where T : unmanaged => MemoryMarshal.Cast<byte, T>(bytes).ToArray();
}
