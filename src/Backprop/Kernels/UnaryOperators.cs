using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

internal struct ExpOp : IUnaryOp
{
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Exp(x);
    public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ScalarMath.Takes<T>()) ScalarMath.Apply<T, ExpOp>(x, d);
        else TensorPrimitives.Exp(x, d);
    }
}

internal struct LogOp : IUnaryOp
{
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Log(x);
    public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ScalarMath.Takes<T>()) ScalarMath.Apply<T, LogOp>(x, d);
        else TensorPrimitives.Log(x, d);
    }
}

internal struct SqrtOp : IUnaryOp
{
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sqrt(x);
    public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Sqrt(x, d);
}

internal struct AbsOp : IUnaryOp
{
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Abs(x);
    public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Abs(x, d);
}

internal struct SinOp : IUnaryOp
{
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Sin(x);
    public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ScalarMath.Takes<T>()) ScalarMath.Apply<T, SinOp>(x, d);
        else TensorPrimitives.Sin(x, d);
    }
}

internal struct CosOp : IUnaryOp
{
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Cos(x);
    public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ScalarMath.Takes<T>()) ScalarMath.Apply<T, CosOp>(x, d);
        else TensorPrimitives.Cos(x, d);
    }
}

internal struct TanhOp : IUnaryOp
{
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.Tanh(x);
    public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ScalarMath.Takes<T>()) ScalarMath.Apply<T, TanhOp>(x, d);
        else TensorPrimitives.Tanh(x, d);
    }
}

/// <summary>1 / (1 + e^-x).</summary>
internal struct SigmoidOp : IUnaryOp
{
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));
    public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (ScalarMath.Takes<T>()) ScalarMath.Apply<T, SigmoidOp>(x, d);
        else TensorPrimitives.Sigmoid(x, d);
    }
}

/// <summary>max(x, 0); NaN stays NaN, as in torch.relu.</summary>
internal struct ReluOp : IUnaryOp
{
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero || T.IsNaN(x) ? x : T.Zero;
    public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Max(x, T.Zero, d);
}

/// <summary>The Gaussian error function, to double precision (.NET has no Math.Erf).</summary>
internal static class Erf
{
    public static double Of(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        double r;
        if (ax < 3.0)
        {
            // erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)): every term positive, so no cancellation.
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 200; n++)
            {
                term *= 2 * x2 / (2 * n + 1);
                sum += term;
                if (term < sum * 1e-17) break;
            }
            r = 2 / Math.Sqrt(Math.PI) * Math.Exp(-x2) * sum;
        }
        else if (ax < 27.0)
        {
            // erfc by its continued fraction (modified Lentz), fast to converge for x ≥ 3.
            r = 1 - Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) * ContinuedFraction(ax);
        }
        else
        {
            r = 1.0;
        }
        return x < 0 ? -r : r;
    }

    // erfc(x)·√π·e^(x²) = 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
    private static double ContinuedFraction(double x)
    {
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int n = 1; n < 500; n++)
        {
            double a = n / 2.0;
            d = x + a * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = x + a / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return 1 / f;
    }
}

/// <summary>GELU with the exact erf form: x · Φ(x) = x/2 · (1 + erf(x/√2)); torch's default approximate='none'.</summary>
internal struct GeluOp : IUnaryOp
{
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double v = double.CreateTruncating(x);
        return T.CreateTruncating(0.5 * v * (1 + Erf.Of(v / Math.Sqrt(2))));
    }

    public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = Invoke(x[i]);
    }
}

internal struct ErfOp : IUnaryOp
{
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(Erf.Of(double.CreateTruncating(x)));

    public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = Invoke(x[i]);
    }
}
