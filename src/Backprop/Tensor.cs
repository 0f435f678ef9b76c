using System.Runtime.CompilerServices;

namespace Backprop;

/// <summary>
/// An n-dimensional array with PyTorch semantics: a view (offset, shape, strides) over a shared
/// <see cref="Storage"/>, plus the fields reverse-mode autograd needs. Like torch.Tensor.
/// </summary>
public partial class Tensor
{
    internal readonly Storage Storage;
    internal readonly int StorageOffset;
    // Shared between tensors (an op's result takes its input's shape array; strides come from shared tables):
    // never written after construction; code that needs a variant clones first.
    internal readonly int[] ShapeArray;
    internal readonly int[] StrideArray;

    /// <summary>The tensor this one is a view of (null when it owns its storage's layout); like tensor._base.</summary>
    internal readonly Tensor? ViewBase;

    /// <summary>True for a Python-number operand wrapped as a 0-d tensor: it takes part in type promotion last.</summary>
    internal bool IsWrappedNumber;

    internal Tensor(Storage storage, int offset, int[] shape, int[] strides, Tensor? viewBase = null)
    {
        Storage = storage;
        StorageOffset = offset;
        ShapeArray = shape;
        StrideArray = strides;
        ViewBase = viewBase is null ? null : viewBase.ViewBase ?? viewBase;
        Numel = Shapes.Numel(shape);
        IsContiguous = Shapes.IsContiguous(shape, strides);
        Tracing.Current?.Created(this);   // an exporter sees every tensor the traced forward makes (Autograd/Tracing.cs)
    }

    /// <summary>A new contiguous tensor of the given shape, zero-filled.</summary>
    internal static Tensor ZeroFilled(DType dtype, int[] shape)
    {
        int n = Shapes.Numel(shape);
        return new Tensor(Storage.Allocate(dtype, n), 0, shape, Shapes.ContiguousStrides(shape));
    }

    /// <summary>
    /// A new contiguous tensor whose elements are garbage (a recycled array's old values): only for a caller that
    /// writes every element before anything reads one.
    /// </summary>
    internal static Tensor Uninitialized(DType dtype, int[] shape)
    {
        int n = Shapes.Numel(shape);
        return new Tensor(Storage.Allocate(dtype, n, clear: false), 0, shape, Shapes.ContiguousStrides(shape));
    }

    /// <summary>A new contiguous tensor over the given array (not copied).</summary>
    internal static Tensor Wrap<T>(T[] data, int[] shape) where T : unmanaged
        => new(new Storage<T>(data), 0, shape, Shapes.ContiguousStrides(shape));

    /// <summary>The element type; like tensor.dtype.</summary>
    public DType DType => Storage.DType;

    /// <summary>The sizes of each dimension; like tensor.shape.</summary>
    public ReadOnlySpan<int> Shape => ShapeArray;

    /// <summary>Elements to step in storage per step along each dimension; like tensor.stride().</summary>
    public ReadOnlySpan<int> Strides => StrideArray;

    /// <summary>Where this view starts in its storage; like tensor.storage_offset().</summary>
    public int Offset => StorageOffset;

    /// <summary>The number of dimensions; like tensor.dim().</summary>
    public int Dim => ShapeArray.Length;

    /// <summary>The number of elements; like tensor.numel().</summary>
    public int Numel { get; }

    /// <summary>True when the elements lie in row-major order without gaps; like tensor.is_contiguous().</summary>
    public bool IsContiguous { get; }

    /// <summary>The size of one dimension (negative dims count from the end); like tensor.size(dim).</summary>
    public int Size(int dim) => ShapeArray[Shapes.NormalizeDim("Size", dim, Dim)];

    /// <summary>The stride of one dimension; like tensor.stride(dim).</summary>
    public int Stride(int dim) => StrideArray[Shapes.NormalizeDim("Stride", dim, Dim)];

    /// <summary>True when both tensors are views of the same storage.</summary>
    public bool SharesStorageWith(Tensor other) => ReferenceEquals(Storage, other.Storage);

    /// <summary>Storage index of the element at a flat row-major position.</summary>
    internal int StorageIndex(int flat)
    {
        if (IsContiguous) return StorageOffset + flat;
        int index = StorageOffset;
        for (int d = ShapeArray.Length - 1; d >= 0; d--)
        {
            int size = ShapeArray[d];
            index += flat % size * StrideArray[d];
            flat /= size;
        }
        return index;
    }

