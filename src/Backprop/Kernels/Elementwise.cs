using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// Elementwise loops over spans and strides. Contiguous operands take the vectorised operator;
/// broadcast and strided operands are walked row by row, each row vectorised where its stride allows.
/// </summary>
internal static class Elementwise
{
    /// <summary>destination[i] = TOp(x[i]) for a contiguous destination of x's shape.</summary>
    public static void Unary<T, TOp>(T[] x, int offset, int[] shape, int[] strides, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IUnaryOp
    {
        if (Shapes.IsContiguous(shape, strides))
        {
            ElementwiseParallel.Unary<T, TOp>(x.AsSpan(offset, destination.Length), destination);
            return;
        }
        Copy.Strided(x, offset, shape, strides, destination);
        ElementwiseParallel.Unary<T, TOp>(destination, destination);
    }

    /// <summary>
    /// destination = TOp(a, b) for contiguous a and b of destination's shape (a 0-d one when scalar): what
    /// <see cref="Binary{T, TOp}"/> does for such operands, element by element the same.
    /// </summary>
    public static void BinaryContiguous<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination, bool scalar)
        where T : unmanaged, INumber<T> where TOp : IBinaryOp
    {
        int n = destination.Length;
        if (n == 0) return;
        if (scalar || (n == 1 && TOp.ElementMatchesSpan)) { destination[0] = TOp.Invoke(a[0], b[0]); return; }
        ElementwiseParallel.Binary<T, TOp>(a[..n], b[..n], destination);
    }

    /// <summary>destination = TOp(a, b) where a and b are read through broadcast strides of the output shape.</summary>
    public static void Binary<T, TOp>(T[] a, int aOffset, int[] aStrides, T[] b, int bOffset, int[] bStrides, int[] shape, Span<T> destination)
        where T : unmanaged, INumber<T> where TOp : IBinaryOp
    {
        int n = destination.Length;
        if (n == 0) return;
        int nd = shape.Length;
        if (nd == 0 || (n == 1 && TOp.ElementMatchesSpan)) { destination[0] = TOp.Invoke(a[aOffset], b[bOffset]); return; }
        bool aContiguous = Shapes.IsContiguous(shape, aStrides), bContiguous = Shapes.IsContiguous(shape, bStrides);
        if (aContiguous && bContiguous) { ElementwiseParallel.Binary<T, TOp>(a.AsSpan(aOffset, n), b.AsSpan(bOffset, n), destination); return; }
        if (aContiguous && IsBroadcastScalar(bStrides)) { ElementwiseParallel.Binary<T, TOp>(a.AsSpan(aOffset, n), b[bOffset], destination); return; }
        if (bContiguous && IsBroadcastScalar(aStrides)) { ElementwiseParallel.Binary<T, TOp>(a[aOffset], b.AsSpan(bOffset, n), destination); return; }

        Span<int> layout = stackalloc int[3 * nd];
        int rank = Layout.Coalesce(shape, aStrides, bStrides, layout, out var dims, out var stridesA, out var stridesB);
        if (rank == 0) { destination[0] = TOp.Invoke(a[aOffset], b[bOffset]); return; }

        int inner = dims[rank - 1], sa = stridesA[rank - 1], sb = stridesB[rank - 1];
        Span<int> index = stackalloc int[rank];
        int ia = aOffset, ib = bOffset;
        for (int o = 0; o < n; o += inner)
        {
            var row = destination.Slice(o, inner);
            if (sa == 1 && sb == 1) TOp.Invoke<T>(a.AsSpan(ia, inner), b.AsSpan(ib, inner), row);
            else if (sa == 1 && sb == 0) TOp.Invoke(a.AsSpan(ia, inner), b[ib], row);
            else if (sa == 0 && sb == 1) TOp.Invoke(a[ia], b.AsSpan(ib, inner), row);
            else
                for (int j = 0, pa = ia, pb = ib; j < inner; j++, pa += sa, pb += sb)
                    row[j] = TOp.Invoke(a[pa], b[pb]);
            Copy.Advance(index, dims, stridesA, ref ia, stridesB, ref ib);
        }
    }

    /// <summary>
    /// destination = TOp(x, s), or TOp(s, x) when reversed, for a number s and a destination of x's shape: the
    /// paths <see cref="Binary"/> takes with a broadcast 0-d operand, without one. destination may be x itself
    /// when x is contiguous.
    /// </summary>
    public static void BinaryScalar<T, TOp>(T[] x, int offset, int[] shape, int[] strides, T s, bool reversed, Span<T> destination)
        where T : unmanaged, INumber<T> where TOp : IBinaryOp
    {
        int n = destination.Length;
        if (n == 0) return;
        int nd = shape.Length;
        if (nd == 0 || (n == 1 && TOp.ElementMatchesSpan)) { destination[0] = reversed ? TOp.Invoke(s, x[offset]) : TOp.Invoke(x[offset], s); return; }
        if (Shapes.IsContiguous(shape, strides))
        {
            if (reversed) ElementwiseParallel.Binary<T, TOp>(s, x.AsSpan(offset, n), destination);
            else ElementwiseParallel.Binary<T, TOp>(x.AsSpan(offset, n), s, destination);
            return;
        }
        Span<int> layout = stackalloc int[2 * nd];
        int rank = Layout.Coalesce(shape, strides, layout, out var dims, out var stridesX);
        if (rank == 0) { destination[0] = reversed ? TOp.Invoke(s, x[offset]) : TOp.Invoke(x[offset], s); return; }

        int inner = dims[rank - 1], sx = stridesX[rank - 1];
        Span<int> index = stackalloc int[rank];
        int ix = offset;
        for (int o = 0; o < n; o += inner)
        {
            var row = destination.Slice(o, inner);
            if (sx == 1 && reversed) TOp.Invoke(s, x.AsSpan(ix, inner), row);
            else if (sx == 1) TOp.Invoke(x.AsSpan(ix, inner), s, row);
            else if (sx == 0) row.Fill(reversed ? TOp.Invoke(s, x[ix]) : TOp.Invoke(x[ix], s));   // a broadcast row (a mean's gradient): one value
            else
                for (int j = 0, p = ix; j < inner; j++, p += sx)
                    row[j] = reversed ? TOp.Invoke(s, x[p]) : TOp.Invoke(x[p], s);
            Copy.Advance(index, dims, stridesX, ref ix);
        }
    }

