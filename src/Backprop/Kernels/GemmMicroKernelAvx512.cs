using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

// AVX-512 micro-kernels (32 zmm registers): MR rows × NV vectors of accumulators, two vectors of B and one
// broadcast of A live beside them. Written out in full so that every accumulator is a register local.
internal readonly unsafe struct Avx512Kernel12x2<T> : IGemmMicroKernel<T> where T : unmanaged, INumber<T>
{
    public static int MR => 12;
    public static int NR => 2 * Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, nint ldc, bool accumulate)
    {
        Vector512<T> c0_0 = default; Vector512<T> c0_1 = default;
        Vector512<T> c1_0 = default; Vector512<T> c1_1 = default;
        Vector512<T> c2_0 = default; Vector512<T> c2_1 = default;
        Vector512<T> c3_0 = default; Vector512<T> c3_1 = default;
        Vector512<T> c4_0 = default; Vector512<T> c4_1 = default;
        Vector512<T> c5_0 = default; Vector512<T> c5_1 = default;
        Vector512<T> c6_0 = default; Vector512<T> c6_1 = default;
        Vector512<T> c7_0 = default; Vector512<T> c7_1 = default;
        Vector512<T> c8_0 = default; Vector512<T> c8_1 = default;
        Vector512<T> c9_0 = default; Vector512<T> c9_1 = default;
        Vector512<T> c10_0 = default; Vector512<T> c10_1 = default;
        Vector512<T> c11_0 = default; Vector512<T> c11_1 = default;
        // The tile of C is read (or written) once, after the loop: fetch its lines now, behind the arithmetic.
        for (int i = 0; i < 12; i++)
            for (int line = 0; line * 64 < 2 * Vector512<T>.Count * sizeof(T); line++) Sse.Prefetch0((byte*)(c + i * ldc) + line * 64);
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0 * Vector512<T>.Count);
            var b1 = Vector512.Load(b + 1 * Vector512<T>.Count);
            var a0 = Vector512.Create(a[0]);
            c0_0 = Fma(a0, b0, c0_0); c0_1 = Fma(a0, b1, c0_1);
            var a1 = Vector512.Create(a[1]);
            c1_0 = Fma(a1, b0, c1_0); c1_1 = Fma(a1, b1, c1_1);
            var a2 = Vector512.Create(a[2]);
            c2_0 = Fma(a2, b0, c2_0); c2_1 = Fma(a2, b1, c2_1);
            var a3 = Vector512.Create(a[3]);
            c3_0 = Fma(a3, b0, c3_0); c3_1 = Fma(a3, b1, c3_1);
            var a4 = Vector512.Create(a[4]);
            c4_0 = Fma(a4, b0, c4_0); c4_1 = Fma(a4, b1, c4_1);
            var a5 = Vector512.Create(a[5]);
            c5_0 = Fma(a5, b0, c5_0); c5_1 = Fma(a5, b1, c5_1);
            var a6 = Vector512.Create(a[6]);
            c6_0 = Fma(a6, b0, c6_0); c6_1 = Fma(a6, b1, c6_1);
            var a7 = Vector512.Create(a[7]);
            c7_0 = Fma(a7, b0, c7_0); c7_1 = Fma(a7, b1, c7_1);
            var a8 = Vector512.Create(a[8]);
            c8_0 = Fma(a8, b0, c8_0); c8_1 = Fma(a8, b1, c8_1);
            var a9 = Vector512.Create(a[9]);
            c9_0 = Fma(a9, b0, c9_0); c9_1 = Fma(a9, b1, c9_1);
            var a10 = Vector512.Create(a[10]);
            c10_0 = Fma(a10, b0, c10_0); c10_1 = Fma(a10, b1, c10_1);
            var a11 = Vector512.Create(a[11]);
            c11_0 = Fma(a11, b0, c11_0); c11_1 = Fma(a11, b1, c11_1);
            a += 12;
            b += 2 * Vector512<T>.Count;
        }
        T* r0 = c;
        Store(r0 + 0 * Vector512<T>.Count, c0_0, accumulate); Store(r0 + 1 * Vector512<T>.Count, c0_1, accumulate);
        T* r1 = c + 1 * ldc;
        Store(r1 + 0 * Vector512<T>.Count, c1_0, accumulate); Store(r1 + 1 * Vector512<T>.Count, c1_1, accumulate);
        T* r2 = c + 2 * ldc;
        Store(r2 + 0 * Vector512<T>.Count, c2_0, accumulate); Store(r2 + 1 * Vector512<T>.Count, c2_1, accumulate);
        T* r3 = c + 3 * ldc;
        Store(r3 + 0 * Vector512<T>.Count, c3_0, accumulate); Store(r3 + 1 * Vector512<T>.Count, c3_1, accumulate);
        T* r4 = c + 4 * ldc;
        Store(r4 + 0 * Vector512<T>.Count, c4_0, accumulate); Store(r4 + 1 * Vector512<T>.Count, c4_1, accumulate);
        T* r5 = c + 5 * ldc;
        Store(r5 + 0 * Vector512<T>.Count, c5_0, accumulate); Store(r5 + 1 * Vector512<T>.Count, c5_1, accumulate);
        T* r6 = c + 6 * ldc;
        Store(r6 + 0 * Vector512<T>.Count, c6_0, accumulate); Store(r6 + 1 * Vector512<T>.Count, c6_1, accumulate);
        T* r7 = c + 7 * ldc;
        Store(r7 + 0 * Vector512<T>.Count, c7_0, accumulate); Store(r7 + 1 * Vector512<T>.Count, c7_1, accumulate);
        T* r8 = c + 8 * ldc;
        Store(r8 + 0 * Vector512<T>.Count, c8_0, accumulate); Store(r8 + 1 * Vector512<T>.Count, c8_1, accumulate);
        T* r9 = c + 9 * ldc;
        Store(r9 + 0 * Vector512<T>.Count, c9_0, accumulate); Store(r9 + 1 * Vector512<T>.Count, c9_1, accumulate);
        T* r10 = c + 10 * ldc;
        Store(r10 + 0 * Vector512<T>.Count, c10_0, accumulate); Store(r10 + 1 * Vector512<T>.Count, c10_1, accumulate);
        T* r11 = c + 11 * ldc;
        Store(r11 + 0 * Vector512<T>.Count, c11_0, accumulate); Store(r11 + 1 * Vector512<T>.Count, c11_1, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma(Vector512<T> x, Vector512<T> y, Vector512<T> z)
    {
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
        return x * y + z;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, Vector512<T> sum, bool accumulate)
    {
        if (accumulate) sum += Vector512.Load(c);
        sum.Store(c);
    }
}

