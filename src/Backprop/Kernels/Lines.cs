using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>
/// Copy and add over short runs of elements (a row of a feature map: 7 to 28 elements in a small CNN), where a
/// span copy's or TensorPrimitives' fixed cost per call exceeds the work. With AVX-512, whole vectors and one
/// masked move for the rest (a row of 14 floats is a single masked move); otherwise the widest vector that fits.
/// </summary>
internal static unsafe class Lines
{
    /// <summary>d[i] = s[i] for i &lt; length; s and d do not overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy<T>(T* s, T* d, int length) where T : unmanaged
    {
        if (Avx512F.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
        {
            // Whole vectors, then the rest under a mask (AVX-512 masked moves touch no memory outside the mask).
            int count = Vector512<T>.Count, i = 0;
            for (; i <= length - count; i += count) Vector512.Store(Vector512.Load(s + i), d + i);
            if (i < length)
            {
                if (typeof(T) == typeof(float))
                {
                    var mask = TailMask<float>(length - i);
                    Avx512F.MaskStore((float*)d + i, mask, Avx512F.MaskLoad((float*)s + i, mask, Vector512<float>.Zero));
                }
                else
                {
                    var mask = TailMask<double>(length - i);
                    Avx512F.MaskStore((double*)d + i, mask, Avx512F.MaskLoad((double*)s + i, mask, Vector512<double>.Zero));
                }
            }
        }
        // The last vector may overlap the one before it: those elements are written twice with the same value.
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && length >= Vector256<T>.Count)
        {
            int count = Vector256<T>.Count, i = 0;
            for (; i <= length - count; i += count) Vector256.Store(Vector256.Load(s + i), d + i);
            if (i < length) Vector256.Store(Vector256.Load(s + length - count), d + length - count);
        }
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported && length >= Vector128<T>.Count)
        {
            int count = Vector128<T>.Count, i = 0;
            for (; i <= length - count; i += count) Vector128.Store(Vector128.Load(s + i), d + i);
            if (i < length) Vector128.Store(Vector128.Load(s + length - count), d + length - count);
        }
        else
            for (int i = 0; i < length; i++) d[i] = s[i];
    }

    /// <summary>d[i] += s[i] for i &lt; length; s and d do not overlap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add<T>(T* s, T* d, int length) where T : unmanaged, INumber<T>
    {
        int i = 0;
        if (Avx512F.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
        {
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
                Vector512.Store(Vector512.Load(d + i) + Vector512.Load(s + i), d + i);
            if (i < length)
            {
                if (typeof(T) == typeof(float))
                {
                    var mask = TailMask<float>(length - i);
                    float* dt = (float*)d + i;
                    var sum = Avx512F.MaskLoad(dt, mask, Vector512<float>.Zero) + Avx512F.MaskLoad((float*)s + i, mask, Vector512<float>.Zero);
                    Avx512F.MaskStore(dt, mask, sum);
                }
                else
                {
                    var mask = TailMask<double>(length - i);
                    double* dt = (double*)d + i;
                    var sum = Avx512F.MaskLoad(dt, mask, Vector512<double>.Zero) + Avx512F.MaskLoad((double*)s + i, mask, Vector512<double>.Zero);
                    Avx512F.MaskStore(dt, mask, sum);
                }
            }
            return;
        }
        // No overlapping last vector here (it would add twice): narrower vectors, then single elements, finish.
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
            for (; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
                Vector256.Store(Vector256.Load(d + i) + Vector256.Load(s + i), d + i);
        if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
            for (; i <= length - Vector128<T>.Count; i += Vector128<T>.Count)
                Vector128.Store(Vector128.Load(d + i) + Vector128.Load(s + i), d + i);
        for (; i < length; i++) d[i] += s[i];
    }

    /// <summary>The first n lanes set (n &lt; the lane count), for float or double lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<TLane> TailMask<TLane>(int n) where TLane : unmanaged
    {
        if (typeof(TLane) == typeof(float)) return Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(n)).As<int, TLane>();
        return Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)n)).As<long, TLane>();
    }
}
