using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// The loop GEMM for any numeric type (Int64 uses it; the floating-point types take the packed kernels of
/// <see cref="GemmPacked"/>): i-k-j order with vectorised row updates, blocked over k and n for cache, rows split
/// across threads when the product is large. Same contract as <see cref="Gemm.Multiply{T}(ReadOnlySpan{T}, int, bool, ReadOnlySpan{T}, int, bool, Span{T}, int, int, int)"/>.
/// </summary>
internal static class GemmLoops
{
    // A KBlock×NBlock tile of B (128·512 floats = 256 KiB) stays in L2 while every row of A sweeps over it.
    private const int KBlock = 128;
    private const int NBlock = 512;
    private const int DotBlock = 64;
    private const int PackRows = 8;   // from this many rows of A on, transposing B once beats dot products
    // Multiply-adds below which a second thread costs more than it saves (measured on a busy 2-core machine,
    // where a descheduled worker stalls the whole product).
    private const long ParallelThreshold = 1L << 25;

    /// <summary>c = op(A)·op(B), overwriting c (m·n, row-major).</summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, int lda, bool transA, ReadOnlySpan<T> b, int ldb, bool transB,
        Span<T> c, int m, int n, int k) where T : unmanaged, INumber<T>
    {
        if (m == 0 || n == 0) return;
        c = c[..(m * n)];
        if (k == 0) { c.Clear(); return; }
        if (n == 1 && m > 1)
        {
            // A column of C is also a row: compute Cᵀ = op(B)ᵀ·op(A)ᵀ, a row times a matrix, which vectorises
            // along m instead of making m width-1 row updates.
            Multiply(b, ldb, !transB, a, lda, !transA, c, 1, m, k);
            return;
        }
        if (transB && (m >= PackRows || transA))
        {
            // Row updates need rows of B; Bᵀ has them as columns. Lay B out row-major once (k·n elements, small
            // beside the m·n·k product) rather than take m·n dot products, each ending in a horizontal sum.
            // With few rows of A and A transposed as well, lay out A instead (m·k elements) for the dot products.
            bool packA = transA && m < PackRows;
            int size = packA ? m * k : k * n;
            var packed = ArrayPool<T>.Shared.Rent(size);
            try
            {
                if (packA)
                {
                    Transpose(a, lda, k, m, packed);
                    Multiply<T>(packed.AsSpan(0, size), k, false, b, ldb, true, c, m, n, k);
                }
                else
                {
                    Transpose(b, ldb, n, k, packed);
                    Multiply<T>(a, lda, transA, packed.AsSpan(0, size), n, false, c, m, n, k);
                }
            }
            finally { ArrayPool<T>.Shared.Return(packed); }
            return;
        }

        if ((long)m * n * k < ParallelThreshold || m < 2 || !GemmParallel.CanSplit)
        {
            Rows(a, lda, transA, b, ldb, transB, c, 0, m, n, k);
            return;
        }
        MultiplyParallel(a, lda, transA, b, ldb, transB, c, m, n, k);
    }

    /// <summary>destination[c·rows + r] = source[r·ld + c]: a rows×cols matrix written out as cols×rows, in tiles that stay in cache.</summary>
    private static void Transpose<T>(ReadOnlySpan<T> source, int ld, int rows, int cols, Span<T> destination) where T : unmanaged
    {
        const int Tile = 32;
        for (int r0 = 0; r0 < rows; r0 += Tile)
            for (int c0 = 0; c0 < cols; c0 += Tile)
            {
                int rEnd = Math.Min(rows, r0 + Tile), cEnd = Math.Min(cols, c0 + Tile);
                for (int r = r0; r < rEnd; r++)
                    for (int c = c0; c < cEnd; c++)
                        destination[c * rows + r] = source[r * ld + c];
            }
    }

    private static unsafe void MultiplyParallel<T>(ReadOnlySpan<T> a, int lda, bool transA, ReadOnlySpan<T> b, int ldb, bool transB,
        Span<T> c, int m, int n, int k) where T : unmanaged, INumber<T>
    {
        int chunks = Math.Min(m, Environment.ProcessorCount * 4);
        int rowsPerChunk = (m + chunks - 1) / chunks;
        chunks = (m + rowsPerChunk - 1) / rowsPerChunk;
        int la = a.Length, lb = b.Length, lc = c.Length;
        fixed (T* pa = a, pb = b, pc = c)
        {
            // Spans cannot enter a closure; the buffers stay pinned until Parallel.For returns.
            nint ia = (nint)pa, ib = (nint)pb, ic = (nint)pc;
            Parallel.For(0, chunks, chunk =>
            {
                int start = chunk * rowsPerChunk, end = Math.Min(m, start + rowsPerChunk);
                Rows(new ReadOnlySpan<T>((void*)ia, la), lda, transA, new ReadOnlySpan<T>((void*)ib, lb), ldb, transB,
                    new Span<T>((void*)ic, lc), start, end, n, k);
            });
        }
    }

    /// <summary>Rows start..end of C (not both operands transposed).</summary>
    private static void Rows<T>(ReadOnlySpan<T> a, int lda, bool transA, ReadOnlySpan<T> b, int ldb, bool transB,
        Span<T> c, int start, int end, int n, int k) where T : unmanaged, INumber<T>
    {
        if (transB)
        {
            // Rows of A and of Bᵀ are both contiguous along p: each C[i, j] is one vectorised dot product.
            for (int jb = 0; jb < n; jb += DotBlock)
            {
                int jEnd = Math.Min(n, jb + DotBlock);
                for (int i = start; i < end; i++)
                {
                    var aRow = a.Slice(i * lda, k);
                    for (int j = jb; j < jEnd; j++) c[i * n + j] = TensorPrimitives.Dot(aRow, b.Slice(j * ldb, k));
                }
            }
            return;
        }

        // C[i, :] += A[i, p]·B[p, :], a vectorised multiply-add over a row of B, for each p of the k-block.
        c[(start * n)..(end * n)].Clear();
        for (int jb = 0; jb < n; jb += NBlock)
        {
            int width = Math.Min(NBlock, n - jb);
            for (int kb = 0; kb < k; kb += KBlock)
            {
                int kEnd = Math.Min(k, kb + KBlock);
                for (int i = start; i < end; i++)
                {
                    var cRow = c.Slice(i * n + jb, width);
                    for (int p = kb; p < kEnd; p++)
                    {
                        T aip = transA ? a[p * lda + i] : a[i * lda + p];
                        TensorPrimitives.MultiplyAdd(b.Slice(p * ldb + jb, width), aip, cRow, cRow);
                    }
                }
            }
        }
    }
}
