using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
        if (MaskedVectors.Lanes<T>() > 0)
        {
            // Whole vectors, then the rest under a mask (AVX-512 masked moves touch no memory outside the mask).
            int count = Vector512<T>.Count, i = 0;
            for (; i <= length - count; i += count) Vector512.Store(Vector512.Load(s + i), d + i);
            if (i < length)
            {
                var mask = MaskedVectors.FirstLanes<T>(length - i);
                MaskedVectors.Store(d + i, mask, MaskedVectors.Load(s + i, mask));
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
        if (MaskedVectors.Lanes<T>() > 0)
        {
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
                Vector512.Store(Vector512.Load(d + i) + Vector512.Load(s + i), d + i);
            if (i < length)
            {
                var mask = MaskedVectors.FirstLanes<T>(length - i);
                MaskedVectors.Store(d + i, mask, MaskedVectors.Load(d + i, mask) + MaskedVectors.Load(s + i, mask));
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
}
