using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop;

/// <summary>
/// A tensor's elements lent to a kernel for one <see cref="Dispatch"/> call: the storage's array and where the view
/// lies in it. A ref struct: it cannot outlive the call that lends it, and the call keeps the tensor alive.
/// </summary>
internal readonly ref struct Lent<T> where T : unmanaged
{
    // Only the tensor is held: a lease is one register wide, and a kernel reads just the parts it uses.
    private readonly Tensor _tensor;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Lent(Tensor t) => _tensor = t;

    /// <summary>True for the lease of an operand the caller did not pass (null).</summary>
    public bool IsNone => _tensor is null;

    // An operand the caller did not pass (null) has no array, offset 0 and no elements.
    public T[] Array => _tensor is null ? null! : ((Storage<T>)_tensor.Storage).Data;

    public int Offset => _tensor is null ? 0 : _tensor.StorageOffset;

    public int[] Shape => _tensor is null ? null! : _tensor.ShapeArray;

    public int[] Strides => _tensor is null ? null! : _tensor.StrideArray;

    public int Length => _tensor is null ? 0 : _tensor.Numel;

    /// <summary>The elements of a contiguous view (none for an operand not passed).</summary>
    public Span<T> Span => _tensor is null ? default : ((Storage<T>)_tensor.Storage).Data.AsSpan(_tensor.StorageOffset, _tensor.Numel);
}

/// <summary>A kernel over elements of any dtype (Bool included).</summary>
internal interface IAnyKernel
{
    void Run<T>(Lent<T> a, Lent<T> b, Lent<T> c) where T : unmanaged;
}

/// <summary>A kernel over numbers: Float32, Float64, Int64.</summary>
internal interface INumberKernel
{
    void Run<T>(Lent<T> a, Lent<T> b, Lent<T> c) where T : unmanaged, INumber<T>;
}

/// <summary>A kernel over floating-point elements: Float32, Float64.</summary>
internal interface IFloatKernel
{
    void Run<T>(Lent<T> a, Lent<T> b, Lent<T> c) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>A kernel from numbers of one dtype (a, b) to Bool elements (c): comparisons.</summary>
internal interface ICompareKernel
{
    void Run<T>(Lent<T> a, Lent<T> b, Lent<bool> c) where T : unmanaged, INumber<T>;
}

/// <summary>A kernel over elements of any dtype (a, b) and Int64 positions (index): gathers and selections.</summary>
internal interface IIndexedKernel
{
    void Run<T>(Lent<T> a, Lent<T> b, Lent<long> index) where T : unmanaged;
}

/// <summary>A kernel over numbers (a, b) and Int64 positions (index): scatters that add, extremes with their indices.</summary>
internal interface INumberIndexedKernel
{
    void Run<T>(Lent<T> a, Lent<T> b, Lent<long> index) where T : unmanaged, INumber<T>;
}

/// <summary>A kernel over floating-point elements (a, b) and Int64 positions (index): max pooling.</summary>
internal interface IFloatIndexedKernel
{
    void Run<T>(Lent<T> a, Lent<T> b, Lent<long> index) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>A kernel over up to six floating-point operands of one dtype: a convolution's backward.</summary>
internal interface IFloatKernel6
{
    void Run<T>(Lent<T> a, Lent<T> b, Lent<T> c, Lent<T> d, Lent<T> e, Lent<T> f) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>A kernel choosing by a Bool condition between the elements of a and b into result: where.</summary>
internal interface IWhereKernel
{
    void Run<T>(Lent<bool> condition, Lent<T> a, Lent<T> b, Lent<T> result) where T : unmanaged;
}

/// <summary>A kernel from the elements of one dtype (a) to those of another (b): conversions.</summary>
internal interface IConvertKernel
{
    void Run<TFrom, TTo>(Lent<TFrom> a, Lent<TTo> b) where TFrom : unmanaged where TTo : unmanaged;
}

/// <summary>
/// The one place that lends a storage's array to a kernel, and the one dtype switch. Each method picks the element
/// type from the first operand's dtype, lends the operands' arrays (all of that dtype; b and c may be null), runs the
/// kernel, and keeps the operands alive until the kernel has returned. Pooled arrays go back to
/// <see cref="StoragePool"/> once their storage is unreachable, so code that held an array past its tensor's last use
/// would read or write another tensor's elements; here the operands are parameters kept alive to the end, so no caller
/// can forget. Kernels are structs (or ref structs) passed by reference: the JIT specializes each call, nothing is
/// allocated, and a kernel returns values through its own fields.
/// </summary>
internal static class Dispatch
{
    /// <summary>Runs kernel over any dtype.</summary>
    public static void Any<TKernel>(ref TKernel kernel, Tensor a, Tensor? b = null, Tensor? c = null)
        where TKernel : IAnyKernel, allows ref struct
    {
        switch (a.DType)
        {
            case DType.Float32: kernel.Run(Lend<float>(a), Lend<float>(b), Lend<float>(c)); break;
            case DType.Float64: kernel.Run(Lend<double>(a), Lend<double>(b), Lend<double>(c)); break;
            case DType.Int64: kernel.Run(Lend<long>(a), Lend<long>(b), Lend<long>(c)); break;
            case DType.Bool: kernel.Run(Lend<bool>(a), Lend<bool>(b), Lend<bool>(c)); break;
            default: throw Unsupported(a.DType, "any dtype");
        }
        KeepAlive(a, b, c);
    }

