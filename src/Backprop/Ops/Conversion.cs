namespace Backprop;

// Copies and dtype conversions: To, Contiguous, Clone.
public partial class Tensor
{
    /// <summary>This tensor in another dtype (itself when already so); like tensor.to(dtype).</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var result = ConvertUnchecked(dtype);
        if (!dtype.IsFloatingPoint()) return result;   // integer results carry no gradient, as in PyTorch
        return Graph.Record(result, "ToCopyBackward0", this, DType, static (g, dtype) => g.To(dtype));
    }

    /// <summary>Shorthand for To(DType.Float32); like tensor.float().</summary>
    public Tensor Float() => To(DType.Float32);

    /// <summary>Shorthand for To(DType.Float64); like tensor.double().</summary>
    public Tensor Double() => To(DType.Float64);

    /// <summary>Shorthand for To(DType.Int64); like tensor.long().</summary>
    public Tensor Long() => To(DType.Int64);

    /// <summary>Shorthand for To(DType.Bool); like tensor.bool().</summary>
    public Tensor Bool() => To(DType.Bool);

    /// <summary>A contiguous tensor with the same values: this one if already contiguous; like tensor.contiguous().</summary>
    public Tensor Contiguous()
    {
        if (IsContiguous) return this;
        return Graph.Record(CloneContiguous(), "CloneBackward0", this, g => g);
    }

    /// <summary>A copy with its own storage; like tensor.clone().</summary>
    public Tensor Clone() => Graph.Record(CloneContiguous(), "CloneBackward0", this, g => g);

    /// <summary>A contiguous copy of the values, outside the graph.</summary>
    internal Tensor CloneContiguous()
    {
        var result = Uninitialized(DType, ShapeArray);
        switch (DType)
        {
            case DType.Float32: Kernels.Copy.Strided(Data<float>(), StorageOffset, ShapeArray, StrideArray, result.Span<float>()); break;
            case DType.Float64: Kernels.Copy.Strided(Data<double>(), StorageOffset, ShapeArray, StrideArray, result.Span<double>()); break;
            case DType.Int64: Kernels.Copy.Strided(Data<long>(), StorageOffset, ShapeArray, StrideArray, result.Span<long>()); break;
            case DType.Bool: Kernels.Copy.Strided(Data<bool>(), StorageOffset, ShapeArray, StrideArray, result.Span<bool>()); break;
        }
        GC.KeepAlive(this);   // its array was in use until here (StoragePool)
        return result;
    }

    /// <summary>A contiguous copy converted to dtype, outside the graph; floats to integers truncate toward zero, as in PyTorch.</summary>
    internal Tensor ConvertUnchecked(DType dtype)
    {
        if (dtype == DType) return CloneContiguous();
        var source = IsContiguous ? this : CloneContiguous();
        var result = Uninitialized(dtype, ShapeArray);
        switch (source.DType)
        {
            case DType.Float32: ConvertFrom(source.Span<float>(), result); break;
            case DType.Float64: ConvertFrom(source.Span<double>(), result); break;
            case DType.Int64: ConvertFrom(source.Span<long>(), result); break;
            case DType.Bool: ConvertFromBool(source.Span<bool>(), result); break;
        }
        GC.KeepAlive(source);
        return result;
    }

    private static void ConvertFrom<T>(ReadOnlySpan<T> source, Tensor result) where T : unmanaged, System.Numerics.INumber<T>
    {
        switch (result.DType)
        {
            case DType.Float32: { var d = result.Span<float>(); for (int i = 0; i < d.Length; i++) d[i] = float.CreateTruncating(source[i]); break; }
            case DType.Float64: { var d = result.Span<double>(); for (int i = 0; i < d.Length; i++) d[i] = double.CreateTruncating(source[i]); break; }
            case DType.Int64: { var d = result.Span<long>(); for (int i = 0; i < d.Length; i++) d[i] = long.CreateSaturating(source[i]); break; }
            case DType.Bool: { var d = result.Span<bool>(); for (int i = 0; i < d.Length; i++) d[i] = source[i] != T.Zero; break; }
        }
    }

    private static void ConvertFromBool(ReadOnlySpan<bool> source, Tensor result)
    {
        switch (result.DType)
        {
            case DType.Float32: { var d = result.Span<float>(); for (int i = 0; i < d.Length; i++) d[i] = source[i] ? 1 : 0; break; }
            case DType.Float64: { var d = result.Span<double>(); for (int i = 0; i < d.Length; i++) d[i] = source[i] ? 1 : 0; break; }
            case DType.Int64: { var d = result.Span<long>(); for (int i = 0; i < d.Length; i++) d[i] = source[i] ? 1 : 0; break; }
            case DType.Bool: source.CopyTo(result.Span<bool>()); break;
        }
    }
}
