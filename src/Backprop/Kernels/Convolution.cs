using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>
/// 2-D convolution by im2col and the GEMM, one sample at a time, the samples split across threads. A sample's
/// columns X (C·kH·kW × L, L = oH·oW output positions) are built in a per-thread buffer that stays in L2 and are
/// multiplied at once: Y = W·X (+ b) straight into the sample's [O, L] output; the backward rebuilds them to add
/// G·Xᵀ into dW and folds Wᵀ·G back into dX. Building the whole batch's columns first (N times the buffer, tens of
/// megabytes) would send them through memory twice, and N small products each split over threads cost more in
/// synchronisation than the arithmetic. Groups split C and O into blocks multiplied independently.
/// </summary>
internal static unsafe class Convolution
{
    /// <summary>The shapes of one convolution: input [N, C, H, W], weight [O, C/groups, kH, kW], output [N, O, oH, oW].</summary>
    public readonly record struct Geometry(int N, int C, int H, int W, int O, int Groups, SlidingWindows Windows)
    {
        /// <summary>Output channels per group.</summary>
        public int OutPerGroup => O / Groups;

        /// <summary>Rows of a group's columns (C/groups·kH·kW), the product's inner dimension.</summary>
        public int RowsPerGroup => C / Groups * Windows.KernelArea;

        /// <summary>Output positions per plane, the columns of X.</summary>
        public int Blocks => Windows.Blocks;
    }

    /// <summary>The operands of one convolution's kernels: arrays, where each tensor starts in its array, and the shapes.</summary>
    private readonly record struct Operands<T>(T[] X, int XOffset, int[] XStrides, T[] Weight, int WeightOffset, Geometry Shape);

