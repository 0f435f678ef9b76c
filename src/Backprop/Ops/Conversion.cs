namespace Backprop;

// Copies and dtype conversions: To, Contiguous, Clone.
public partial class Tensor
{
    /// <summary>This tensor in another dtype (itself when already so); like tensor.to(dtype).</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var result = Tracing.Op(ConvertUnchecked(dtype), OpCatalog.ToCopy, this, dtype);
        if (!dtype.IsFloatingPoint()) return result;   // integer results carry no gradient, as in PyTorch
        return Graph.Record(result, OpCatalog.ToCopy, this, DType, static (g, dtype) => g.To(dtype));
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
        return Tracing.Op(Graph.Record(CloneContiguous(), OpCatalog.Clone, this, g => g), OpCatalog.Clone, this);
    }

    /// <summary>A copy with its own storage; like tensor.clone().</summary>
    public Tensor Clone() => Tracing.Op(Graph.Record(CloneContiguous(), OpCatalog.Clone, this, g => g), OpCatalog.Clone, this);

    /// <summary>A contiguous copy of the values, outside the graph.</summary>
    internal Tensor CloneContiguous()
    {
        var result = Uninitialized(DType, ShapeArray);
        var kernel = new CopyRun();
        Dispatch.Any(ref kernel, this, result);
        return result;
    }

    /// <summary>A contiguous copy converted to dtype, outside the graph; floats to integers truncate toward zero, as in PyTorch.</summary>
    internal Tensor ConvertUnchecked(DType dtype)
    {
        if (dtype == DType) return CloneContiguous();
        var source = IsContiguous ? this : CloneContiguous();
        var result = Uninitialized(dtype, ShapeArray);
        var kernel = new ConvertRun();
        Dispatch.Convert(ref kernel, source, result);
        return result;
    }

    /// <summary>Gathers a view's elements into a contiguous destination of its dtype.</summary>
    private readonly struct CopyRun : IAnyKernel
    {
        public void Run<T>(Lent<T> x, Lent<T> destination, Lent<T> _) where T : unmanaged
            => Kernels.Copy.Strided(x.Array, x.Offset, x.Shape, x.Strides, destination.Span);
    }

    /// <summary>Converts contiguous elements: to floats by truncation, to Int64 saturating, to Bool as "not zero".</summary>
    private readonly struct ConvertRun : IConvertKernel
    {
        public void Run<TFrom, TTo>(Lent<TFrom> source, Lent<TTo> destination) where TFrom : unmanaged where TTo : unmanaged
        {
            var s = source.Span;
            var d = destination.Span;
            if (typeof(TFrom) == typeof(bool)) ConvertFromBool(System.Runtime.InteropServices.MemoryMarshal.Cast<TFrom, bool>(s), d);
            else if (typeof(TFrom) == typeof(float)) ConvertFrom(System.Runtime.InteropServices.MemoryMarshal.Cast<TFrom, float>(s), d);
            else if (typeof(TFrom) == typeof(double)) ConvertFrom(System.Runtime.InteropServices.MemoryMarshal.Cast<TFrom, double>(s), d);
            else ConvertFrom(System.Runtime.InteropServices.MemoryMarshal.Cast<TFrom, long>(s), d);
        }
    }

    private static void ConvertFrom<TFrom, TTo>(ReadOnlySpan<TFrom> source, Span<TTo> destination)
        where TFrom : unmanaged, System.Numerics.INumber<TFrom> where TTo : unmanaged
    {
        if (typeof(TTo) == typeof(float)) { var d = System.Runtime.InteropServices.MemoryMarshal.Cast<TTo, float>(destination); for (int i = 0; i < d.Length; i++) d[i] = float.CreateTruncating(source[i]); }
        else if (typeof(TTo) == typeof(double)) { var d = System.Runtime.InteropServices.MemoryMarshal.Cast<TTo, double>(destination); for (int i = 0; i < d.Length; i++) d[i] = double.CreateTruncating(source[i]); }
        else if (typeof(TTo) == typeof(long)) { var d = System.Runtime.InteropServices.MemoryMarshal.Cast<TTo, long>(destination); for (int i = 0; i < d.Length; i++) d[i] = long.CreateSaturating(source[i]); }
        else { var d = System.Runtime.InteropServices.MemoryMarshal.Cast<TTo, bool>(destination); for (int i = 0; i < d.Length; i++) d[i] = source[i] != TFrom.Zero; }
    }

    private static void ConvertFromBool<TTo>(ReadOnlySpan<bool> source, Span<TTo> destination) where TTo : unmanaged
    {
        if (typeof(TTo) == typeof(float)) { var d = System.Runtime.InteropServices.MemoryMarshal.Cast<TTo, float>(destination); for (int i = 0; i < d.Length; i++) d[i] = source[i] ? 1 : 0; }
        else if (typeof(TTo) == typeof(double)) { var d = System.Runtime.InteropServices.MemoryMarshal.Cast<TTo, double>(destination); for (int i = 0; i < d.Length; i++) d[i] = source[i] ? 1 : 0; }
        else if (typeof(TTo) == typeof(long)) { var d = System.Runtime.InteropServices.MemoryMarshal.Cast<TTo, long>(destination); for (int i = 0; i < d.Length; i++) d[i] = source[i] ? 1 : 0; }
        else source.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<TTo, bool>(destination));
    }
}