internal readonly unsafe struct Avx512Kernel8x2<T> : IGemmMicroKernel<T> where T : unmanaged, INumber<T>
{
    public static int MR => 8;
    public static int NR => 2 * Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, nint ldc, bool accumulate)
    {
        Vector512<T> c0_0 = default; Vector512<T> c0_1 = default;
        Vector512<T> c1_0 = default; Vector512<T> c1_1 = default;
        Vector512<T> c2_0 = default; Vector512<T> c2_1 = default;
        Vector512<T> c3_0 = default; Vector512<T> c3_1 = default;
        Vector512<T> c4_0 = default; Vector512<T> c4_1 = default;
        Vector512<T> c5_0 = default; Vector512<T> c5_1 = default;
        Vector512<T> c6_0 = default; Vector512<T> c6_1 = default;
        Vector512<T> c7_0 = default; Vector512<T> c7_1 = default;
        // The tile of C is read (or written) once, after the loop: fetch its lines now, behind the arithmetic.
        for (int i = 0; i < 8; i++)
            for (int line = 0; line * 64 < 2 * Vector512<T>.Count * sizeof(T); line++) Sse.Prefetch0((byte*)(c + i * ldc) + line * 64);
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0 * Vector512<T>.Count);
            var b1 = Vector512.Load(b + 1 * Vector512<T>.Count);
            var a0 = Vector512.Create(a[0]);
            c0_0 = Fma(a0, b0, c0_0); c0_1 = Fma(a0, b1, c0_1);
            var a1 = Vector512.Create(a[1]);
            c1_0 = Fma(a1, b0, c1_0); c1_1 = Fma(a1, b1, c1_1);
            var a2 = Vector512.Create(a[2]);
            c2_0 = Fma(a2, b0, c2_0); c2_1 = Fma(a2, b1, c2_1);
            var a3 = Vector512.Create(a[3]);
            c3_0 = Fma(a3, b0, c3_0); c3_1 = Fma(a3, b1, c3_1);
            var a4 = Vector512.Create(a[4]);
            c4_0 = Fma(a4, b0, c4_0); c4_1 = Fma(a4, b1, c4_1);
            var a5 = Vector512.Create(a[5]);
            c5_0 = Fma(a5, b0, c5_0); c5_1 = Fma(a5, b1, c5_1);
            var a6 = Vector512.Create(a[6]);
            c6_0 = Fma(a6, b0, c6_0); c6_1 = Fma(a6, b1, c6_1);
            var a7 = Vector512.Create(a[7]);
            c7_0 = Fma(a7, b0, c7_0); c7_1 = Fma(a7, b1, c7_1);
            a += 8;
            b += 2 * Vector512<T>.Count;
        }
        T* r0 = c;
        Store(r0 + 0 * Vector512<T>.Count, c0_0, accumulate); Store(r0 + 1 * Vector512<T>.Count, c0_1, accumulate);
        T* r1 = c + 1 * ldc;
        Store(r1 + 0 * Vector512<T>.Count, c1_0, accumulate); Store(r1 + 1 * Vector512<T>.Count, c1_1, accumulate);
        T* r2 = c + 2 * ldc;
        Store(r2 + 0 * Vector512<T>.Count, c2_0, accumulate); Store(r2 + 1 * Vector512<T>.Count, c2_1, accumulate);
        T* r3 = c + 3 * ldc;
        Store(r3 + 0 * Vector512<T>.Count, c3_0, accumulate); Store(r3 + 1 * Vector512<T>.Count, c3_1, accumulate);
        T* r4 = c + 4 * ldc;
        Store(r4 + 0 * Vector512<T>.Count, c4_0, accumulate); Store(r4 + 1 * Vector512<T>.Count, c4_1, accumulate);
        T* r5 = c + 5 * ldc;
        Store(r5 + 0 * Vector512<T>.Count, c5_0, accumulate); Store(r5 + 1 * Vector512<T>.Count, c5_1, accumulate);
        T* r6 = c + 6 * ldc;
        Store(r6 + 0 * Vector512<T>.Count, c6_0, accumulate); Store(r6 + 1 * Vector512<T>.Count, c6_1, accumulate);
        T* r7 = c + 7 * ldc;
        Store(r7 + 0 * Vector512<T>.Count, c7_0, accumulate); Store(r7 + 1 * Vector512<T>.Count, c7_1, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma(Vector512<T> x, Vector512<T> y, Vector512<T> z)
    {
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
        return x * y + z;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, Vector512<T> sum, bool accumulate)
    {
        if (accumulate) sum += Vector512.Load(c);
        sum.Store(c);
    }
}

