using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>Which extreme a reduction keeps: the largest (max) or the smallest (min).</summary>
internal interface IExtremeOp
{
    /// <summary>True when candidate replaces best. A NaN beats any number (NaN propagates, as in PyTorch); ties keep best, the first.</summary>
    static abstract bool Beats<T>(T candidate, T best) where T : unmanaged, INumber<T>;

    /// <summary>The extreme of a non-empty span; NaN when any element is NaN.</summary>
    static abstract T Of<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T>;

    /// <summary>destination[i] = extreme(x[i], y[i]), NaN propagating.</summary>
    static abstract void Pairwise<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, INumber<T>;
}

internal struct MaxExtreme : IExtremeOp
{
    public static bool Beats<T>(T candidate, T best) where T : unmanaged, INumber<T>
        => candidate > best || (T.IsNaN(candidate) && !T.IsNaN(best));
    public static T Of<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => TensorPrimitives.Max(x);
    public static void Pairwise<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Max(x, y, d);
}

internal struct MinExtreme : IExtremeOp
{
    public static bool Beats<T>(T candidate, T best) where T : unmanaged, INumber<T>
        => candidate < best || (T.IsNaN(candidate) && !T.IsNaN(best));
    public static T Of<T>(ReadOnlySpan<T> x) where T : unmanaged, INumber<T> => TensorPrimitives.Min(x);
    public static void Pairwise<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, INumber<T> => TensorPrimitives.Min(x, y, d);
}

/// <summary>Max and min over contiguous data laid out as [outer, reduced, inner], with reduced ≥ 1.</summary>
internal static class ReduceMinMax
{
    /// <summary>
    /// values[o, i] = extreme over r of source[o, r, i]. With inner = 1 each output is one vectorised span
    /// reduction; otherwise whole rows of length inner are combined pairwise, vectorised along the kept dims.
    /// </summary>
    public static void Values<T, TOp>(ReadOnlySpan<T> source, int outer, int reduced, int inner, Span<T> values)
        where T : unmanaged, INumber<T> where TOp : IExtremeOp
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) values[o] = TOp.Of(source.Slice(o * reduced, reduced));
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            var row = values.Slice(o * inner, inner);
            source.Slice(o * reduced * inner, inner).CopyTo(row);
            for (int r = 1; r < reduced; r++)
                TOp.Pairwise(row, source.Slice((o * reduced + r) * inner, inner), row);
        }
    }

    /// <summary>
    /// values[o, i] = extreme over r of source[o, r, i] and indices[o, i] = the r where it first occurs
    /// (the first NaN when there is one): PyTorch's max(dim)/argmax on CPU. A scalar scan, because the
    /// vectorised IndexOfMax orders −0 below +0 where PyTorch treats them as a tie.
    /// </summary>
    public static void ValuesAndIndices<T, TOp>(ReadOnlySpan<T> source, int outer, int reduced, int inner, Span<T> values, Span<long> indices)
        where T : unmanaged, INumber<T> where TOp : IExtremeOp
    {
        for (int o = 0; o < outer; o++)
        {
            var block = source.Slice(o * reduced * inner, reduced * inner);
            var bestValues = values.Slice(o * inner, inner);
            var bestIndices = indices.Slice(o * inner, inner);
            block[..inner].CopyTo(bestValues);
            bestIndices.Clear();
            // r outermost: every pass reads one row of the block in memory order.
            for (int r = 1; r < reduced; r++)
            {
                var row = block.Slice(r * inner, inner);
                for (int i = 0; i < inner; i++)
                    if (TOp.Beats(row[i], bestValues[i]))
                    {
                        bestValues[i] = row[i];
                        bestIndices[i] = r;
                    }
            }
        }
    }
}