    /// <summary>The value of a one-element tensor as a double; like tensor.item().</summary>
    public double Item()
    {
        if (Numel != 1)
            throw new InvalidOperationException($"Item: a Tensor with {Numel} elements cannot be converted to a scalar");
        var kernel = new ElementRun(StorageIndex(0));
        Dispatch.Any(ref kernel, this);
        return kernel.Value;
    }

    /// <summary>Reads the element at a storage index as a double, or writes it when Write is set.</summary>
    private struct ElementRun(int index, bool write = false, double value = 0) : IAnyKernel
    {
        public double Value = value;

        public void Run<T>(Lent<T> x, Lent<T> _, Lent<T> __) where T : unmanaged
        {
            ref T element = ref x.Array[index];
            if (typeof(T) == typeof(float)) { ref var e = ref Unsafe.As<T, float>(ref element); if (write) e = (float)Value; else Value = e; }
            else if (typeof(T) == typeof(double)) { ref var e = ref Unsafe.As<T, double>(ref element); if (write) e = Value; else Value = e; }
            else if (typeof(T) == typeof(long)) { ref var e = ref Unsafe.As<T, long>(ref element); if (write) e = (long)Value; else Value = e; }
            else { ref var e = ref Unsafe.As<T, bool>(ref element); if (write) e = Value != 0; else Value = e ? 1 : 0; }
        }
    }

    /// <summary>The value of a one-element tensor; like tensor.item(), typed.</summary>
    public T Item<T>() where T : unmanaged
    {
        if (DTypeOf<T>.Value != DType)
            throw new ArgumentException($"Item<{typeof(T).Name}>: the tensor's dtype is {DType.TorchName()}; use To() first");
        if (Numel != 1)
            throw new InvalidOperationException($"Item: a Tensor with {Numel} elements cannot be converted to a scalar");
        var kernel = new TypedElementRun<T>(StorageIndex(0));
        Dispatch.Any(ref kernel, this);
        return kernel.Value;
    }

    /// <summary>Reads the element at a storage index, of the caller's element type (checked to be the dtype's).</summary>
    private struct TypedElementRun<TResult>(int index) : IAnyKernel where TResult : unmanaged
    {
        public TResult Value;

        public void Run<T>(Lent<T> x, Lent<T> _, Lent<T> __) where T : unmanaged => Value = Unsafe.As<T, TResult>(ref x.Array[index]);
    }

    /// <summary>The elements in row-major order, copied into a new array; like tensor.flatten().tolist().</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        if (DTypeOf<T>.Value != DType)
            throw new ArgumentException($"ToArray<{typeof(T).Name}>: the tensor's dtype is {DType.TorchName()}; use To() first");
        var result = new T[Numel];
        var kernel = new ToArrayRun<T>(result);
        Dispatch.Any(ref kernel, this);
        return result;
    }

    /// <summary>Gathers a view's elements into an array of the caller's element type (checked to be the dtype's).</summary>
    private readonly struct ToArrayRun<TResult>(TResult[] result) : IAnyKernel where TResult : unmanaged
    {
        public void Run<T>(Lent<T> x, Lent<T> _, Lent<T> __) where T : unmanaged
            => Kernels.Copy.Strided(x.Array, x.Offset, x.Shape, x.Strides, System.Runtime.InteropServices.MemoryMarshal.Cast<TResult, T>(result.AsSpan()));
    }

    /// <summary>The elements as doubles in row-major order, whatever the dtype.</summary>
    public double[] ToDoubleArray() => To(DType.Float64).ToArray<double>();

    /// <summary>The multi-index of a flat row-major position.</summary>
    internal int[] UnravelIndex(int flat)
    {
        var index = new int[Dim];
        for (int d = Dim - 1; d >= 0; d--)
        {
            index[d] = flat % ShapeArray[d];
            flat /= ShapeArray[d];
        }
        return index;
    }

    /// <summary>Sets the element at a flat row-major position, outside the graph.</summary>
    internal void FillAt(int flat, double value)
    {
        var kernel = new ElementRun(StorageIndex(flat), write: true, value);
        Dispatch.Any(ref kernel, this);
    }
}
