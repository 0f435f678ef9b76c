using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>
/// Loops that read or write along one dim at positions given by an index tensor: gather / scatter-add (one index
/// per element) and index-select / index-add (one index per slice). Indices are validated by the caller.
/// </summary>
internal static class Indexing
{
    /// <summary>
    /// destination[i] = source[i with i[dim] replaced by index[i]], for every multi-index i of indexShape
    /// (row-major; index and destination contiguous, source read through its strides).
    /// </summary>
    public static void Gather<T>(T[] source, int sourceOffset, int[] sourceStrides, ReadOnlySpan<long> index, int[] indexShape, int dim,
        Span<T> destination) where T : unmanaged
    {
        int n = destination.Length;
        if (n == 0) return;
        var walk = (int[])sourceStrides.Clone();
        walk[dim] = 0;   // the walk covers every dim but dim; the index supplies that coordinate
        int dimStride = sourceStrides[dim];
        Span<int> counter = stackalloc int[indexShape.Length];
        int at = sourceOffset;
        for (int f = 0; f < n; f++)
        {
            destination[f] = source[at + (int)index[f] * dimStride];
            Step(counter, indexShape, walk, ref at);
        }
    }

    /// <summary>
    /// destination[i with i[dim] replaced by index[i]] += source[i], for every multi-index i of indexShape
    /// (index contiguous, destination contiguous with destinationStrides, source read through its strides).
    /// </summary>
    public static void ScatterAdd<T>(Span<T> destination, int[] destinationStrides, ReadOnlySpan<long> index, int[] indexShape, int dim,
        T[] source, int sourceOffset, int[] sourceStrides) where T : unmanaged, INumber<T>
    {
        int n = index.Length;
        if (n == 0) return;
        var walk = (int[])destinationStrides.Clone();
        walk[dim] = 0;
        int dimStride = destinationStrides[dim];
        Span<int> counter = stackalloc int[indexShape.Length];
        int at = 0, from = sourceOffset;
        for (int f = 0; f < n; f++)
        {
            destination[at + (int)index[f] * dimStride] += source[from];
            Step(counter, indexShape, walk, ref at, sourceStrides, ref from);
        }
    }

    /// <summary>
    /// destination[.., index[i], ..] = source[i] along dim, over the index's shape in row-major order (a position
    /// written twice keeps the later value, as torch's CPU kernel does); source and destination strided.
    /// </summary>
    public static void Scatter<T>(Span<T> destination, int[] destinationStrides, ReadOnlySpan<long> index, int[] indexShape, int dim,
        T[] source, int sourceOffset, int[] sourceStrides) where T : unmanaged
    {
        int n = index.Length;
        if (n == 0) return;
        var walk = (int[])destinationStrides.Clone();
        walk[dim] = 0;
        int dimStride = destinationStrides[dim];
        Span<int> counter = stackalloc int[indexShape.Length];
        int at = 0, from = sourceOffset;
        for (int f = 0; f < n; f++)
        {
            destination[at + (int)index[f] * dimStride] = source[from];
            Step(counter, indexShape, walk, ref at, sourceStrides, ref from);
        }
    }

    /// <summary>destination[.., index[i], ..] *= source[i] along dim (repeated positions multiply in turn).</summary>
    public static void ScatterMultiply<T>(Span<T> destination, int[] destinationStrides, ReadOnlySpan<long> index, int[] indexShape, int dim,
        T[] source, int sourceOffset, int[] sourceStrides) where T : unmanaged, INumber<T>
    {
        int n = index.Length;
        if (n == 0) return;
        var walk = (int[])destinationStrides.Clone();
        walk[dim] = 0;
        int dimStride = destinationStrides[dim];
        Span<int> counter = stackalloc int[indexShape.Length];
        int at = 0, from = sourceOffset;
        for (int f = 0; f < n; f++)
        {
            destination[at + (int)index[f] * dimStride] *= source[from];
            Step(counter, indexShape, walk, ref at, sourceStrides, ref from);
        }
    }

    /// <summary>destination[o, j, :] = source[o, index[j], :] for contiguous [outer, size, inner] source and [outer, len, inner] destination.</summary>
    public static void IndexSelect<T>(ReadOnlySpan<T> source, int outer, int size, int inner, ReadOnlySpan<long> index, Span<T> destination)
        where T : unmanaged
    {
        int len = index.Length;
        // Rows picked at random from a large tensor (a shuffled batch of a dataset) each start with a miss to memory:
        // ask for the row after next while this one is copied (a batch of 64 Fashion-MNIST images and labels: 47–63 → 41–48 µs here).
        bool prefetch = Sse.IsSupported && (long)inner * Unsafe.SizeOf<T>() >= 256;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < len; j++)
            {
                if (prefetch && j + PrefetchAhead < len) PrefetchRow(source, (o * size + (int)index[j + PrefetchAhead]) * inner, inner);
                source.Slice((o * size + (int)index[j]) * inner, inner).CopyTo(destination.Slice((o * len + j) * inner, inner));
            }
    }

    private const int PrefetchAhead = 2;

    /// <summary>Prefetches the first cache lines of source[start..start+count] (the hardware follows the rest of a row).</summary>
    private static unsafe void PrefetchRow<T>(ReadOnlySpan<T> source, int start, int count) where T : unmanaged
    {
        int bytes = Math.Min(count * sizeof(T), 4 * 64);
        fixed (T* p = source)
        {
            byte* row = (byte*)(p + start);
            for (int b = 0; b < bytes; b += 64) Sse.Prefetch0(row + b);
        }
    }

    /// <summary>destination[o, index[j], :] += source[o, j, :] for contiguous [outer, size, inner] destination and [outer, len, inner] source.</summary>
    public static void IndexAdd<T>(Span<T> destination, int outer, int size, int inner, ReadOnlySpan<long> index, ReadOnlySpan<T> source)
        where T : unmanaged, INumber<T>
    {
        int len = index.Length;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < len; j++)
            {
                var row = destination.Slice((o * size + (int)index[j]) * inner, inner);
                TensorPrimitives.Add(row, source.Slice((o * len + j) * inner, inner), row);
            }
    }

    /// <summary>Steps a row-major counter over all of shape, moving one storage offset.</summary>
    private static void Step(Span<int> counter, int[] shape, int[] strides, ref int offset)
    {
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            offset += strides[d];
            if (++counter[d] < shape[d]) return;
            offset -= strides[d] * shape[d];
            counter[d] = 0;
        }
    }

    /// <summary>As <see cref="Step(Span{int}, int[], int[], ref int)"/>, moving two offsets.</summary>
    private static void Step(Span<int> counter, int[] shape, int[] stridesA, ref int a, int[] stridesB, ref int b)
    {
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            a += stridesA[d];
            b += stridesB[d];
            if (++counter[d] < shape[d]) return;
            a -= stridesA[d] * shape[d];
            b -= stridesB[d] * shape[d];
            counter[d] = 0;
        }
    }
}