    /// <summary>Runs kernel over Float32, Float64 or Int64 elements.</summary>
    public static void Number<TKernel>(ref TKernel kernel, Tensor a, Tensor? b = null, Tensor? c = null)
        where TKernel : INumberKernel, allows ref struct
    {
        switch (a.DType)
        {
            case DType.Float32: kernel.Run(Lend<float>(a), Lend<float>(b), Lend<float>(c)); break;
            case DType.Float64: kernel.Run(Lend<double>(a), Lend<double>(b), Lend<double>(c)); break;
            case DType.Int64: kernel.Run(Lend<long>(a), Lend<long>(b), Lend<long>(c)); break;
            default: throw Unsupported(a.DType, "a number dtype");
        }
        KeepAlive(a, b, c);
    }

    /// <summary>Runs kernel over Float32 or Float64 elements.</summary>
    public static void Float<TKernel>(ref TKernel kernel, Tensor a, Tensor? b = null, Tensor? c = null)
        where TKernel : IFloatKernel, allows ref struct
    {
        switch (a.DType)
        {
            case DType.Float32: kernel.Run(Lend<float>(a), Lend<float>(b), Lend<float>(c)); break;
            case DType.Float64: kernel.Run(Lend<double>(a), Lend<double>(b), Lend<double>(c)); break;
            default: throw Unsupported(a.DType, "a floating-point dtype");
        }
        KeepAlive(a, b, c);
    }

    /// <summary>Runs kernel over the numbers of a and b, writing the Bool tensor c.</summary>
    public static void Compare<TKernel>(ref TKernel kernel, Tensor a, Tensor b, Tensor c)
        where TKernel : ICompareKernel, allows ref struct
    {
        switch (a.DType)
        {
            case DType.Float32: kernel.Run(Lend<float>(a), Lend<float>(b), Lend<bool>(c)); break;
            case DType.Float64: kernel.Run(Lend<double>(a), Lend<double>(b), Lend<bool>(c)); break;
            case DType.Int64: kernel.Run(Lend<long>(a), Lend<long>(b), Lend<bool>(c)); break;
            default: throw Unsupported(a.DType, "a number dtype");
        }
        KeepAlive(a, b, c);
    }

