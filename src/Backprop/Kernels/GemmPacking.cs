using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot loops: skip the unoptimised first tier
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
                // A row of op(A) is a row of storage: the panel is its transpose.
                Transpose(a + (nint)(row0 + ir) * lda + p0, lda, mr, kc, dst, mrFull);
            }
        }
    }

    /// <summary>
    /// Rows p0..p0+kc of op(B), columns col0..col0+cols, into ⌈cols/NR⌉ panels of kc·NR elements at dst.
    /// op(B)[p, j] is b[p·ldb + j], or b[j·ldb + p] when transB.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                // A column of op(B) is a row of storage: the panel is its transpose.
                Transpose(b + (nint)(col0 + jr) * ldb + p0, ldb, nr, kc, dst, nrFull);
            }
        }
    }

    /// <summary>
    /// d[p·width + i] = s[i·ld + p] for i &lt; rows, p &lt; kc, and zero for rows ≤ i &lt; width: rows of storage
    /// become the columns of a panel. In 4×4 blocks transposed in registers (four loads, eight shuffles, four
    /// stores for sixteen elements), where a plain loop would write the panel with a stride, one element at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose<T>(T* s, nint ld, int rows, int kc, T* d, int width) where T : unmanaged, INumber<T>
    {
        int i = 0;
        if ((typeof(T) == typeof(float) && Sse.IsSupported) || (typeof(T) == typeof(double) && Avx.IsSupported))
        {
            for (; i + 4 <= rows; i += 4)
            {
                T* s0 = s + i * ld, s1 = s0 + ld, s2 = s1 + ld, s3 = s2 + ld;
                T* di = d + i;
                int p = 0;
                for (; p + 4 <= kc; p += 4)
                {
                    T* dp = di + (nint)p * width;
                    if (typeof(T) == typeof(float))
                        Transpose4x4((float*)s0 + p, (float*)s1 + p, (float*)s2 + p, (float*)s3 + p, (float*)dp, width);
                    else
                        Transpose4x4((double*)s0 + p, (double*)s1 + p, (double*)s2 + p, (double*)s3 + p, (double*)dp, width);
                }
                for (; p < kc; p++)
                {
                    T* dp = di + (nint)p * width;
                    dp[0] = s0[p];
                    dp[1] = s1[p];
                    dp[2] = s2[p];
                    dp[3] = s3[p];
                }
            }
        }
        for (; i < rows; i++)
        {
            T* si = s + i * ld, di = d + i;
            for (int p = 0; p < kc; p++, di += width) *di = si[p];
        }
        for (; i < width; i++)
        {
            T* di = d + i;
            for (int p = 0; p < kc; p++, di += width) *di = T.Zero;
        }
    }

    /// <summary>Four rows of four floats from s0..s3 written as four columns: d[q·width + r] = s_r[q].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(float* s0, float* s1, float* s2, float* s3, float* d, int width)
    {
        Vector128<float> r0 = Sse.LoadVector128(s0), r1 = Sse.LoadVector128(s1), r2 = Sse.LoadVector128(s2), r3 = Sse.LoadVector128(s3);
        Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackLow(r2, r3), t2 = Sse.UnpackHigh(r0, r1), t3 = Sse.UnpackHigh(r2, r3);
        Sse.Store(d, Sse.MoveLowToHigh(t0, t1));
        Sse.Store(d + width, Sse.MoveHighToLow(t1, t0));
        Sse.Store(d + 2 * width, Sse.MoveLowToHigh(t2, t3));
        Sse.Store(d + 3 * width, Sse.MoveHighToLow(t3, t2));
    }

    /// <summary>Four rows of four doubles from s0..s3 written as four columns: d[q·width + r] = s_r[q].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(double* s0, double* s1, double* s2, double* s3, double* d, int width)
    {
        Vector256<double> r0 = Avx.LoadVector256(s0), r1 = Avx.LoadVector256(s1), r2 = Avx.LoadVector256(s2), r3 = Avx.LoadVector256(s3);
        Vector256<double> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Avx.Store(d, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(d + width, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(d + 2 * width, Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(d + 3 * width, Avx.Permute2x128(t1, t3, 0x31));
    }
}
