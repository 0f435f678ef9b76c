using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

// Portable micro-kernel on Vector<T> (any SIMD width the runtime offers, scalar where none): 4 rows × 2 vectors.
internal readonly unsafe struct PortableKernel4x2<T> : IGemmMicroKernel<T> where T : unmanaged, INumber<T>
{
    public static int MR => 4;
    public static int NR => 2 * Vector<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, nint aRow, nint aStep, T* b, T* c, nint ldc, bool accumulate)
    {
        Vector<T> c0_0 = default; Vector<T> c0_1 = default;
        Vector<T> c1_0 = default; Vector<T> c1_1 = default;
        Vector<T> c2_0 = default; Vector<T> c2_1 = default;
        Vector<T> c3_0 = default; Vector<T> c3_1 = default;
        nint aRow2 = 2 * aRow, aRow3 = 3 * aRow;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector.Load(b + 0 * Vector<T>.Count);
            var b1 = Vector.Load(b + 1 * Vector<T>.Count);
            var x0 = new Vector<T>(a[0]);
            c0_0 = Fma(x0, b0, c0_0); c0_1 = Fma(x0, b1, c0_1);
            var x1 = new Vector<T>(a[aRow]);
            c1_0 = Fma(x1, b0, c1_0); c1_1 = Fma(x1, b1, c1_1);
            var x2 = new Vector<T>(a[aRow2]);
            c2_0 = Fma(x2, b0, c2_0); c2_1 = Fma(x2, b1, c2_1);
            var x3 = new Vector<T>(a[aRow3]);
            c3_0 = Fma(x3, b0, c3_0); c3_1 = Fma(x3, b1, c3_1);
            a += aStep;
            b += 2 * Vector<T>.Count;
        }
        T* r0 = c;
        Store(r0 + 0 * Vector<T>.Count, c0_0, accumulate); Store(r0 + 1 * Vector<T>.Count, c0_1, accumulate);
        T* r1 = c + 1 * ldc;
        Store(r1 + 0 * Vector<T>.Count, c1_0, accumulate); Store(r1 + 1 * Vector<T>.Count, c1_1, accumulate);
        T* r2 = c + 2 * ldc;
        Store(r2 + 0 * Vector<T>.Count, c2_0, accumulate); Store(r2 + 1 * Vector<T>.Count, c2_1, accumulate);
        T* r3 = c + 3 * ldc;
        Store(r3 + 0 * Vector<T>.Count, c3_0, accumulate); Store(r3 + 1 * Vector<T>.Count, c3_1, accumulate);
    }

    // Vector<T> has no fused form for every T: a separate multiply and add, rounded twice, is the portable choice.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Fma(Vector<T> x, Vector<T> y, Vector<T> z) => x * y + z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, Vector<T> sum, bool accumulate)
    {
        if (accumulate) sum += Vector.Load(c);
        sum.Store(c);
    }
}
