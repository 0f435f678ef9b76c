using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

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

/// <summary>GELU with the exact erf form: x · Φ(x) = x/2 · (1 + erf(x/√2)); torch's default approximate='none'.</summary>
internal struct GeluOp : IUnaryOp, IErfVectorOp
{
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double v = double.CreateTruncating(x);
        return T.CreateTruncating(0.5 * v * (1 + Erf.Of(v / Math.Sqrt(2))));
    }

    public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = ErfVectors.Apply<T, GeluOp>(x, d);
        for (; i < x.Length; i++) d[i] = Invoke(x[i]);
    }

    /// <summary>Four lanes of <see cref="Invoke{T}(T)"/>'s double arithmetic, in its order.</summary>
    public static Vector256<double> Invoke(Vector256<double> v) =>
        Vector256.Create(0.5) * v * (Vector256.Create(1.0) + Erf.Of(v / Math.Sqrt(2)));
}

internal struct ErfOp : IUnaryOp, IErfVectorOp
{
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => T.CreateTruncating(Erf.Of(double.CreateTruncating(x)));

    public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = ErfVectors.Apply<T, ErfOp>(x, d);
        for (; i < x.Length; i++) d[i] = Invoke(x[i]);
    }

    public static Vector256<double> Invoke(Vector256<double> v) => Erf.Of(v);
}