    /// <summary>
    /// y[n] = W·unfold(x[n]) + b for every sample: x read at offset through strides [sN, sC, sH, sW]; weight
    /// contiguous [O, C/groups·kH·kW] at its offset; bias [O] contiguous at its offset or null; y contiguous [N, O, L]
    /// (overwritten).
    /// </summary>
    public static void Forward<T>(T[] x, int xOffset, int[] xStrides, T[] weight, int weightOffset, T[]? bias, int biasOffset,
        T[] y, in Geometry shape, int threads) where T : unmanaged, INumber<T>
    {
        var operands = new Operands<T>(x, xOffset, xStrides, weight, weightOffset, shape);
        int n = shape.N;
        var (units, gemmThreads) = Split(n, threads);
        GemmParallel.For(units, threads, u => ForwardSamples(operands, bias, biasOffset, y, u * n / units, (u + 1) * n / units, gemmThreads));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // runs once per batch: skip the unoptimised first tier
    private static void ForwardSamples<T>(in Operands<T> op, T[]? bias, int biasOffset, T[] y, int first, int last, int gemmThreads)
        where T : unmanaged, INumber<T>
    {
        var s = op.Shape;
        int og = s.OutPerGroup, kg = s.RowsPerGroup, l = s.Blocks;
        T[] columns = ArrayPool<T>.Shared.Rent(s.C * s.Windows.KernelArea * l);
        T[] scratch = RentScratch<T>(s.Windows);
        try
        {
            for (int n = first; n < last; n++)
            {
                Unfold(op, n, columns, scratch);
                for (int g = 0; g < s.Groups; g++)
                    Gemm.Multiply<T>(op.Weight.AsSpan(op.WeightOffset + g * og * kg, og * kg), kg, false,
                        columns.AsSpan(g * kg * l, kg * l), l, false,
                        y.AsSpan((n * s.O + g * og) * l, og * l), og, l, kg, GemmPath.Auto, gemmThreads);
                if (bias is not null)
                    for (int o = 0; o < s.O; o++)
                    {
                        var plane = y.AsSpan((n * s.O + o) * l, l);
                        TensorPrimitives.Add(plane, bias[biasOffset + o], plane);
                    }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(columns);
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// The gradients of <see cref="Forward{T}"/> given g (contiguous [N, O, L] at gOffset): dx = fold(Wᵀ·g[n]) into a contiguous
    /// [N, C, H, W] (overwritten), dWeight = Σₙ g[n]·unfold(x[n])ᵀ as [O, C/groups·kH·kW] and dBias = Σₙ,ₗ g[n, :, l] as
    /// [O] (both overwritten); each is skipped when null.
    /// </summary>
    public static void Backward<T>(T[] x, int xOffset, int[] xStrides, T[] weight, int weightOffset, T[] g, int gOffset,
        T[]? dx, T[]? dWeight, T[]? dBias, in Geometry shape, int threads) where T : unmanaged, INumber<T>
    {
        var operands = new Operands<T>(x, xOffset, xStrides, weight, weightOffset, shape);
        int n = shape.N, weightSize = shape.O * shape.RowsPerGroup;
        var (units, gemmThreads) = Split(n, threads);
        // Each unit sums its samples' dW and db into its own slice; the slices are added in unit order after, so the
        // result does not depend on which thread ran which unit.
        int partialSize = (dWeight is null ? 0 : weightSize) + (dBias is null ? 0 : shape.O);
        T[] partials = ArrayPool<T>.Shared.Rent(Math.Max(1, units * partialSize));
        try
        {
            GemmParallel.For(units, threads, u =>
                BackwardSamples(operands, g, gOffset, dx, dWeight is not null, dBias is not null, partials, u * partialSize,
                    u * n / units, (u + 1) * n / units, gemmThreads));
            if (dWeight is not null) SumPartials(partials, units, partialSize, 0, dWeight.AsSpan(0, weightSize));
            if (dBias is not null) SumPartials(partials, units, partialSize, partialSize - shape.O, dBias.AsSpan(0, shape.O));
        }
        finally { ArrayPool<T>.Shared.Return(partials); }
    }

    /// <summary>Samples first..last of the backward; this unit's dW and db sums go to partials at partialOffset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardSamples<T>(in Operands<T> op, T[] g, int gOffset, T[]? dx, bool weightGrad, bool biasGrad,
        T[] partials, int partialOffset, int first, int last, int gemmThreads) where T : unmanaged, INumber<T>
    {
        var s = op.Shape;
        int og = s.OutPerGroup, kg = s.RowsPerGroup, l = s.Blocks, weightSize = s.O * kg;
        var partial = partials.AsSpan(partialOffset, (weightGrad ? weightSize : 0) + (biasGrad ? s.O : 0));
        partial.Clear();
        var dw = weightGrad ? partial[..weightSize] : default;
        var db = biasGrad ? partial[^s.O..] : default;
        T[] columns = ArrayPool<T>.Shared.Rent(s.C * s.Windows.KernelArea * l);
        T[] scratch = RentScratch<T>(s.Windows);
        bool rowDots = UseRowDots<T>(og, l);
        T[] product = ArrayPool<T>.Shared.Rent(weightGrad && !rowDots ? og * kg : 1);
        try
        {
            for (int n = first; n < last; n++)
            {
                if (dx is not null)
                {
                    // dX[n] = fold(Wᵀ·G[n]), group by group.
                    for (int gr = 0; gr < s.Groups; gr++)
                        Gemm.Multiply<T>(op.Weight.AsSpan(op.WeightOffset + gr * og * kg, og * kg), kg, true,
                            g.AsSpan(gOffset + (n * s.O + gr * og) * l, og * l), l, false,
                            columns.AsSpan(gr * kg * l, kg * l), kg, l, og, GemmPath.Auto, gemmThreads);
                    fixed (T* cols = columns, pad = scratch, dst = dx)
                        Im2Col.FoldSample(cols, l, s.C, s.H, s.W, s.Windows, dst + (nint)n * s.C * s.H * s.W, pad);
                }
                if (weightGrad)
                {
                    // dW += G[n]·X[n]ᵀ with the sample's columns rebuilt (cheaper than keeping the batch's).
                    Unfold(op, n, columns, scratch);
                    if (rowDots)
                    {
                        // Both operands are contiguous along L: dot products of rows, added straight into the sums.
                        fixed (T* gp = g, cols = columns, sums = partials)
                            for (int gr = 0; gr < s.Groups; gr++)
                                GemmRowDots.Multiply(gp + gOffset + (nint)(n * s.O + gr * og) * l, l, cols + (nint)gr * kg * l, l,
                                    sums + partialOffset + gr * og * kg, kg, og, kg, l, accumulate: true);
                    }
                    else
                        for (int gr = 0; gr < s.Groups; gr++)
                        {
                            var block = product.AsSpan(0, og * kg);
                            Gemm.Multiply<T>(g.AsSpan(gOffset + (n * s.O + gr * og) * l, og * l), l, false,
                                columns.AsSpan(gr * kg * l, kg * l), l, true, block, og, kg, l, GemmPath.Auto, gemmThreads);
                            var target = dw.Slice(gr * og * kg, og * kg);
                            TensorPrimitives.Add(target, block, target);
                        }
                }
                if (biasGrad)
                    for (int o = 0; o < s.O; o++) db[o] += TensorPrimitives.Sum<T>(g.AsSpan(gOffset + (n * s.O + o) * l, l));
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(columns);
            ArrayPool<T>.Shared.Return(scratch);
            ArrayPool<T>.Shared.Return(product);
        }
    }

    /// <summary>
    /// Whether dW's products G·Xᵀ go by dot products of rows (<see cref="GemmRowDots"/>): where they run, and where
    /// a group's gradients (og × L) stay in L2 and four rows of columns in L1, beside which the packed GEMM's
    /// transposing of both operands costs as much as it saves (the CNN's first layer: 16 × 25 outputs over
    /// L = 784, 2× faster; its second: 32 × 400 over 196, even). Larger problems need the GEMM's cache blocking.
    /// </summary>
    private static bool UseRowDots<T>(int og, int l) where T : unmanaged =>
        GemmRowDots.IsSupported<T>() && (long)og * l * Unsafe.SizeOf<T>() <= 256 << 10 && (long)l * Unsafe.SizeOf<T>() <= 8 << 10;

    /// <summary>Sample n's columns [C·kH·kW, L] into columns.</summary>
    private static void Unfold<T>(in Operands<T> op, int n, T[] columns, T[] scratch) where T : unmanaged
    {
        var s = op.Shape;
        fixed (T* src = op.X, cols = columns, pad = scratch)
            Im2Col.UnfoldSample(src + op.XOffset + (nint)n * op.XStrides[0], op.XStrides[1], op.XStrides[2], op.XStrides[3],
                s.C, s.H, s.W, s.Windows, cols, s.Blocks, pad);
    }

    /// <summary>How many units of whole samples, and how many threads each unit's products may use.</summary>
    private static (int Units, int GemmThreads) Split(int n, int threads)
    {
        // A few units per thread, so a thread that is descheduled (the machine is shared) leaves little behind.
        // A single sample's products go parallel instead; with several units they stay on their unit's thread,
        // so no unit running on a helper thread waits on another parallel loop.
        int units = Math.Max(1, Math.Min(n, threads > 1 ? 4 * threads : 1));
        return (units, units == 1 ? threads : 1);
    }

    private static T[] RentScratch<T>(in SlidingWindows win)
    {
        var (ph, pw) = Im2Col.PaddedPlane(win);
        return ArrayPool<T>.Shared.Rent(ph * pw);
    }

    private static void SumPartials<T>(T[] partials, int units, int partialSize, int start, Span<T> destination) where T : unmanaged, INumber<T>
    {
        partials.AsSpan(start, destination.Length).CopyTo(destination);
        for (int u = 1; u < units; u++) TensorPrimitives.Add(destination, partials.AsSpan(u * partialSize + start, destination.Length), destination);
    }
}
