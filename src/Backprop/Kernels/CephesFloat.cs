namespace Backprop.Kernels;

/// <summary>
/// Single-precision log and sin/cos by the Cephes polynomials, rounded step by step exactly as PyTorch's AVX2
/// normal sampler computes them (Pommier's avx_mathfun, compiled with multiply-adds fused where GCC fuses them).
/// They exist so Float32 randn reproduces torch's bits; they are not general-purpose math functions.
/// </summary>
internal static class CephesFloat
{
    private const float SqrtHalf = 0.707106781186547524f;
    // ln 2 split in a short high part (exact in float) and a correction: e·ln2 = e·Q2 + e·Q1 with little rounding.
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;

    // Minimax coefficients of log(1 + x) ≈ x − x²/2 + x³·P(x) on [√½ − 1, √2 − 1] (Cephes logf).
    private static ReadOnlySpan<float> LogP =>
    [
        7.0376836292E-2f, -1.1514610310E-1f, 1.1676998740E-1f, -1.2420140846E-1f, 1.4249322787E-1f,
        -1.6668057665E-1f, 2.0000714765E-1f, -2.4999993993E-1f, 3.3333331174E-1f,
    ];

    /// <summary>Natural log of a positive float (NaN for x ≤ 0).</summary>
    public static float Log(float x)
    {
        if (!(x > 0)) return float.NaN;
        x = MathF.Max(x, BitConverter.Int32BitsToSingle(0x00800000));   // denormals are cut to the smallest normal
        int bits = BitConverter.SingleToInt32Bits(x);
        // x = m·2^e with m in [0.5, 1): keep the mantissa bits, force the exponent of 0.5.
        float e = (float)((bits >>> 23) - 0x7f) + 1f;
        x = BitConverter.Int32BitsToSingle((bits & ~0x7f800000) | BitConverter.SingleToInt32Bits(0.5f));
        // Move m into [√½, √2) so that x = m − 1 is small: if m < √½ use 2m and e − 1.
        float tmp = 0;
        if (x < SqrtHalf) { tmp = x; e -= 1f; }
        x = x - 1f;
        x = x + tmp;

        float z = x * x;
        var p = LogP;
        float y = p[0];
        for (int i = 1; i < p.Length; i++) y = MathF.FusedMultiplyAdd(y, x, p[i]);
        y = y * x;
        y = MathF.FusedMultiplyAdd(y, z, e * Ln2Low);
        y = MathF.FusedMultiplyAdd(-z, 0.5f, y);
        x = x + y;
        return MathF.FusedMultiplyAdd(e, Ln2High, x);
    }

    // π/4 split in three parts for the extended-precision reduction x − j·π/4 (Cephes sinf).
    private const float Dp1 = -0.78515625f;
    private const float Dp2 = -2.4187564849853515625e-4f;
    private const float Dp3 = -3.77489497744594108e-8f;
    private const float FourOverPi = 1.27323954473516f;

    /// <summary>sin x and cos x together (accurate for |x| below about 8192).</summary>
    public static (float Sin, float Cos) SinCos(float x)
    {
        bool sinNegative = float.IsNegative(x);
        x = MathF.Abs(x);
        // j = the octant of x, rounded up to even; y = j as a float.
        int j = (int)(x * FourOverPi);
        j = (j + 1) & ~1;
        float y = j;
        bool swapSin = (j & 4) != 0;
        bool cosinePolynomialForSin = (j & 2) != 0;
        bool cosNegative = ((j - 2) & 4) == 0;
        sinNegative ^= swapSin;

        x = MathF.FusedMultiplyAdd(y, Dp1, x);
        x = MathF.FusedMultiplyAdd(y, Dp2, x);
        x = MathF.FusedMultiplyAdd(y, Dp3, x);

        float z = x * x;
        // cos on [−π/4, π/4]: 1 − z/2 + z²·(c0·z² + c1·z + c2)
        float c = MathF.FusedMultiplyAdd(2.443315711809948E-005f, z, -1.388731625493765E-003f);
        c = MathF.FusedMultiplyAdd(c, z, 4.166664568298827E-002f);
        c = c * z;
        c = MathF.FusedMultiplyAdd(c, z, -(z * 0.5f));
        c = c + 1f;
        // sin on [−π/4, π/4]: x + x·z·(s0·z² + s1·z + s2)
        float s = MathF.FusedMultiplyAdd(-1.9515295891E-4f, z, 8.3321608736E-3f);
        s = MathF.FusedMultiplyAdd(s, z, -1.6666654611E-1f);
        s = s * z;
        s = MathF.FusedMultiplyAdd(s, x, x);

        float sin = cosinePolynomialForSin ? c : s;
        float cos = cosinePolynomialForSin ? s : c;
        return (sinNegative ? -sin : sin, cosNegative ? -cos : cos);
    }
}
