using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// Softmax and log-softmax over contiguous data laid out as [outer, n, inner], normalising along n.
/// Both subtract the max first, softmax(x) = softmax(x − m), so exp never overflows.
/// </summary>
internal static class Softmax
{
    /// <summary>y = exp(x − m) / Σ exp(x − m) along n; or, with log, y = (x − m) − log Σ exp(x − m).</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, int outer, int n, int inner, Span<T> y, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0 || outer == 0 || inner == 0) return;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) Row(x.Slice(o * n, n), y.Slice(o * n, n), log);
            return;
        }
        // inner > 1: n rows of length inner per block; every step is a vectorised op over a whole row.
        var buffer = ArrayPool<T>.Shared.Rent(2 * inner);
        try
        {
            var max = buffer.AsSpan(0, inner);
            var sum = buffer.AsSpan(inner, inner);
            for (int o = 0; o < outer; o++)
            {
                var xs = x.Slice(o * n * inner, n * inner);
                var ys = y.Slice(o * n * inner, n * inner);
                xs[..inner].CopyTo(max);
                for (int r = 1; r < n; r++) TensorPrimitives.Max(max, xs.Slice(r * inner, inner), max);   // NaN propagates
                sum.Clear();
                for (int r = 0; r < n; r++)
                {
                    var yr = ys.Slice(r * inner, inner);
                    TensorPrimitives.Subtract(xs.Slice(r * inner, inner), max, yr);
                    ExpOp.Invoke<T>(yr, yr);
                    TensorPrimitives.Add(sum, yr, sum);
                }
                if (log)
                {
                    LogOp.Invoke<T>(sum, sum);
                    for (int r = 0; r < n; r++)
                    {
                        var yr = ys.Slice(r * inner, inner);
                        TensorPrimitives.Subtract(xs.Slice(r * inner, inner), max, yr);
                        TensorPrimitives.Subtract(yr, sum, yr);
                    }
                }
                else
                    for (int r = 0; r < n; r++)
                    {
                        var yr = ys.Slice(r * inner, inner);
                        TensorPrimitives.Divide(yr, sum, yr);
                    }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(buffer);
        }
    }

    /// <summary>One contiguous row.</summary>
    private static void Row<T>(ReadOnlySpan<T> x, Span<T> y, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var max = TensorPrimitives.Max(x);   // NaN if any is NaN: the row then comes out all NaN, as in PyTorch
        TensorPrimitives.Subtract(x, max, y);
        ExpOp.Invoke<T>(y, y);
        var sum = TensorPrimitives.Sum<T>(y);
        if (log)
        {
            // (x − m) − log s rather than x − (m + log s): m + log s would round away the small log s when m is large.
            TensorPrimitives.Subtract(x, max, y);
            TensorPrimitives.Subtract(y, T.Log(sum), y);
        }
        else
            TensorPrimitives.Divide(y, sum, y);
    }

    /// <summary>
    /// The gradient dx from g and the forward's output y, all [outer, n, inner] contiguous, along n: with log,
    /// dx = g − e^y · Σ g (log-softmax); without, dx = y ⊙ (g − Σ g ⊙ y) (softmax). The composed rules in the same order.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, int outer, int n, int inner, Span<T> dx, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0 || outer == 0 || inner == 0) return;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) BackwardRow(g.Slice(o * n, n), y.Slice(o * n, n), dx.Slice(o * n, n), log);
            return;
        }
        var buffer = ArrayPool<T>.Shared.Rent(inner);
        try
        {
            var sum = buffer.AsSpan(0, inner);
            for (int o = 0; o < outer; o++)
            {
                var gs = g.Slice(o * n * inner, n * inner);
                var ys = y.Slice(o * n * inner, n * inner);
                var dxs = dx.Slice(o * n * inner, n * inner);
                sum.Clear();
                for (int r = 0; r < n; r++)
                {
                    var gr = gs.Slice(r * inner, inner);
                    if (log) TensorPrimitives.Add(sum, gr, sum);
                    else TensorPrimitives.MultiplyAdd(gr, ys.Slice(r * inner, inner), sum, sum);
                }
                for (int r = 0; r < n; r++)
                {
                    ReadOnlySpan<T> gr = gs.Slice(r * inner, inner), yr = ys.Slice(r * inner, inner);
                    var dr = dxs.Slice(r * inner, inner);
                    if (log)
                    {
                        ExpOp.Invoke<T>(yr, dr);
                        TensorPrimitives.Multiply(dr, sum, dr);
                        TensorPrimitives.Subtract(gr, dr, dr);
                    }
                    else
                    {
                        TensorPrimitives.Subtract(gr, sum, dr);
                        TensorPrimitives.Multiply(yr, dr, dr);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(buffer);
        }
    }

    private static void BackwardRow<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (log)
        {
            var sum = TensorPrimitives.Sum(g);
            ExpOp.Invoke<T>(y, dx);
            TensorPrimitives.Multiply(dx, sum, dx);
            TensorPrimitives.Subtract(g, dx, dx);
        }
        else
        {
            var dot = TensorPrimitives.Dot(g, y);
            TensorPrimitives.Subtract(g, dot, dx);
            TensorPrimitives.Multiply(y, dx, dx);
        }
    }
}
