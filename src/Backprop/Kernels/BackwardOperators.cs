using System.Numerics;

namespace Backprop.Kernels;

// Activation backward rules fused into one pass over (gradient, saved output): composed from tensor ops they take
// three passes and two temporaries. The ops use them only when the backward itself is not being recorded
// (createGraph), where the composed form is needed for its own derivative. (The sigmoid's is in GradientOperators.cs.)

/// <summary>g·(1 − y²): tanh's backward from the gradient g and the saved output y.</summary>
internal struct TanhBackwardOp : IBinaryOp
{
    public static T Invoke<T>(T g, T y) where T : unmanaged, INumber<T> => g * (T.One - y * y);

    public static void Invoke<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && typeof(T) != typeof(long))
        {
            var one = Vector<T>.One;
            for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var vy = new Vector<T>(y[i..]);
                (new Vector<T>(g[i..]) * (one - vy * vy)).CopyTo(d[i..]);
            }
        }
        for (; i < d.Length; i++) d[i] = Invoke(g[i], y[i]);
    }

    public static void Invoke<T>(ReadOnlySpan<T> g, T y, Span<T> d) where T : unmanaged, INumber<T>
    {
        T s = T.One - y * y;
        for (int i = 0; i < d.Length; i++) d[i] = g[i] * s;
    }

    public static void Invoke<T>(T g, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = Invoke(g, y[i]);
    }
}
