using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// Products with a single row or column of C — matrix·vector, vector·matrix, dot — where a tiled kernel would
/// waste all but one row or column of its tile: y[r] = Σ_p M[r·rowStride + p·colStride]·x[p·xStride]. Each
/// element of M is used once, so this is bound by reading M; it runs either as one contiguous dot product per
/// row of M, or as a sum of contiguous columns of M scaled by x[p], whichever M's layout reads with unit stride.
/// </summary>
internal static unsafe class GemmVector
{
    /// <summary>Elements of M from which a second thread helps (≈1 MiB of float32: it is then memory-bound).</summary>
    private const long ParallelMin = 1L << 18;

    /// <summary>Rows of y summed together over all columns: 2048 doubles = 16 KiB, in L1.</summary>
    private const int RowBlock = 2048;

    public static void Multiply<T>(T* matrix, nint rowStride, nint colStride, int rows, int k, T* x, nint xStride, T* y, int threads)
        where T : unmanaged, INumber<T>
    {
        if (rows == 1) rowStride = 1;   // any layout of a single row can be read as columns of length one
        if (colStride == 1 && (rowStride != 1 || k > 1))
        {
            // Rows of M are contiguous: one dot product each, with x gathered to contiguous if it is strided.
            T[]? rented = null;
            T* xs = x;
            if (xStride != 1)
            {
                rented = ArrayPool<T>.Shared.Rent(k);
                for (int p = 0; p < k; p++) rented[p] = x[p * xStride];
            }
            try
            {
                fixed (T* gathered = rented)
                {
                    if (rented != null) xs = gathered;
                    if (threads > 1 && (long)rows * k >= ParallelMin && rows > 1)
                    {
                        T* xc = xs;
                        GemmParallel.For(2, threads, half =>
                        {
                            for (int r = half * rows / 2; r < (half + 1) * rows / 2; r++)
                                y[r] = TensorPrimitives.Dot(new ReadOnlySpan<T>(matrix + r * rowStride, k), new ReadOnlySpan<T>(xc, k));
                        });
                    }
                    else
                        for (int r = 0; r < rows; r++)
                            y[r] = TensorPrimitives.Dot(new ReadOnlySpan<T>(matrix + r * rowStride, k), new ReadOnlySpan<T>(xs, k));
                }
            }
            finally { if (rented != null) ArrayPool<T>.Shared.Return(rented); }
        }
        else if (rowStride == 1)
        {
            // Columns of M are contiguous: y = Σ_p x[p]·M[:, p], a vectorised multiply-add per column.
            if (threads > 1 && (long)rows * k >= ParallelMin && rows >= 64)
                GemmParallel.For(2, threads, half =>
                {
                    int r0 = half * rows / 2, r1 = (half + 1) * rows / 2;
                    Columns(matrix + r0, colStride, r1 - r0, k, x, xStride, y + r0);
                });
            else
                Columns(matrix, colStride, rows, k, x, xStride, y);
        }
        else
        {
            // Neither unit stride (a broadcast or doubly strided view): the definition.
            for (int r = 0; r < rows; r++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++) sum += matrix[r * rowStride + p * colStride] * x[p * xStride];
                y[r] = sum;
            }
        }
    }

    private static void Columns<T>(T* matrix, nint colStride, int rows, int k, T* x, nint xStride, T* y) where T : unmanaged, INumber<T>
    {
        var result = new Span<T>(y, rows);
        if (rows == 1)
        {
            T sum = T.Zero;
            for (int p = 0; p < k; p++) sum += matrix[p * colStride] * x[p * xStride];
            y[0] = sum;
            return;
        }
        // In blocks of rows, so the block of y being summed stays in L1 across all k columns.
        for (int r0 = 0; r0 < rows; r0 += RowBlock)
        {
            int count = Math.Min(RowBlock, rows - r0);
            var block = result.Slice(r0, count);
            TensorPrimitives.Multiply(new ReadOnlySpan<T>(matrix + r0, count), x[0], block);
            for (int p = 1; p < k; p++)
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(matrix + r0 + p * colStride, count), x[p * xStride], block, block);
        }
    }
}
