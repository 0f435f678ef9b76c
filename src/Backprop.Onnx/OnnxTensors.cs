using System.Runtime.InteropServices;
using Backprop.Onnx.Proto;
using Google.Protobuf;

namespace Backprop.Onnx;

/// <summary>Backprop tensors as ONNX TensorProtos and types: the element type codes and little-endian raw data.</summary>
internal static class OnnxTensors
{
    /// <summary>ONNX's TensorProto.DataType code for dtype.</summary>
    public static int ElementType(DType dtype) => dtype switch
    {
        DType.Float32 => (int)TensorProto.Types.DataType.Float,
        DType.Float64 => (int)TensorProto.Types.DataType.Double,
        DType.Int64 => (int)TensorProto.Types.DataType.Int64,
        DType.Bool => (int)TensorProto.Types.DataType.Bool,
        _ => throw new NotSupportedException($"Onnx.Export: dtype {dtype.TorchName()} has no ONNX element type here"),
    };

    /// <summary>The values of t (any layout) as a named TensorProto with raw little-endian data, as torch.onnx writes initializers.</summary>
    public static TensorProto ToProto(Tensor t, string name)
    {
        var proto = new TensorProto { Name = name, DataType = ElementType(t.DType) };
        foreach (var d in t.Shape) proto.Dims.Add(d);
        byte[] raw = t.DType switch
        {
            DType.Float32 => Bytes(t.ToArray<float>()),
            DType.Float64 => Bytes(t.ToArray<double>()),
            DType.Int64 => Bytes(t.ToArray<long>()),
            DType.Bool => t.ToArray<bool>().Select(b => b ? (byte)1 : (byte)0).ToArray(),
            _ => throw new NotSupportedException($"Onnx.Export: dtype {t.DType.TorchName()} has no ONNX element type here"),
        };
        proto.RawData = ByteString.CopyFrom(raw);
        return proto;
    }

    /// <summary>A 1-D Int64 TensorProto (shapes, axes, starts and ends).</summary>
    public static TensorProto Int64s(string name, IReadOnlyList<long> values)
    {
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.Add(values.Count);
        proto.RawData = ByteString.CopyFrom(Bytes(values.ToArray()));
        return proto;
    }

    /// <summary>A 0-d TensorProto holding value in dtype.</summary>
    public static TensorProto ScalarOf(string name, double value, DType dtype)
    {
        var proto = new TensorProto { Name = name, DataType = ElementType(dtype) };
        proto.RawData = ByteString.CopyFrom(dtype switch
        {
            DType.Float32 => Bytes([(float)value]),
            DType.Float64 => Bytes([value]),
            DType.Int64 => Bytes([(long)value]),
            DType.Bool => [value != 0 ? (byte)1 : (byte)0],
            _ => throw new NotSupportedException($"Onnx.Export: dtype {dtype.TorchName()} has no ONNX element type here"),
        });
        return proto;
    }

    /// <summary>The type of a graph input or output: element type and shape, dim 0 symbolic when batchDim is given.</summary>
    public static TypeProto TypeOf(DType dtype, ReadOnlySpan<int> shape, string? batchDim)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = ElementType(dtype), Shape = new TensorShapeProto() };
        for (int i = 0; i < shape.Length; i++)
            tensorType.Shape.Dim.Add(i == 0 && batchDim is not null
                ? new TensorShapeProto.Types.Dimension { DimParam = batchDim }
                : new TensorShapeProto.Types.Dimension { DimValue = shape[i] });
        return new TypeProto { TensorType = tensorType };
    }

    // ONNX raw_data is little-endian; so is every platform .NET runs this on (checked once, not silently assumed).
    private static byte[] Bytes<T>(T[] values) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Onnx.Export: writes raw tensor data on little-endian machines only");
        return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }
}