internal readonly unsafe struct Avx512Kernel6x4<T> : IGemmMicroKernel<T> where T : unmanaged, INumber<T>
{
    public static int MR => 6;
    public static int NR => 4 * Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, nint ldc, bool accumulate)
    {
        Vector512<T> c0_0 = default; Vector512<T> c0_1 = default; Vector512<T> c0_2 = default; Vector512<T> c0_3 = default;
        Vector512<T> c1_0 = default; Vector512<T> c1_1 = default; Vector512<T> c1_2 = default; Vector512<T> c1_3 = default;
        Vector512<T> c2_0 = default; Vector512<T> c2_1 = default; Vector512<T> c2_2 = default; Vector512<T> c2_3 = default;
        Vector512<T> c3_0 = default; Vector512<T> c3_1 = default; Vector512<T> c3_2 = default; Vector512<T> c3_3 = default;
        Vector512<T> c4_0 = default; Vector512<T> c4_1 = default; Vector512<T> c4_2 = default; Vector512<T> c4_3 = default;
        Vector512<T> c5_0 = default; Vector512<T> c5_1 = default; Vector512<T> c5_2 = default; Vector512<T> c5_3 = default;
        // The tile of C is read (or written) once, after the loop: fetch its lines now, behind the arithmetic.
        for (int i = 0; i < 6; i++)
            for (int line = 0; line * 64 < 4 * Vector512<T>.Count * sizeof(T); line++) Sse.Prefetch0((byte*)(c + i * ldc) + line * 64);
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0 * Vector512<T>.Count);
            var b1 = Vector512.Load(b + 1 * Vector512<T>.Count);
            var b2 = Vector512.Load(b + 2 * Vector512<T>.Count);
            var b3 = Vector512.Load(b + 3 * Vector512<T>.Count);
            var a0 = Vector512.Create(a[0]);
            c0_0 = Fma(a0, b0, c0_0); c0_1 = Fma(a0, b1, c0_1); c0_2 = Fma(a0, b2, c0_2); c0_3 = Fma(a0, b3, c0_3);
            var a1 = Vector512.Create(a[1]);
            c1_0 = Fma(a1, b0, c1_0); c1_1 = Fma(a1, b1, c1_1); c1_2 = Fma(a1, b2, c1_2); c1_3 = Fma(a1, b3, c1_3);
            var a2 = Vector512.Create(a[2]);
            c2_0 = Fma(a2, b0, c2_0); c2_1 = Fma(a2, b1, c2_1); c2_2 = Fma(a2, b2, c2_2); c2_3 = Fma(a2, b3, c2_3);
            var a3 = Vector512.Create(a[3]);
            c3_0 = Fma(a3, b0, c3_0); c3_1 = Fma(a3, b1, c3_1); c3_2 = Fma(a3, b2, c3_2); c3_3 = Fma(a3, b3, c3_3);
            var a4 = Vector512.Create(a[4]);
            c4_0 = Fma(a4, b0, c4_0); c4_1 = Fma(a4, b1, c4_1); c4_2 = Fma(a4, b2, c4_2); c4_3 = Fma(a4, b3, c4_3);
            var a5 = Vector512.Create(a[5]);
            c5_0 = Fma(a5, b0, c5_0); c5_1 = Fma(a5, b1, c5_1); c5_2 = Fma(a5, b2, c5_2); c5_3 = Fma(a5, b3, c5_3);
            a += 6;
            b += 4 * Vector512<T>.Count;
        }
        T* r0 = c;
        Store(r0 + 0 * Vector512<T>.Count, c0_0, accumulate); Store(r0 + 1 * Vector512<T>.Count, c0_1, accumulate); Store(r0 + 2 * Vector512<T>.Count, c0_2, accumulate); Store(r0 + 3 * Vector512<T>.Count, c0_3, accumulate);
        T* r1 = c + 1 * ldc;
        Store(r1 + 0 * Vector512<T>.Count, c1_0, accumulate); Store(r1 + 1 * Vector512<T>.Count, c1_1, accumulate); Store(r1 + 2 * Vector512<T>.Count, c1_2, accumulate); Store(r1 + 3 * Vector512<T>.Count, c1_3, accumulate);
        T* r2 = c + 2 * ldc;
        Store(r2 + 0 * Vector512<T>.Count, c2_0, accumulate); Store(r2 + 1 * Vector512<T>.Count, c2_1, accumulate); Store(r2 + 2 * Vector512<T>.Count, c2_2, accumulate); Store(r2 + 3 * Vector512<T>.Count, c2_3, accumulate);
        T* r3 = c + 3 * ldc;
        Store(r3 + 0 * Vector512<T>.Count, c3_0, accumulate); Store(r3 + 1 * Vector512<T>.Count, c3_1, accumulate); Store(r3 + 2 * Vector512<T>.Count, c3_2, accumulate); Store(r3 + 3 * Vector512<T>.Count, c3_3, accumulate);
        T* r4 = c + 4 * ldc;
        Store(r4 + 0 * Vector512<T>.Count, c4_0, accumulate); Store(r4 + 1 * Vector512<T>.Count, c4_1, accumulate); Store(r4 + 2 * Vector512<T>.Count, c4_2, accumulate); Store(r4 + 3 * Vector512<T>.Count, c4_3, accumulate);
        T* r5 = c + 5 * ldc;
        Store(r5 + 0 * Vector512<T>.Count, c5_0, accumulate); Store(r5 + 1 * Vector512<T>.Count, c5_1, accumulate); Store(r5 + 2 * Vector512<T>.Count, c5_2, accumulate); Store(r5 + 3 * Vector512<T>.Count, c5_3, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma(Vector512<T> x, Vector512<T> y, Vector512<T> z)
    {
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
        return x * y + z;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, Vector512<T> sum, bool accumulate)
    {
        if (accumulate) sum += Vector512.Load(c);
        sum.Store(c);
    }
}

