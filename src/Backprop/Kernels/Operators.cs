using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

// Element operators as structs with static abstract members: the JIT specialises each kernel
// for each (operator, element type) pair, so there is no per-element virtual call or delegate.

/// <summary>An elementwise function of one floating-point argument, scalar and vectorised.</summary>
internal interface IUnaryOp
{
    static abstract T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>The vectorised form; destination may be the same span as x.</summary>
    static abstract void Invoke<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>An elementwise function of two numbers of one type (float, double or long).</summary>
internal interface IBinaryOp
{
    /// <summary>
    /// True when the one-element form gives bit for bit what the span forms give (exactly rounded arithmetic), so a
    /// one-element tensor can skip the span call; false where they differ (Max's −0 vs +0, Pow's x·x for x²).
    /// </summary>
    static virtual bool ElementMatchesSpan => false;

    static abstract T Invoke<T>(T x, T y) where T : unmanaged, INumber<T>;

    static abstract void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, INumber<T>;

    static abstract void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> destination) where T : unmanaged, INumber<T>;

    static abstract void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, INumber<T>;
}

/// <summary>A comparison of two numbers, producing a bool.</summary>
internal interface ICompareOp
{
    static abstract bool Invoke<T>(T x, T y) where T : unmanaged, INumber<T>;
}

internal struct AddOp : IBinaryOp
{
    public static bool ElementMatchesSpan => true;
    public static T Invoke<T>(T x, T y) where T : unmanaged, INumber<T> => x + y;
    public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Add(x, y, d);
    public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Add(x, y, d);
    public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Add(y, x, d);
}

internal struct SubOp : IBinaryOp
{
    public static bool ElementMatchesSpan => true;
    public static T Invoke<T>(T x, T y) where T : unmanaged, INumber<T> => x - y;
    public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Subtract(x, y, d);
    public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Subtract(x, y, d);
    public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Subtract(x, y, d);
}

internal struct MulOp : IBinaryOp
{
    public static bool ElementMatchesSpan => true;
    public static T Invoke<T>(T x, T y) where T : unmanaged, INumber<T> => x * y;
    public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(x, y, d);
    public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(x, y, d);
    public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Multiply(y, x, d);
}

internal struct DivOp : IBinaryOp
{
    public static bool ElementMatchesSpan => true;
    public static T Invoke<T>(T x, T y) where T : unmanaged, INumber<T> => x / y;
    public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Divide(x, y, d);
    public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Divide(x, y, d);
    public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Divide(x, y, d);
}

/// <summary>torch.maximum: NaN propagates.</summary>
internal struct MaxOp : IBinaryOp
{
    public static T Invoke<T>(T x, T y) where T : unmanaged, INumber<T> => T.IsNaN(x) || T.IsNaN(y) ? x + y : (x >= y ? x : y);
    public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Max(x, y, d);
    public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Max(x, y, d);
    public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Max(y, x, d);
}

/// <summary>torch.minimum: NaN propagates.</summary>
internal struct MinOp : IBinaryOp
{
    public static T Invoke<T>(T x, T y) where T : unmanaged, INumber<T> => T.IsNaN(x) || T.IsNaN(y) ? x + y : (x <= y ? x : y);
    public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Min(x, y, d);
    public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Min(x, y, d);
    public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Min(y, x, d);
}

/// <summary>x ** y for floating point; integer powers go through <see cref="IntPow"/>.</summary>
internal struct PowOp : IBinaryOp
{
    public static T Invoke<T>(T x, T y) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) return (T)(object)MathF.Pow((float)(object)x, (float)(object)y);
        if (typeof(T) == typeof(double)) return (T)(object)Math.Pow((double)(object)x, (double)(object)y);
        return IntPow(x, y);
    }

    public static void Invoke<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = Invoke(x[i], y[i]);
    }

    public static void Invoke<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, INumber<T>
    {
        if (y == T.CreateTruncating(2)) { TensorPrimitives.Multiply(x, x, d); return; }
        for (int i = 0; i < x.Length; i++) d[i] = Invoke(x[i], y);
    }

    public static void Invoke<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < y.Length; i++) d[i] = Invoke(x, y[i]);
    }

    /// <summary>Integer power by squaring; a negative exponent is refused by the op before it gets here.</summary>
    private static T IntPow<T>(T x, T y) where T : unmanaged, INumber<T>
    {
        T result = T.One;
        long e = long.CreateTruncating(y);
        while (e > 0)
        {
            if ((e & 1) != 0) result *= x;
            x *= x;
            e >>= 1;
        }
        return result;
    }
}

internal struct EqOp : ICompareOp { public static bool Invoke<T>(T x, T y) where T : unmanaged, INumber<T> => x == y; }
internal struct NeOp : ICompareOp { public static bool Invoke<T>(T x, T y) where T : unmanaged, INumber<T> => x != y; }
internal struct LtOp : ICompareOp { public static bool Invoke<T>(T x, T y) where T : unmanaged, INumber<T> => x < y; }
internal struct LeOp : ICompareOp { public static bool Invoke<T>(T x, T y) where T : unmanaged, INumber<T> => x <= y; }
internal struct GtOp : ICompareOp { public static bool Invoke<T>(T x, T y) where T : unmanaged, INumber<T> => x > y; }
internal struct GeOp : ICompareOp { public static bool Invoke<T>(T x, T y) where T : unmanaged, INumber<T> => x >= y; }

/// <summary>An elementwise function with parameters, held in struct fields.</summary>
internal interface IElementFunc
{
    T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>;
}
