using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

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

/// <summary>
/// GELU's gradient from the output gradient g and the input x, g·(Φ(x) + x·φ(x)) with Φ(x) = (erf(x/√2) + 1)·0.5 and
/// φ(x) = e^(x·x·(−0.5))/√(2π) (torch's gelu_backward, approximate='none'), in one pass over stack chunks instead of
/// eleven ops over whole tensors. Each step is the op the composed backward ran, in its order and its dtype (IEEE
/// division, products and sums; the same Exp and Erf kernels), so the gradients are bit for bit those of the ops it
/// replaces. Each chunk of g and x is read before its part of the destination is written.
/// </summary>
internal struct GeluBackwardOp : IBinaryOp
{
    private const int Chunk = 256;

    public static T Invoke<T>(T g, T x) where T : unmanaged, INumber<T>
    {
        Span<T> d = stackalloc T[1];
        Invoke([g], [x], d);
        return d[0];
    }

    public static void Invoke<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
            Run(MemoryMarshal.Cast<T, float>(g), MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(d));
        else if (typeof(T) == typeof(double))
            Run(MemoryMarshal.Cast<T, double>(g), MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(d));
        else throw new NotSupportedException($"GeluBackward: expected a floating-point dtype, got {typeof(T).Name}");
    }

    public static void Invoke<T>(ReadOnlySpan<T> g, T x, Span<T> d) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = Invoke(g[i], x);
    }

    public static void Invoke<T>(T g, ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = Invoke(g, x[i]);
    }

    private static void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The numbers as the composed ops converted them: to the tensor's dtype first.
        T sqrt2 = T.CreateTruncating(Math.Sqrt(2)), half = T.CreateTruncating(0.5), minusHalf = T.CreateTruncating(-0.5);
        T sqrt2Pi = T.CreateTruncating(Math.Sqrt(2 * Math.PI));
        Span<T> cdfChunk = stackalloc T[Chunk];
        Span<T> pdfChunk = stackalloc T[Chunk];
        for (int i = 0; i < d.Length; i += Chunk)
        {
            int n = Math.Min(Chunk, d.Length - i);
            var xi = x.Slice(i, n);
            var cdf = cdfChunk[..n];
            var pdf = pdfChunk[..n];
            TensorPrimitives.Divide(xi, sqrt2, cdf);        // x.Div(√2)
            ErfOp.Invoke<T>(cdf, cdf);                      //   .Erf()
            TensorPrimitives.Add(cdf, T.One, cdf);          //   .Add(1)
            TensorPrimitives.Multiply(cdf, half, cdf);      //   .Mul(0.5)
            TensorPrimitives.Multiply(xi, xi, pdf);         // x.Mul(x)
            TensorPrimitives.Multiply(pdf, minusHalf, pdf); //   .Mul(−0.5)
            ExpOp.Invoke<T>(pdf, pdf);                      //   .Exp()
            TensorPrimitives.Divide(pdf, sqrt2Pi, pdf);     //   .Div(√(2π))
            TensorPrimitives.Multiply(xi, pdf, pdf);        // x.Mul(pdf)
            TensorPrimitives.Add(cdf, pdf, cdf);            // cdf.Add(…)
            TensorPrimitives.Multiply(g.Slice(i, n), cdf, d.Slice(i, n));   // g.Mul(…)
        }
    }
}