internal readonly unsafe struct Avx512Kernel14x2<T> : IGemmMicroKernel<T> where T : unmanaged, INumber<T>
{
    public static int MR => 14;
    public static int NR => 2 * Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, nint ldc, bool accumulate)
    {
        Vector512<T> c0_0 = default; Vector512<T> c0_1 = default;
        Vector512<T> c1_0 = default; Vector512<T> c1_1 = default;
        Vector512<T> c2_0 = default; Vector512<T> c2_1 = default;
        Vector512<T> c3_0 = default; Vector512<T> c3_1 = default;
        Vector512<T> c4_0 = default; Vector512<T> c4_1 = default;
        Vector512<T> c5_0 = default; Vector512<T> c5_1 = default;
        Vector512<T> c6_0 = default; Vector512<T> c6_1 = default;
        Vector512<T> c7_0 = default; Vector512<T> c7_1 = default;
        Vector512<T> c8_0 = default; Vector512<T> c8_1 = default;
        Vector512<T> c9_0 = default; Vector512<T> c9_1 = default;
        Vector512<T> c10_0 = default; Vector512<T> c10_1 = default;
        Vector512<T> c11_0 = default; Vector512<T> c11_1 = default;
        Vector512<T> c12_0 = default; Vector512<T> c12_1 = default;
        Vector512<T> c13_0 = default; Vector512<T> c13_1 = default;
        // The tile of C is read (or written) once, after the loop: fetch its lines now, behind the arithmetic.
        for (int i = 0; i < 14; i++)
            for (int line = 0; line * 64 < 2 * Vector512<T>.Count * sizeof(T); line++) Sse.Prefetch0((byte*)(c + i * ldc) + line * 64);
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0 * Vector512<T>.Count);
            var b1 = Vector512.Load(b + 1 * Vector512<T>.Count);
            var a0 = Vector512.Create(a[0]);
            c0_0 = Fma(a0, b0, c0_0); c0_1 = Fma(a0, b1, c0_1);
            var a1 = Vector512.Create(a[1]);
            c1_0 = Fma(a1, b0, c1_0); c1_1 = Fma(a1, b1, c1_1);
            var a2 = Vector512.Create(a[2]);
            c2_0 = Fma(a2, b0, c2_0); c2_1 = Fma(a2, b1, c2_1);
            var a3 = Vector512.Create(a[3]);
            c3_0 = Fma(a3, b0, c3_0); c3_1 = Fma(a3, b1, c3_1);
            var a4 = Vector512.Create(a[4]);
            c4_0 = Fma(a4, b0, c4_0); c4_1 = Fma(a4, b1, c4_1);
            var a5 = Vector512.Create(a[5]);
            c5_0 = Fma(a5, b0, c5_0); c5_1 = Fma(a5, b1, c5_1);
            var a6 = Vector512.Create(a[6]);
            c6_0 = Fma(a6, b0, c6_0); c6_1 = Fma(a6, b1, c6_1);
            var a7 = Vector512.Create(a[7]);
            c7_0 = Fma(a7, b0, c7_0); c7_1 = Fma(a7, b1, c7_1);
            var a8 = Vector512.Create(a[8]);
            c8_0 = Fma(a8, b0, c8_0); c8_1 = Fma(a8, b1, c8_1);
            var a9 = Vector512.Create(a[9]);
            c9_0 = Fma(a9, b0, c9_0); c9_1 = Fma(a9, b1, c9_1);
            var a10 = Vector512.Create(a[10]);
            c10_0 = Fma(a10, b0, c10_0); c10_1 = Fma(a10, b1, c10_1);
            var a11 = Vector512.Create(a[11]);
            c11_0 = Fma(a11, b0, c11_0); c11_1 = Fma(a11, b1, c11_1);
            var a12 = Vector512.Create(a[12]);
            c12_0 = Fma(a12, b0, c12_0); c12_1 = Fma(a12, b1, c12_1);
            var a13 = Vector512.Create(a[13]);
            c13_0 = Fma(a13, b0, c13_0); c13_1 = Fma(a13, b1, c13_1);
            a += 14;
            b += 2 * Vector512<T>.Count;
        }
        T* r0 = c;
        Store(r0 + 0 * Vector512<T>.Count, c0_0, accumulate); Store(r0 + 1 * Vector512<T>.Count, c0_1, accumulate);
        T* r1 = c + 1 * ldc;
        Store(r1 + 0 * Vector512<T>.Count, c1_0, accumulate); Store(r1 + 1 * Vector512<T>.Count, c1_1, accumulate);
        T* r2 = c + 2 * ldc;
        Store(r2 + 0 * Vector512<T>.Count, c2_0, accumulate); Store(r2 + 1 * Vector512<T>.Count, c2_1, accumulate);
        T* r3 = c + 3 * ldc;
        Store(r3 + 0 * Vector512<T>.Count, c3_0, accumulate); Store(r3 + 1 * Vector512<T>.Count, c3_1, accumulate);
        T* r4 = c + 4 * ldc;
        Store(r4 + 0 * Vector512<T>.Count, c4_0, accumulate); Store(r4 + 1 * Vector512<T>.Count, c4_1, accumulate);
        T* r5 = c + 5 * ldc;
        Store(r5 + 0 * Vector512<T>.Count, c5_0, accumulate); Store(r5 + 1 * Vector512<T>.Count, c5_1, accumulate);
        T* r6 = c + 6 * ldc;
        Store(r6 + 0 * Vector512<T>.Count, c6_0, accumulate); Store(r6 + 1 * Vector512<T>.Count, c6_1, accumulate);
        T* r7 = c + 7 * ldc;
        Store(r7 + 0 * Vector512<T>.Count, c7_0, accumulate); Store(r7 + 1 * Vector512<T>.Count, c7_1, accumulate);
        T* r8 = c + 8 * ldc;
        Store(r8 + 0 * Vector512<T>.Count, c8_0, accumulate); Store(r8 + 1 * Vector512<T>.Count, c8_1, accumulate);
        T* r9 = c + 9 * ldc;
        Store(r9 + 0 * Vector512<T>.Count, c9_0, accumulate); Store(r9 + 1 * Vector512<T>.Count, c9_1, accumulate);
        T* r10 = c + 10 * ldc;
        Store(r10 + 0 * Vector512<T>.Count, c10_0, accumulate); Store(r10 + 1 * Vector512<T>.Count, c10_1, accumulate);
        T* r11 = c + 11 * ldc;
        Store(r11 + 0 * Vector512<T>.Count, c11_0, accumulate); Store(r11 + 1 * Vector512<T>.Count, c11_1, accumulate);
        T* r12 = c + 12 * ldc;
        Store(r12 + 0 * Vector512<T>.Count, c12_0, accumulate); Store(r12 + 1 * Vector512<T>.Count, c12_1, accumulate);
        T* r13 = c + 13 * ldc;
        Store(r13 + 0 * Vector512<T>.Count, c13_0, accumulate); Store(r13 + 1 * Vector512<T>.Count, c13_1, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma(Vector512<T> x, Vector512<T> y, Vector512<T> z)
    {
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
        return x * y + z;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, Vector512<T> sum, bool accumulate)
    {
        if (accumulate) sum += Vector512.Load(c);
        sum.Store(c);
    }
}