    /// <summary>Runs kernel over a and b of any dtype with the Int64 tensor index.</summary>
    public static void Indexed<TKernel>(ref TKernel kernel, Tensor a, Tensor? b, Tensor index)
        where TKernel : IIndexedKernel, allows ref struct
    {
        switch (a.DType)
        {
            case DType.Float32: kernel.Run(Lend<float>(a), Lend<float>(b), Lend<long>(index)); break;
            case DType.Float64: kernel.Run(Lend<double>(a), Lend<double>(b), Lend<long>(index)); break;
            case DType.Int64: kernel.Run(Lend<long>(a), Lend<long>(b), Lend<long>(index)); break;
            case DType.Bool: kernel.Run(Lend<bool>(a), Lend<bool>(b), Lend<long>(index)); break;
            default: throw Unsupported(a.DType, "any dtype");
        }
        KeepAlive(a, b, index);
    }

    /// <summary>Runs kernel over the numbers of a and b with the Int64 tensor index.</summary>
    public static void NumberIndexed<TKernel>(ref TKernel kernel, Tensor a, Tensor? b, Tensor index)
        where TKernel : INumberIndexedKernel, allows ref struct
    {
        switch (a.DType)
        {
            case DType.Float32: kernel.Run(Lend<float>(a), Lend<float>(b), Lend<long>(index)); break;
            case DType.Float64: kernel.Run(Lend<double>(a), Lend<double>(b), Lend<long>(index)); break;
            case DType.Int64: kernel.Run(Lend<long>(a), Lend<long>(b), Lend<long>(index)); break;
            default: throw Unsupported(a.DType, "a number dtype");
        }
        KeepAlive(a, b, index);
    }

    /// <summary>Runs kernel over the floating-point elements of a and b with the Int64 tensor index.</summary>
    public static void FloatIndexed<TKernel>(ref TKernel kernel, Tensor a, Tensor? b, Tensor index)
        where TKernel : IFloatIndexedKernel, allows ref struct
    {
        switch (a.DType)
        {
            case DType.Float32: kernel.Run(Lend<float>(a), Lend<float>(b), Lend<long>(index)); break;
            case DType.Float64: kernel.Run(Lend<double>(a), Lend<double>(b), Lend<long>(index)); break;
            default: throw Unsupported(a.DType, "a floating-point dtype");
        }
        KeepAlive(a, b, index);
    }

    /// <summary>Runs kernel over up to six floating-point operands of a's dtype (absent ones null).</summary>
    public static void Float<TKernel>(ref TKernel kernel, Tensor a, Tensor? b, Tensor? c, Tensor? d, Tensor? e, Tensor? f)
        where TKernel : IFloatKernel6, allows ref struct
    {
        switch (a.DType)
        {
            case DType.Float32: kernel.Run(Lend<float>(a), Lend<float>(b), Lend<float>(c), Lend<float>(d), Lend<float>(e), Lend<float>(f)); break;
            case DType.Float64: kernel.Run(Lend<double>(a), Lend<double>(b), Lend<double>(c), Lend<double>(d), Lend<double>(e), Lend<double>(f)); break;
            default: throw Unsupported(a.DType, "a floating-point dtype");
        }
        KeepAlive(a, b, c, d, e, f);
    }

    /// <summary>Runs kernel with the Bool condition over a, b and result, all three of result's dtype.</summary>
    public static void Where<TKernel>(ref TKernel kernel, Tensor condition, Tensor a, Tensor b, Tensor result)
        where TKernel : IWhereKernel, allows ref struct
    {
        var c = Lend<bool>(condition);
        switch (result.DType)
        {
            case DType.Float32: kernel.Run(c, Lend<float>(a), Lend<float>(b), Lend<float>(result)); break;
            case DType.Float64: kernel.Run(c, Lend<double>(a), Lend<double>(b), Lend<double>(result)); break;
            case DType.Int64: kernel.Run(c, Lend<long>(a), Lend<long>(b), Lend<long>(result)); break;
            case DType.Bool: kernel.Run(c, Lend<bool>(a), Lend<bool>(b), Lend<bool>(result)); break;
            default: throw Unsupported(result.DType, "any dtype");
        }
        KeepAlive(condition, a, b, result);
    }

