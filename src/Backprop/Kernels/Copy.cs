namespace Backprop.Kernels;

/// <summary>Strided gathers and scatters: the one general path from any view layout to another.</summary>
internal static class Copy
{
    /// <summary>Reads a strided view into a contiguous destination, row by row.</summary>
    public static void Strided<T>(T[] source, int offset, int[] shape, int[] strides, Span<T> destination) where T : unmanaged
    {
        int n = destination.Length;
        if (n == 0) return;
        int nd = shape.Length;
        if (nd == 0) { destination[0] = source[offset]; return; }
        if (Shapes.IsContiguous(shape, strides)) { source.AsSpan(offset, n).CopyTo(destination); return; }
        Span<int> layout = stackalloc int[2 * nd];
        int rank = Layout.Coalesce(shape, strides, layout, out var dims, out var stridesS);
        if (rank == 0) { destination[0] = source[offset]; return; }
        int inner = dims[rank - 1], innerStride = stridesS[rank - 1];
        Span<int> index = stackalloc int[rank];
        int src = offset;
        for (int o = 0; o < n; o += inner)
        {
            var row = destination.Slice(o, inner);
            if (innerStride == 1) source.AsSpan(src, inner).CopyTo(row);
            else if (innerStride == 0) row.Fill(source[src]);
            else for (int j = 0, s = src; j < inner; j++, s += innerStride) row[j] = source[s];
            Advance(index, dims, stridesS, ref src);
        }
    }

    /// <summary>Writes a contiguous source into a strided view (which must not overlap itself).</summary>
    public static void IntoStrided<T>(ReadOnlySpan<T> source, T[] destination, int offset, int[] shape, int[] strides) where T : unmanaged
    {
        int n = source.Length;
        if (n == 0) return;
        int nd = shape.Length;
        if (nd == 0) { destination[offset] = source[0]; return; }
        if (Shapes.IsContiguous(shape, strides)) { source.CopyTo(destination.AsSpan(offset, n)); return; }
        Span<int> layout = stackalloc int[2 * nd];
        int rank = Layout.Coalesce(shape, strides, layout, out var dims, out var stridesD);
        if (rank == 0) { destination[offset] = source[0]; return; }
        int inner = dims[rank - 1], innerStride = stridesD[rank - 1];
        Span<int> index = stackalloc int[rank];
        int dst = offset;
        for (int o = 0; o < n; o += inner)
        {
            for (int j = 0, d = dst; j < inner; j++, d += innerStride) destination[d] = source[o + j];
            Advance(index, dims, stridesD, ref dst);
        }
    }


    /// <summary>Steps a row-major counter over every dim but the last, moving one storage offset with it.</summary>
    public static void Advance(Span<int> index, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, ref int offset)
    {
        for (int d = shape.Length - 2; d >= 0; d--)
        {
            offset += strides[d];
            if (++index[d] < shape[d]) return;
            offset -= strides[d] * shape[d];
            index[d] = 0;
        }
    }

    /// <summary>As <see cref="Advance(Span{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, ref int)"/>, moving two offsets.</summary>
    public static void Advance(Span<int> index, ReadOnlySpan<int> shape, ReadOnlySpan<int> stridesA, ref int a, ReadOnlySpan<int> stridesB, ref int b)
    {
        for (int d = shape.Length - 2; d >= 0; d--)
        {
            a += stridesA[d];
            b += stridesB[d];
            if (++index[d] < shape[d]) return;
            a -= stridesA[d] * shape[d];
            b -= stridesB[d] * shape[d];
            index[d] = 0;
        }
    }

    /// <summary>As <see cref="Advance(Span{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, ref int)"/>, moving three offsets.</summary>
    public static void Advance(Span<int> index, ReadOnlySpan<int> shape, ReadOnlySpan<int> stridesA, ref int a, ReadOnlySpan<int> stridesB, ref int b,
        ReadOnlySpan<int> stridesC, ref int c)
    {
        for (int d = shape.Length - 2; d >= 0; d--)
        {
            a += stridesA[d];
            b += stridesB[d];
            c += stridesC[d];
            if (++index[d] < shape[d]) return;
            a -= stridesA[d] * shape[d];
            b -= stridesB[d] * shape[d];
            c -= stridesC[d] * shape[d];
            index[d] = 0;
        }
    }
}