    /// <summary>destination[i] = TOp(a[i], b[i]) as bools, through broadcast strides.</summary>
    public static void Compare<T, TOp>(T[] a, int aOffset, int[] aStrides, T[] b, int bOffset, int[] bStrides, int[] shape, Span<bool> destination)
        where T : unmanaged, INumber<T> where TOp : ICompareOp
    {
        int n = destination.Length;
        if (n == 0) return;
        int nd = shape.Length;
        if (nd == 0) { destination[0] = TOp.Invoke(a[aOffset], b[bOffset]); return; }
        Span<int> layout = stackalloc int[3 * nd];
        int rank = Layout.Coalesce(shape, aStrides, bStrides, layout, out var dims, out var stridesA, out var stridesB);
        if (rank == 0) { destination[0] = TOp.Invoke(a[aOffset], b[bOffset]); return; }

        int inner = dims[rank - 1], sa = stridesA[rank - 1], sb = stridesB[rank - 1];
        Span<int> index = stackalloc int[rank];
        int ia = aOffset, ib = bOffset;
        for (int o = 0; o < n; o += inner)
        {
            for (int j = 0, pa = ia, pb = ib; j < inner; j++, pa += sa, pb += sb)
                destination[o + j] = TOp.Invoke(a[pa], b[pb]);
            Copy.Advance(index, dims, stridesA, ref ia, stridesB, ref ib);
        }
    }

    /// <summary>destination[i] = condition[i] ? a[i] : b[i], all three read through broadcast strides.</summary>
    public static void Where<T>(bool[] condition, int cOffset, int[] cStrides, T[] a, int aOffset, int[] aStrides,
        T[] b, int bOffset, int[] bStrides, int[] shape, Span<T> destination) where T : unmanaged
    {
        int n = destination.Length;
        if (n == 0) return;
        int nd = shape.Length;
        if (nd == 0) { destination[0] = condition[cOffset] ? a[aOffset] : b[bOffset]; return; }
        Span<int> layout = stackalloc int[4 * nd];
        var dims = layout[..nd];
        shape.CopyTo(dims);
        cStrides.CopyTo(layout.Slice(nd, nd));
        aStrides.CopyTo(layout.Slice(2 * nd, nd));
        bStrides.CopyTo(layout.Slice(3 * nd, nd));
        int rank = Layout.Coalesce(dims, layout[nd..], 3);
        if (rank == 0) { destination[0] = condition[cOffset] ? a[aOffset] : b[bOffset]; return; }
        dims = dims[..rank];
        var stridesC = layout.Slice(nd, rank);
        var stridesA = layout.Slice(2 * nd, rank);
        var stridesB = layout.Slice(3 * nd, rank);

        int inner = dims[rank - 1], sc = stridesC[rank - 1], sa = stridesA[rank - 1], sb = stridesB[rank - 1];
        Span<int> index = stackalloc int[rank];
        int ic = cOffset, ia = aOffset, ib = bOffset;
        for (int o = 0; o < n; o += inner)
        {
            for (int j = 0, pc = ic, pa = ia, pb = ib; j < inner; j++, pc += sc, pa += sa, pb += sb)
                destination[o + j] = condition[pc] ? a[pa] : b[pb];
            Copy.Advance(index, dims, stridesC, ref ic, stridesA, ref ia, stridesB, ref ib);
        }
    }

    /// <summary>
    /// destination[i] = y[i] &gt; 0 ? g[i] : 0, all contiguous: ReLU's backward from its output (PyTorch's
    /// threshold_backward), in one pass where Where(y &gt; 0, g, 0) takes three and two temporaries.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // a hot loop from the first training step
    public static void ReluBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, INumber<T>
    {
        int n = destination.Length, i = 0;
        ref T gr = ref MemoryMarshal.GetReference(g), yr = ref MemoryMarshal.GetReference(y), dr = ref MemoryMarshal.GetReference(destination);
        if (g.Length < n || y.Length < n) throw new ArgumentException("ReluBackward: operands shorter than the destination");
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var keep = Vector512.GreaterThan(Vector512.LoadUnsafe(ref yr, (nuint)i), Vector512<T>.Zero);
                Vector512.StoreUnsafe(keep & Vector512.LoadUnsafe(ref gr, (nuint)i), ref dr, (nuint)i);
            }
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var keep = Vector256.GreaterThan(Vector256.LoadUnsafe(ref yr, (nuint)i), Vector256<T>.Zero);
                Vector256.StoreUnsafe(keep & Vector256.LoadUnsafe(ref gr, (nuint)i), ref dr, (nuint)i);
            }
        for (; i < n; i++) destination[i] = y[i] > T.Zero ? g[i] : T.Zero;
    }

    private static bool IsBroadcastScalar(int[] strides)
    {
        foreach (var s in strides) if (s != 0) return false;
        return true;
    }
}
