using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>An erf-based function computed in double, four lanes at a time (<see cref="Erf.Of(Vector256{double})"/>).</summary>
internal interface IErfVectorOp
{
    static abstract Vector256<double> Invoke(Vector256<double> v);
}

/// <summary>
/// Runs an erf-based op over float or double spans four elements at a time, widening float to double and rounding
/// back as the scalar form does (so the results are the scalar form's); returns how many elements it did, the rest
/// (a tail under four, or everything where AVX2 is missing or the type is neither) left to the scalar loop.
/// </summary>
internal static class ErfVectors
{
    public static int Apply<T, TOp>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged where TOp : IErfVectorOp
    {
        if (!Erf.IsVectorised || x.Length < 4) return 0;
        int n = x.Length & ~3;
        if (typeof(T) == typeof(float))
        {
            ref float xs = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x));
            ref float ds = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(d));
            for (int i = 0; i < n; i += 4)
            {
                var v = Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref xs, (nuint)i));
                Avx.ConvertToVector128Single(TOp.Invoke(v)).StoreUnsafe(ref ds, (nuint)i);
            }
            return n;
        }
        if (typeof(T) == typeof(double))
        {
            ref double xs = ref Unsafe.As<T, double>(ref MemoryMarshal.GetReference(x));
            ref double ds = ref Unsafe.As<T, double>(ref MemoryMarshal.GetReference(d));
            for (int i = 0; i < n; i += 4) TOp.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ds, (nuint)i);
            return n;
        }
        return 0;
    }
}
