namespace Backprop.Kernels;

/// <summary>
/// Coalescing, as PyTorch's TensorIterator does before a strided loop: a [500, 1] column walked row by row is 500
/// rows of one element; with the size-1 dim dropped it is one row of 500, which the vectorised row paths take.
/// </summary>
internal static class Layout
{
    /// <summary>
    /// Drops size-1 dims (their strides never move) and merges each dim into the one before it when every operand
    /// steps through the two as through one (outer stride = inner stride · inner size); the row-major element
    /// order is unchanged. shape and strides (one row of shape.Length per operand) are rewritten in place; returns
    /// the new rank, 0 for a single element.
    /// </summary>
    public static int Coalesce(Span<int> shape, Span<int> strides, int operands)
    {
        int nd = shape.Length, rank = 0;
        for (int d = 0; d < nd; d++)
        {
            int size = shape[d];
            if (size == 1) continue;
            bool merge = rank > 0;
            for (int j = 0; j < operands && merge; j++)
                merge = strides[j * nd + rank - 1] == strides[j * nd + d] * size;
            if (merge)
            {
                shape[rank - 1] *= size;
                for (int j = 0; j < operands; j++) strides[j * nd + rank - 1] = strides[j * nd + d];
                continue;
            }
            shape[rank] = size;
            for (int j = 0; j < operands; j++) strides[j * nd + rank] = strides[j * nd + d];
            rank++;
        }
        return rank;
    }

    /// <summary>One operand's layout coalesced (see above) into scratch of twice the rank; returns the new rank.</summary>
    public static int Coalesce(int[] shape, int[] strides, Span<int> scratch, out Span<int> dims, out Span<int> coalescedStrides)
    {
        int nd = shape.Length;
        shape.CopyTo(scratch);
        strides.CopyTo(scratch[nd..]);
        int rank = Coalesce(scratch[..nd], scratch[nd..], 1);
        dims = scratch[..rank];
        coalescedStrides = scratch.Slice(nd, rank);
        return rank;
    }

    /// <summary>Two operands' layouts coalesced together (see above) into scratch of three times the rank; returns the new rank.</summary>
    public static int Coalesce(int[] shape, int[] stridesA, int[] stridesB, Span<int> scratch,
        out Span<int> dims, out Span<int> coalescedA, out Span<int> coalescedB)
    {
        int nd = shape.Length;
        shape.CopyTo(scratch);
        stridesA.CopyTo(scratch[nd..]);
        stridesB.CopyTo(scratch[(2 * nd)..]);
        int rank = Coalesce(scratch[..nd], scratch[nd..], 2);
        dims = scratch[..rank];
        coalescedA = scratch.Slice(nd, rank);
        coalescedB = scratch.Slice(2 * nd, rank);
        return rank;
    }
}
