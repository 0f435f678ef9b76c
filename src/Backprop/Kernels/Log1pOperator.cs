using System.Numerics;

namespace Backprop.Kernels;

/// <summary>
/// ln(1 + x), accurate for small x (.NET's LogP1 is Log(x + 1), which loses every digit of x below ε): with
/// u = 1 + x rounded, ln(u)·x/(u − 1) cancels the rounding of u (Goldberg, "What every computer scientist should
/// know about floating-point arithmetic", theorem 4), within a few ulps of the exact value.
/// </summary>
internal struct Log1pOp : IUnaryOp
{
    public static T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T u = T.One + x;
        if (u == T.One) return x;                          // |x| below ε/2: ln(1 + x) = x to the last bit
        if (T.IsInfinity(u) || u <= T.Zero) return T.Log(u);   // ∞, −1 → −∞, below −1 → NaN
        return T.Log(u) * x / (u - T.One);
    }

    public static void Invoke<T>(ReadOnlySpan<T> x, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = Invoke(x[i]);
    }
}
