using System.Numerics;

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

    /// <summary>destination = TOp(a, b) where a and b are read through broadcast strides of the output shape.</summary>
    public static void Binary<T, TOp>(T[] a, int aOffset, int[] aStrides, T[] b, int bOffset, int[] bStrides, int[] shape, Span<T> destination)
        where T : unmanaged, INumber<T> where TOp : IBinaryOp
    {
        int n = destination.Length;
        if (n == 0) return;
        int nd = shape.Length;
        if (nd == 0) { destination[0] = TOp.Invoke(a[aOffset], b[bOffset]); return; }
        bool aContiguous = Shapes.IsContiguous(shape, aStrides), bContiguous = Shapes.IsContiguous(shape, bStrides);
        if (aContiguous && bContiguous) { ElementwiseParallel.Binary<T, TOp>(a.AsSpan(aOffset, n), b.AsSpan(bOffset, n), destination); return; }
        if (aContiguous && IsBroadcastScalar(bStrides)) { ElementwiseParallel.Binary<T, TOp>(a.AsSpan(aOffset, n), b[bOffset], destination); return; }
        if (bContiguous && IsBroadcastScalar(aStrides)) { ElementwiseParallel.Binary<T, TOp>(a[aOffset], b.AsSpan(bOffset, n), destination); return; }

        Span<int> cShape = stackalloc int[nd], cA = stackalloc int[nd], cB = stackalloc int[nd];
        int m = Coalesce(shape, aStrides, bStrides, cShape, cA, cB);
        if (m == 0) { destination[0] = TOp.Invoke(a[aOffset], b[bOffset]); return; }
        cShape = cShape[..m]; cA = cA[..m]; cB = cB[..m];
        int inner = cShape[m - 1], sa = cA[m - 1], sb = cB[m - 1];
        Span<int> index = stackalloc int[m];
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
            Copy.Advance(index, cShape, cA, ref ia, cB, ref ib);
        }
    }

    /// <summary>
    /// Drops size-1 dims and merges each dim into the next one where both operands step through the pair as one run
    /// (stride[d] = stride[d+1]·shape[d+1]), so that [500, 1] plus a broadcast scalar is one row of 500, not 500 rows
    /// of 1. Returns the number of dims left (0: a single element).
    /// </summary>
    internal static int Coalesce(ReadOnlySpan<int> shape, ReadOnlySpan<int> aStrides, ReadOnlySpan<int> bStrides,
        Span<int> cShape, Span<int> cA, Span<int> cB)
    {
        int m = 0;
        for (int d = 0; d < shape.Length; d++)
        {
            int size = shape[d];
            if (size == 1) continue;
            if (m > 0 && cA[m - 1] == aStrides[d] * size && cB[m - 1] == bStrides[d] * size)
            {
                cShape[m - 1] *= size;
                cA[m - 1] = aStrides[d];
                cB[m - 1] = bStrides[d];
                continue;
            }
            cShape[m] = size;
            cA[m] = aStrides[d];
            cB[m] = bStrides[d];
            m++;
        }
        return m;
    }

    /// <summary>destination[i] = TOp(a[i], b[i]) as bools, through broadcast strides.</summary>
    public static void Compare<T, TOp>(T[] a, int aOffset, int[] aStrides, T[] b, int bOffset, int[] bStrides, int[] shape, Span<bool> destination)
        where T : unmanaged, INumber<T> where TOp : ICompareOp
    {
        int n = destination.Length;
        if (n == 0) return;
        int nd = shape.Length;
        if (nd == 0) { destination[0] = TOp.Invoke(a[aOffset], b[bOffset]); return; }
        int inner = shape[nd - 1], sa = aStrides[nd - 1], sb = bStrides[nd - 1];
        Span<int> index = stackalloc int[nd];
        int ia = aOffset, ib = bOffset;
        for (int o = 0; o < n; o += inner)
        {
            for (int j = 0, pa = ia, pb = ib; j < inner; j++, pa += sa, pb += sb)
                destination[o + j] = TOp.Invoke(a[pa], b[pb]);
            Copy.Advance(index, shape, aStrides, ref ia, bStrides, ref ib);
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
        int inner = shape[nd - 1], sc = cStrides[nd - 1], sa = aStrides[nd - 1], sb = bStrides[nd - 1];
        Span<int> index = stackalloc int[nd];
        int ic = cOffset, ia = aOffset, ib = bOffset;
        for (int o = 0; o < n; o += inner)
        {
            for (int j = 0, pc = ic, pa = ia, pb = ib; j < inner; j++, pc += sc, pa += sa, pb += sb)
                destination[o + j] = condition[pc] ? a[pa] : b[pb];
            Copy.Advance(index, shape, cStrides, ref ic, aStrides, ref ia, bStrides, ref ib);
        }
    }

    private static bool IsBroadcastScalar(int[] strides)
    {
        foreach (var s in strides) if (s != 0) return false;
        return true;
    }
}
