using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>
/// Packing for the blocked GEMM: a block of op(A) into MR-row panels and a block of op(B) into NR-column panels,
/// each panel stored k-major (panel[p·MR + i], panel[p·NR + j]) so the micro-kernel walks both with unit stride.
/// The read side absorbs the operand's layout — plain, transposed, any leading dimension — so no transposed copy
/// of an operand is ever made, and short edge panels are padded with zeros so the kernel always runs a full tile.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Rows row0..row0+rows of op(A), columns p0..p0+kc, into ⌈rows/MR⌉ panels of kc·MR elements at dst.
    /// op(A)[i, p] is a[i·lda + p], or a[p·lda + i] when transA.
    /// </summary>
    public static void PackA<T, TKernel>(T* a, int lda, bool transA, int row0, int rows, int p0, int kc, T* dst)
        where T : unmanaged, INumber<T> where TKernel : struct, IGemmMicroKernel<T>
    {
        int mrFull = TKernel.MR;
        for (int ir = 0; ir < rows; ir += mrFull, dst += (nint)kc * mrFull)
        {
            int mr = Math.Min(mrFull, rows - ir);
            if (transA)
            {
                // A column of op(A) is a row of storage: each step of p copies mr contiguous elements.
                T* s = a + (nint)p0 * lda + row0 + ir;
                T* d = dst;
                if (mr == mrFull)
                    for (int p = 0; p < kc; p++, s += lda, d += mrFull) Unsafe.CopyBlockUnaligned(d, s, (uint)(mrFull * sizeof(T)));
                else
                    for (int p = 0; p < kc; p++, s += lda, d += mrFull)
                    {
                        int i = 0;
                        for (; i < mr; i++) d[i] = s[i];
                        for (; i < mrFull; i++) d[i] = T.Zero;
                    }
            }
            else
            {
                // A row of op(A) is a row of storage: read it along p, write it down the panel with stride MR.
                for (int i = 0; i < mr; i++)
                {
                    T* s = a + (nint)(row0 + ir + i) * lda + p0;
                    T* d = dst + i;
                    for (int p = 0; p < kc; p++, d += mrFull) *d = s[p];
                }
                for (int i = mr; i < mrFull; i++)
                {
                    T* d = dst + i;
                    for (int p = 0; p < kc; p++, d += mrFull) *d = T.Zero;
                }
            }
        }
    }

    /// <summary>
    /// Rows p0..p0+kc of op(B), columns col0..col0+cols, into ⌈cols/NR⌉ panels of kc·NR elements at dst.
    /// op(B)[p, j] is b[p·ldb + j], or b[j·ldb + p] when transB.
    /// </summary>
    public static void PackB<T, TKernel>(T* b, int ldb, bool transB, int p0, int kc, int col0, int cols, T* dst)
        where T : unmanaged, INumber<T> where TKernel : struct, IGemmMicroKernel<T>
    {
        int nrFull = TKernel.NR;
        for (int jr = 0; jr < cols; jr += nrFull, dst += (nint)kc * nrFull)
        {
            int nr = Math.Min(nrFull, cols - jr);
            if (!transB)
            {
                // A row of op(B) is a row of storage: each step of p copies nr contiguous elements.
                T* s = b + (nint)p0 * ldb + col0 + jr;
                T* d = dst;
                if (nr == nrFull)
                    for (int p = 0; p < kc; p++, s += ldb, d += nrFull) Unsafe.CopyBlockUnaligned(d, s, (uint)(nrFull * sizeof(T)));
                else
                    for (int p = 0; p < kc; p++, s += ldb, d += nrFull)
                    {
                        int j = 0;
                        for (; j < nr; j++) d[j] = s[j];
                        for (; j < nrFull; j++) d[j] = T.Zero;
                    }
            }
            else
            {
                // A column of op(B) is a row of storage: read it along p, write it down the panel with stride NR.
                for (int j = 0; j < nr; j++)
                {
                    T* s = b + (nint)(col0 + jr + j) * ldb + p0;
                    T* d = dst + j;
                    for (int p = 0; p < kc; p++, d += nrFull) *d = s[p];
                }
                for (int j = nr; j < nrFull; j++)
                {
                    T* d = dst + j;
                    for (int p = 0; p < kc; p++, d += nrFull) *d = T.Zero;
                }
            }
        }
    }
}
