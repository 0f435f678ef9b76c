using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

// AVX2 + FMA micro-kernel (16 ymm registers): 6 rows × 2 vectors = 12 accumulators, two vectors of B, one broadcast.
internal readonly unsafe struct Avx2Kernel6x2<T> : IGemmMicroKernel<T> where T : unmanaged, INumber<T>
{
    public static int MR => 6;
    public static int NR => 2 * Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, nint aRow, nint aStep, T* b, T* c, nint ldc, bool accumulate)
    {
        Vector256<T> c0_0 = default; Vector256<T> c0_1 = default;
        Vector256<T> c1_0 = default; Vector256<T> c1_1 = default;
        Vector256<T> c2_0 = default; Vector256<T> c2_1 = default;
        Vector256<T> c3_0 = default; Vector256<T> c3_1 = default;
        Vector256<T> c4_0 = default; Vector256<T> c4_1 = default;
        Vector256<T> c5_0 = default; Vector256<T> c5_1 = default;
        // The tile of C is read (or written) once, after the loop: fetch its lines now, behind the arithmetic.
        for (int i = 0; i < 6; i++)
            for (int line = 0; line * 64 < 2 * Vector256<T>.Count * sizeof(T); line++) Sse.Prefetch0((byte*)(c + i * ldc) + line * 64);
        // Rows 0–2 from a0 and 3–5 from a3, at offsets 0, aRow and 2·aRow: each broadcast is one load with an index.
        T* a0 = a, a3 = a + 3 * aRow;
        nint aRow2 = 2 * aRow;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b + 0 * Vector256<T>.Count);
            var b1 = Vector256.Load(b + 1 * Vector256<T>.Count);
            var x0 = Vector256.Create(a0[0]);
            c0_0 = Fma(x0, b0, c0_0); c0_1 = Fma(x0, b1, c0_1);
            var x1 = Vector256.Create(a0[aRow]);
            c1_0 = Fma(x1, b0, c1_0); c1_1 = Fma(x1, b1, c1_1);
            var x2 = Vector256.Create(a0[aRow2]);
            c2_0 = Fma(x2, b0, c2_0); c2_1 = Fma(x2, b1, c2_1);
            var x3 = Vector256.Create(a3[0]);
            c3_0 = Fma(x3, b0, c3_0); c3_1 = Fma(x3, b1, c3_1);
            var x4 = Vector256.Create(a3[aRow]);
            c4_0 = Fma(x4, b0, c4_0); c4_1 = Fma(x4, b1, c4_1);
            var x5 = Vector256.Create(a3[aRow2]);
            c5_0 = Fma(x5, b0, c5_0); c5_1 = Fma(x5, b1, c5_1);
            a0 += aStep;
            a3 += aStep;
            b += 2 * Vector256<T>.Count;
        }
        T* r0 = c;
        Store(r0 + 0 * Vector256<T>.Count, c0_0, accumulate); Store(r0 + 1 * Vector256<T>.Count, c0_1, accumulate);
        T* r1 = c + 1 * ldc;
        Store(r1 + 0 * Vector256<T>.Count, c1_0, accumulate); Store(r1 + 1 * Vector256<T>.Count, c1_1, accumulate);
        T* r2 = c + 2 * ldc;
        Store(r2 + 0 * Vector256<T>.Count, c2_0, accumulate); Store(r2 + 1 * Vector256<T>.Count, c2_1, accumulate);
        T* r3 = c + 3 * ldc;
        Store(r3 + 0 * Vector256<T>.Count, c3_0, accumulate); Store(r3 + 1 * Vector256<T>.Count, c3_1, accumulate);
        T* r4 = c + 4 * ldc;
        Store(r4 + 0 * Vector256<T>.Count, c4_0, accumulate); Store(r4 + 1 * Vector256<T>.Count, c4_1, accumulate);
        T* r5 = c + 5 * ldc;
        Store(r5 + 0 * Vector256<T>.Count, c5_0, accumulate); Store(r5 + 1 * Vector256<T>.Count, c5_1, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma(Vector256<T> x, Vector256<T> y, Vector256<T> z)
    {
        if (typeof(T) == typeof(float)) return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
        return x * y + z;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, Vector256<T> sum, bool accumulate)
    {
        if (accumulate) sum += Vector256.Load(c);
        sum.Store(c);
    }
}
