using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>
/// C = A·Bᵀ (or C += A·Bᵀ) for A [m, k] and B [n, k] both contiguous along k, as dot products of their rows: the
/// shape of a convolution's weight gradient G·Xᵀ, contracted over the output positions. The packed GEMM would
/// transpose both operands into k-major panels first (for the second layer of a small CNN that packing costs as
/// much as the arithmetic); here rows are read as they lie, four of A against four of B, sixteen vector
/// accumulators summed across their lanes at the end.
/// </summary>
internal static unsafe class GemmRowDots
{
    /// <summary>Whether this machine and T have the kernel (AVX-512, float or double); otherwise use <see cref="Gemm"/>.</summary>
    public static bool IsSupported<T>() where T : unmanaged => MaskedVectors.Lanes<T>() > 0;

    /// <summary>c[i·ldc + j] = Σ_p a[i·lda + p]·b[j·ldb + p] (added to c[i·ldc + j] when accumulate), i &lt; m, j &lt; n, p &lt; k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply<T>(T* a, int lda, T* b, int ldb, T* c, int ldc, int m, int n, int k, bool accumulate)
        where T : unmanaged, INumber<T>
    {
        if (!IsSupported<T>()) throw new PlatformNotSupportedException("GemmRowDots needs AVX-512 and float or double");
        // B's rows outermost: four of them stay in L1 while all of A (the smaller operand here: the output channels'
        // gradients) passes by; B itself is read once.
        int j = 0;
        for (; j + 4 <= n; j += 4)
        {
            int i = 0;
            for (; i + 4 <= m; i += 4) Block4x4(a + (nint)i * lda, lda, b + (nint)j * ldb, ldb, c + (nint)i * ldc + j, ldc, k, accumulate);
            for (; i < m; i++)
                for (int col = j; col < j + 4; col++) Store(c + (nint)i * ldc + col, Dot(a + (nint)i * lda, b + (nint)col * ldb, k), accumulate);
        }
        for (; j < n; j++)
            for (int i = 0; i < m; i++) Store(c + (nint)i * ldc + j, Dot(a + (nint)i * lda, b + (nint)j * ldb, k), accumulate);
    }

    /// <summary>A 4×4 block of C: rows a..a+3 (stride lda) against rows b..b+3 (stride ldb).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block4x4<T>(T* a, nint lda, T* b, nint ldb, T* c, nint ldc, int k, bool accumulate) where T : unmanaged, INumber<T>
    {
        Vector512<T> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<T> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<T> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<T> c30 = default, c31 = default, c32 = default, c33 = default;
        int count = Vector512<T>.Count, p = 0;
        for (; p <= k - count; p += count)
        {
            var b0 = Vector512.Load(b + p);
            var b1 = Vector512.Load(b + ldb + p);
            var b2 = Vector512.Load(b + 2 * ldb + p);
            var b3 = Vector512.Load(b + 3 * ldb + p);
            var a0 = Vector512.Load(a + p);
            c00 = Fma(a0, b0, c00); c01 = Fma(a0, b1, c01); c02 = Fma(a0, b2, c02); c03 = Fma(a0, b3, c03);
            var a1 = Vector512.Load(a + lda + p);
            c10 = Fma(a1, b0, c10); c11 = Fma(a1, b1, c11); c12 = Fma(a1, b2, c12); c13 = Fma(a1, b3, c13);
            var a2 = Vector512.Load(a + 2 * lda + p);
            c20 = Fma(a2, b0, c20); c21 = Fma(a2, b1, c21); c22 = Fma(a2, b2, c22); c23 = Fma(a2, b3, c23);
            var a3 = Vector512.Load(a + 3 * lda + p);
            c30 = Fma(a3, b0, c30); c31 = Fma(a3, b1, c31); c32 = Fma(a3, b2, c32); c33 = Fma(a3, b3, c33);
        }
        if (p < k)
        {
            // The rest of the rows under a mask: lanes past k read nothing and count as 0.
            var mask = MaskedVectors.FirstLanes<T>(k - p);
            var b0 = MaskedVectors.Load(b + p, mask);
            var b1 = MaskedVectors.Load(b + ldb + p, mask);
            var b2 = MaskedVectors.Load(b + 2 * ldb + p, mask);
            var b3 = MaskedVectors.Load(b + 3 * ldb + p, mask);
            var a0 = MaskedVectors.Load(a + p, mask);
            c00 = Fma(a0, b0, c00); c01 = Fma(a0, b1, c01); c02 = Fma(a0, b2, c02); c03 = Fma(a0, b3, c03);
            var a1 = MaskedVectors.Load(a + lda + p, mask);
            c10 = Fma(a1, b0, c10); c11 = Fma(a1, b1, c11); c12 = Fma(a1, b2, c12); c13 = Fma(a1, b3, c13);
            var a2 = MaskedVectors.Load(a + 2 * lda + p, mask);
            c20 = Fma(a2, b0, c20); c21 = Fma(a2, b1, c21); c22 = Fma(a2, b2, c22); c23 = Fma(a2, b3, c23);
            var a3 = MaskedVectors.Load(a + 3 * lda + p, mask);
            c30 = Fma(a3, b0, c30); c31 = Fma(a3, b1, c31); c32 = Fma(a3, b2, c32); c33 = Fma(a3, b3, c33);
        }
        Store4(c, c00, c01, c02, c03, accumulate);
        Store4(c + ldc, c10, c11, c12, c13, accumulate);
        Store4(c + 2 * ldc, c20, c21, c22, c23, accumulate);
        Store4(c + 3 * ldc, c30, c31, c32, c33, accumulate);
    }