    /// <summary>Runs kernel from a's elements to b's, whatever the two dtypes.</summary>
    public static void Convert<TKernel>(ref TKernel kernel, Tensor a, Tensor b)
        where TKernel : IConvertKernel, allows ref struct
    {
        switch (a.DType)
        {
            case DType.Float32: ConvertTo<TKernel, float>(ref kernel, a, b); break;
            case DType.Float64: ConvertTo<TKernel, double>(ref kernel, a, b); break;
            case DType.Int64: ConvertTo<TKernel, long>(ref kernel, a, b); break;
            case DType.Bool: ConvertTo<TKernel, bool>(ref kernel, a, b); break;
            default: throw Unsupported(a.DType, "any dtype");
        }
        KeepAlive(a, b, null);
    }

    private static void ConvertTo<TKernel, TFrom>(ref TKernel kernel, Tensor a, Tensor b)
        where TKernel : IConvertKernel, allows ref struct where TFrom : unmanaged
    {
        switch (b.DType)
        {
            case DType.Float32: kernel.Run(Lend<TFrom>(a), Lend<float>(b)); break;
            case DType.Float64: kernel.Run(Lend<TFrom>(a), Lend<double>(b)); break;
            case DType.Int64: kernel.Run(Lend<TFrom>(a), Lend<long>(b)); break;
            case DType.Bool: kernel.Run(Lend<TFrom>(a), Lend<bool>(b)); break;
            default: throw Unsupported(b.DType, "any dtype");
        }
    }

    /// <summary>The element at storageIndex of t's storage (t's dtype must be T), read while t is kept alive.</summary>
    public static T Element<T>(Tensor t, int storageIndex) where T : unmanaged
    {
        T value = ((Storage<T>)t.Storage).Data[storageIndex];
        KeepAlive(t, null, null);
        return value;
    }

    /// <summary>
    /// Writes the element at storageIndex of t's storage, bypassing the version counter: for GradCheck's nudges, which
    /// restore every value before anything can have saved it.
    /// </summary>
    public static void SetElement<T>(Tensor t, int storageIndex, T value) where T : unmanaged
    {
        ((Storage<T>)t.Storage).Data[storageIndex] = value;
        KeepAlive(t, null, null);
    }

    /// <summary>Writes the bytes of t's elements, row-major, host byte order, to stream (safetensors' data).</summary>
    public static void WriteBytes(Tensor t, Stream stream)
    {
        var c = t.IsContiguous ? t : t.Contiguous();
        switch (c.DType)
        {
            case DType.Float32: WriteElements<float>(c, stream); break;
            case DType.Float64: WriteElements<double>(c, stream); break;
            case DType.Int64: WriteElements<long>(c, stream); break;
            case DType.Bool: WriteElements<bool>(c, stream); break;   // one byte, 0 or 1
            default: throw Unsupported(c.DType, "any dtype");
        }
        KeepAlive(t, c, null);
    }

    private static void WriteElements<T>(Tensor contiguous, Stream stream) where T : unmanaged
        => stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new Lent<T>(contiguous).Span));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Lent<T> Lend<T>(Tensor? t) where T : unmanaged => t is null ? default : new Lent<T>(t);

    // The one GC.KeepAlive of the op layer: the operands stay reachable until every kernel that had their arrays is done.
    private static void KeepAlive(Tensor a, Tensor? b, Tensor? c, Tensor? d = null, Tensor? e = null, Tensor? f = null)
    {
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(c);
        GC.KeepAlive(d);
        GC.KeepAlive(e);
        GC.KeepAlive(f);
    }

    private static ArgumentException Unsupported(DType dtype, string expected)
        => new($"this operation takes {expected}, not {dtype.TorchName()}");
}
