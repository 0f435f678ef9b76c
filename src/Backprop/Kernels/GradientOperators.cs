using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// The sigmoid's gradient from its output, g·(1 − y)·y in that order (torch's sigmoid_backward kernel): one pass
/// and one result instead of three ops. Spans are done in stack chunks of three vectorised steps; each chunk of
/// x and y is read before its part of the destination is written, so the destination may be either input.
/// </summary>
internal struct SigmoidBackwardOp : IBinaryOp
{
    private const int Chunk = 256;

    public static bool ElementMatchesSpan => true;

    public static T Invoke<T>(T g, T y) where T : unmanaged, INumber<T> => g * (T.One - y) * y;

    public static void Invoke<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T>
    {
        Span<T> t = stackalloc T[Chunk];
        for (int i = 0; i < d.Length; i += Chunk)
        {
            int n = Math.Min(Chunk, d.Length - i);
            var ti = t[..n];
            var yi = y.Slice(i, n);
            TensorPrimitives.Subtract(T.One, yi, ti);
            TensorPrimitives.Multiply(g.Slice(i, n), ti, ti);
            TensorPrimitives.Multiply(ti, yi, d.Slice(i, n));
        }
    }

    public static void Invoke<T>(ReadOnlySpan<T> g, T y, Span<T> d) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = Invoke(g[i], y);
    }

    public static void Invoke<T>(T g, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = Invoke(g, y[i]);
    }
}

/// <summary>
/// g·(1 − y²): tanh's backward from the gradient g and the saved output y, in one pass. Used only when the backward
/// is not itself recorded (createGraph), where the composed ops are needed for their own derivative.
/// </summary>
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