    /// <summary>c[0..3] (+)= the lane sums of s0..s3: halves folded down to 128 bits, then horizontal adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4<T>(T* c, Vector512<T> s0, Vector512<T> s1, Vector512<T> s2, Vector512<T> s3, bool accumulate)
        where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
        {
            var h = Sse3.HorizontalAdd(Sse3.HorizontalAdd(Fold(s0).AsSingle(), Fold(s1).AsSingle()), Sse3.HorizontalAdd(Fold(s2).AsSingle(), Fold(s3).AsSingle()));
            if (accumulate) h += Vector128.Load((float*)c);
            h.Store((float*)c);
        }
        else
        {
            var h01 = Sse3.HorizontalAdd(Fold(s0).AsDouble(), Fold(s1).AsDouble());
            var h23 = Sse3.HorizontalAdd(Fold(s2).AsDouble(), Fold(s3).AsDouble());
            if (accumulate)
            {
                h01 += Vector128.Load((double*)c);
                h23 += Vector128.Load((double*)c + 2);
            }
            h01.Store((double*)c);
            h23.Store((double*)c + 2);
        }
    }

    /// <summary>The 512-bit vector's four 128-bit quarters added together.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Fold<T>(Vector512<T> v) where T : unmanaged, INumber<T>
    {
        var half = v.GetLower() + v.GetUpper();
        return half.GetLower() + half.GetUpper();
    }

    /// <summary>Σ_p a[p]·b[p], p &lt; k, in vector lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Dot<T>(T* a, T* b, int k) where T : unmanaged, INumber<T>
    {
        Vector512<T> sum = default;
        int count = Vector512<T>.Count, p = 0;
        for (; p <= k - count; p += count) sum = Fma(Vector512.Load(a + p), Vector512.Load(b + p), sum);
        if (p < k)
        {
            var mask = MaskedVectors.FirstLanes<T>(k - p);
            sum = Fma(MaskedVectors.Load(a + p, mask), MaskedVectors.Load(b + p, mask), sum);
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(T* c, Vector512<T> lanes, bool accumulate) where T : unmanaged, INumber<T>
    {
        T sum = Vector512.Sum(lanes);
        *c = accumulate ? *c + sum : sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> x, Vector512<T> y, Vector512<T> z) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
    }
}
