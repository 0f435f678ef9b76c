using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>
/// The Gaussian error function, to double precision (.NET has no Math.Erf). A table of Taylor polynomials: erf at
/// the grid points a = i/32 on [0, 6] and the derivatives there, erf⁽ᵏ⁺¹⁾(a) = (2/√π)·(−1)ᵏ·Hₖ(a)·e^(−a²) (Hₖ the
/// Hermite polynomials), so that erf(a + h) for |h| ≤ 1/64 is one Horner sum of <see cref="Terms"/> products
/// (the series it replaced took ~90 ns an element, half of a GELU model's training step; this ~10 ns, ~2.5 ns in
/// the vector form). The table's
/// values come from the slow series and continued fraction below; the polynomials' truncation error is below 1e-19,
/// so the result is within 1e-15 relative of the exact erf (checked against mpmath: 9e-16 at worst, where the series
/// alone reaches 1.2e-15 near 3), and rounded to float32 it is the series' float. Beyond 6, erf rounds to ±1 in double.
/// </summary>
internal static unsafe class Erf
{
    private const int PerUnit = 32;
    private const double Saturation = 6.0;
    private const int Terms = 8;   // h¹ … h⁸: the 9th term is below 1e-18 relative for every a on the grid
    private const int Row = Terms + 1;
    private static readonly double[] Table = BuildTable();   // pinned: the vector form gathers from it by address
    private static readonly double* TableAddress = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Table));

    /// <summary>Whether <see cref="Of(Vector256{double})"/> may be called (it gathers with AVX2).</summary>
    public static bool IsVectorised => Avx2.IsSupported;

    public static double Of(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        double r;
        if (ax >= Saturation) r = 1.0;
        else
        {
            int i = (int)(ax * PerUnit + 0.5);
            double h = ax - i * (1.0 / PerUnit);   // exact: a grid point within 1/64 of ax, a multiple of 2⁻⁵
            var row = Table.AsSpan(i * Row, Row);
            double p = row[Terms];
            for (int k = Terms - 1; k >= 1; k--) p = p * h + row[k];
            r = row[0] + p * h;
        }
        return x < 0 ? -r : r;
    }

    /// <summary>
    /// <see cref="Of(double)"/> of four numbers at once, lane for lane the same arithmetic (so the same results): the
    /// scalar form's Horner sum is a chain of dependent products that leaves the multipliers idle; four lanes fill them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Of(Vector256<double> x)
    {
        var ax = Vector256.Abs(x);
        var inRange = Vector256.LessThan(ax, Vector256.Create(Saturation));   // false for NaN and the saturated
        ax = Vector256.ConditionalSelect(inRange, ax, Vector256<double>.Zero);
        var grid = Vector256.Floor(ax * PerUnit + Vector256.Create(0.5));
        var h = ax - grid * (1.0 / PerUnit);
        var row = Avx.ConvertToVector128Int32WithTruncation(grid) * Row;
        var table = TableAddress;
        var p = Avx2.GatherVector256(table + Terms, row, sizeof(double));
        for (int k = Terms - 1; k >= 1; k--) p = p * h + Avx2.GatherVector256(table + k, row, sizeof(double));
        var r = Avx2.GatherVector256(table, row, sizeof(double)) + p * h;
        r = Vector256.ConditionalSelect(inRange, r, Vector256.Create(1.0));
        r = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<double>.Zero), -r, r);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), r, x);   // NaN stays NaN
    }

    // Row i: erf(a), then erf⁽ᵏ⁾(a)/k! for k = 1..Terms, a = i/PerUnit.
    private static double[] BuildTable()
    {
        int points = (int)(Saturation * PerUnit) + 1;
        var table = GC.AllocateArray<double>(points * Row, pinned: true);
        for (int i = 0; i < points; i++)
        {
            double a = (double)i / PerUnit;
            table[i * Row] = Series(a);
            double scale = 2 / Math.Sqrt(Math.PI) * Math.Exp(-a * a);
            double hPrev = 0, hCur = 1;   // H₋₁ (unused), H₀
            double factorial = 1;
            for (int k = 0; k < Terms; k++)
            {
                factorial *= k + 1;   // (k+1)!
                table[i * Row + k + 1] = scale * (k % 2 == 0 ? hCur : -hCur) / factorial;
                double next = 2 * a * hCur - 2 * k * hPrev;   // H_{k+1} = 2a·H_k − 2k·H_{k−1}
                (hPrev, hCur) = (hCur, next);
            }
        }
        return table;
    }

    /// <summary>erf by its series (below 3) or erfc's continued fraction: slow, to double precision; builds the table.</summary>
    internal static double Series(double x)
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
