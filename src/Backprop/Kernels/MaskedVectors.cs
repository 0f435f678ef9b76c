using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>
/// AVX-512 masked loads and stores of float and double vectors, for runs shorter than a vector (a feature map's
/// row, the end of a dot product): the lanes outside the mask are neither read nor written, so no bounds padding
/// is needed. Masks are vectors with all-ones lanes where set.
/// </summary>
internal static unsafe class MaskedVectors
{
    /// <summary>The lanes of a Vector512 of T where AVX-512 moves it under a mask (T float or double); 0 where it cannot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Lanes<T>() where T : unmanaged =>
        Avx512F.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double)) ? Vector512<T>.Count : 0;

    /// <summary>Lanes 0 .. n − 1 set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> FirstLanes<T>(int n) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(n)).As<int, T>();
        return Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)n)).As<long, T>();
    }

    /// <summary>Lanes u with start ≤ u &lt; end set.</summary>
    public static Vector512<T> LaneRange<T>(int start, int end) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            var u = Vector512<int>.Indices;
            return (Vector512.GreaterThanOrEqual(u, Vector512.Create(start)) & Vector512.LessThan(u, Vector512.Create(end))).As<int, T>();
        }
        var v = Vector512<long>.Indices;
        return (Vector512.GreaterThanOrEqual(v, Vector512.Create((long)start)) & Vector512.LessThan(v, Vector512.Create((long)end))).As<long, T>();
    }

    /// <summary>The masked lanes from p, zeros elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load<T>(T* p, Vector512<T> mask) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Avx512F.MaskLoad((float*)p, mask.AsSingle(), Vector512<float>.Zero).As<float, T>();
        return Avx512F.MaskLoad((double*)p, mask.AsDouble(), Vector512<double>.Zero).As<double, T>();
    }

    /// <summary>The masked lanes of value to p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(T* p, Vector512<T> mask, Vector512<T> value) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) Avx512F.MaskStore((float*)p, mask.AsSingle(), value.AsSingle());
        else Avx512F.MaskStore((double*)p, mask.AsDouble(), value.AsDouble());
    }
}
