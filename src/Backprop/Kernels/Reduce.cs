using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>Sums over contiguous data laid out as [outer, reduced, inner].</summary>
internal static class Reduce
{
    /// <summary>
    /// destination[o, i] = Σ_r source[o, r, i]. With inner = 1 each output is one vectorised span sum;
    /// otherwise whole rows of length inner are added, vectorised along the kept dims.
    /// </summary>
    public static void Sum<T>(ReadOnlySpan<T> source, int outer, int reduced, int inner, Span<T> destination)
        where T : unmanaged, INumber<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) destination[o] = TensorPrimitives.Sum(source.Slice(o * reduced, reduced));
            return;
        }
        destination.Clear();
        for (int o = 0; o < outer; o++)
        {
            var row = destination.Slice(o * inner, inner);
            for (int r = 0; r < reduced; r++)
                TensorPrimitives.Add(row, source.Slice((o * reduced + r) * inner, inner), row);
        }
    }
}