internal readonly unsafe struct Avx512Kernel8x3<T> : IGemmMicroKernel<T> where T : unmanaged, INumber<T>
{
    public static int MR => 8;
    public static int NR => 3 * Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, nint ldc, bool accumulate)
    {
        Vector512<T> c0_0 = default; Vector512<T> c0_1 = default; Vector512<T> c0_2 = default;
        Vector512<T> c1_0 = default; Vector512<T> c1_1 = default; Vector512<T> c1_2 = default;
        Vector512<T> c2_0 = default; Vector512<T> c2_1 = default; Vector512<T> c2_2 = default;
        Vector512<T> c3_0 = default; Vector512<T> c3_1 = default; Vector512<T> c3_2 = default;
        Vector512<T> c4_0 = default; Vector512<T> c4_1 = default; Vector512<T> c4_2 = default;
        Vector512<T> c5_0 = default; Vector512<T> c5_1 = default; Vector512<T> c5_2 = default;
        Vector512<T> c6_0 = default; Vector512<T> c6_1 = default; Vector512<T> c6_2 = default;
        Vector512<T> c7_0 = default; Vector512<T> c7_1 = default; Vector512<T> c7_2 = default;
        // The tile of C is read (or written) once, after the loop: fetch its lines now, behind the arithmetic.
        for (int i = 0; i < 8; i++)
            for (int line = 0; line * 64 < 3 * Vector512<T>.Count * sizeof(T); line++) Sse.Prefetch0((byte*)(c + i * ldc) + line * 64);
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0 * Vector512<T>.Count);
            var b1 = Vector512.Load(b + 1 * Vector512<T>.Count);
            var b2 = Vector512.Load(b + 2 * Vector512<T>.Count);
            var a0 = Vector512.Create(a[0]);
            c0_0 = Fma(a0, b0, c0_0); c0_1 = Fma(a0, b1, c0_1); c0_2 = Fma(a0, b2, c0_2);
            var a1 = Vector512.Create(a[1]);
            c1_0 = Fma(a1, b0, c1_0); c1_1 = Fma(a1, b1, c1_1); c1_2 = Fma(a1, b2, c1_2);
            var a2 = Vector512.Create(a[2]);
            c2_0 = Fma(a2, b0, c2_0); c2_1 = Fma(a2, b1, c2_1); c2_2 = Fma(a2, b2, c2_2);
            var a3 = Vector512.Create(a[3]);
            c3_0 = Fma(a3, b0, c3_0); c3_1 = Fma(a3, b1, c3_1); c3_2 = Fma(a3, b2, c3_2);
            var a4 = Vector512.Create(a[4]);
            c4_0 = Fma(a4, b0, c4_0); c4_1 = Fma(a4, b1, c4_1); c4_2 = Fma(a4, b2, c4_2);
            var a5 = Vector512.Create(a[5]);
            c5_0 = Fma(a5, b0, c5_0); c5_1 = Fma(a5, b1, c5_1); c5_2 = Fma(a5, b2, c5_2);
            var a6 = Vector512.Create(a[6]);
            c6_0 = Fma(a6, b0, c6_0); c6_1 = Fma(a6, b1, c6_1); c6_2 = Fma(a6, b2, c6_2);
            var a7 = Vector512.Create(a[7]);
            c7_0 = Fma(a7, b0, c7_0); c7_1 = Fma(a7, b1, c7_1); c7_2 = Fma(a7, b2, c7_2);
            a += 8;
            b += 3 * Vector512<T>.Count;
        }
        T* r0 = c;
        Store(r0 + 0 * Vector512<T>.Count, c0_0, accumulate); Store(r0 + 1 * Vector512<T>.Count, c0_1, accumulate); Store(r0 + 2 * Vector512<T>.Count, c0_2, accumulate);
        T* r1 = c + 1 * ldc;
        Store(r1 + 0 * Vector512<T>.Count, c1_0, accumulate); Store(r1 + 1 * Vector512<T>.Count, c1_1, accumulate); Store(r1 + 2 * Vector512<T>.Count, c1_2, accumulate);
        T* r2 = c + 2 * ldc;
        Store(r2 + 0 * Vector512<T>.Count, c2_0, accumulate); Store(r2 + 1 * Vector512<T>.Count, c2_1, accumulate); Store(r2 + 2 * Vector512<T>.Count, c2_2, accumulate);
        T* r3 = c + 3 * ldc;
        Store(r3 + 0 * Vector512<T>.Count, c3_0, accumulate); Store(r3 + 1 * Vector512<T>.Count, c3_1, accumulate); Store(r3 + 2 * Vector512<T>.Count, c3_2, accumulate);
        T* r4 = c + 4 * ldc;
        Store(r4 + 0 * Vector512<T>.Count, c4_0, accumulate); Store(r4 + 1 * Vector512<T>.Count, c4_1, accumulate); Store(r4 + 2 * Vector512<T>.Count, c4_2, accumulate);
        T* r5 = c + 5 * ldc;
        Store(r5 + 0 * Vector512<T>.Count, c5_0, accumulate); Store(r5 + 1 * Vector512<T>.Count, c5_1, accumulate); Store(r5 + 2 * Vector512<T>.Count, c5_2, accumulate);
        T* r6 = c + 6 * ldc;
        Store(r6 + 0 * Vector512<T>.Count, c6_0, accumulate); Store(r6 + 1 * Vector512<T>.Count, c6_1, accumulate); Store(r6 + 2 * Vector512<T>.Count, c6_2, accumulate);
        T* r7 = c + 7 * ldc;
        Store(r7 + 0 * Vector512<T>.Count, c7_0, accumulate); Store(r7 + 1 * Vector512<T>.Count, c7_1, accumulate); Store(r7 + 2 * Vector512<T>.Count, c7_2, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma(Vector512<T> x, Vector512<T> y, Vector512<T> z)
    {
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
        return x * y + z;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T* c, Vector512<T> sum, bool accumulate)
    {
        if (accumulate) sum += Vector512.Load(c);
        sum.Store(c);
    }
}

