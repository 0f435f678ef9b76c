using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// Pooling over the planes of an [n, c, h, w] input (read through its strides) into contiguous [n, c, oH, oW]
/// outputs, with the window rules of PyTorch's CPU kernels (aten/src/ATen/native/cpu/*PoolKernel.cpp), and the
/// adjoints that spread an output gradient back over the windows.
/// </summary>
internal static class Pooling
{
    /// <summary>
    /// The maximum of each window and its position ih·w + iw in the plane. Taps in the padding are skipped (as if
    /// −∞); the first maximum wins ties; a NaN is taken as the maximum, as PyTorch's (val &gt; max || isnan(val)).
    /// </summary>
    public static void Max<T>(T[] source, int offset, ReadOnlySpan<int> strides, int n, int c, int h, int w, in SlidingWindows win,
        Span<T> values, Span<long> indices) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int sN = strides[0], sC = strides[1], sH = strides[2], sW = strides[3];
        int o = 0;
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
            {
                int plane = offset + b * sN + ch * sC;
                for (int oh = 0; oh < win.OutH; oh++)
                {
                    int ih0 = oh * win.StrideH - win.PadH;
                    int ih1 = Math.Min(ih0 + (win.KernelH - 1) * win.DilationH + 1, h);
                    while (ih0 < 0) ih0 += win.DilationH;
                    for (int ow = 0; ow < win.OutW; ow++, o++)
                    {
                        int iw0 = ow * win.StrideW - win.PadW;
                        int iw1 = Math.Min(iw0 + (win.KernelW - 1) * win.DilationW + 1, w);
                        while (iw0 < 0) iw0 += win.DilationW;
                        long best = (long)ih0 * w + iw0;
                        T max = T.NegativeInfinity;
                        for (int ih = ih0; ih < ih1; ih += win.DilationH)
                            for (int iw = iw0; iw < iw1; iw += win.DilationW)
                            {
                                T v = source[plane + ih * sH + iw * sW];
                                if (v > max || T.IsNaN(v))
                                {
                                    max = v;
                                    best = (long)ih * w + iw;
                                }
                            }
                        values[o] = max;
                        indices[o] = best;
                    }
                }
            }
    }

    /// <summary>
    /// <see cref="Max{T}"/> for the common 2×2 window with stride 2, no padding or dilation, every window inside the
    /// plane (2·oH ≤ h, 2·oW ≤ w) and unit column stride: the four taps read directly, planes split across threads.
    /// The same rule decides: taps in row-major order, a later one wins when greater or NaN.
    /// </summary>
    public static void Max2x2<T>(T[] source, int offset, int[] strides, int n, int c, int h, int w, int outH, int outW,
        T[] values, long[] indices, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int planes = n * c;
        int units = Math.Min(planes, threads > 1 && (long)planes * outH * outW >= ParallelMin ? 4 * threads : 1);
        GemmParallel.For(units, threads, u =>
            Max2x2Planes(source, offset, strides, c, w, outH, outW, values, indices, (int)((long)u * planes / units), (int)((long)(u + 1) * planes / units)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot loops: skip the unoptimised first tier
    private static void Max2x2Planes<T>(T[] source, int offset, int[] strides, int c, int w, int outH, int outW,
        T[] values, long[] indices, int first, int last) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int sN = strides[0], sC = strides[1], sH = strides[2];
        // Random data makes every comparison a coin toss: branches would mispredict half the time (~13 ns an
        // output here). So V outputs at once: deinterleave each row's 2V elements into left and right taps, pick
        // with vector masks, and build the positions from the same masks.
        int lanes = Vector256.IsHardwareAccelerated && (typeof(T) == typeof(float) || typeof(T) == typeof(double)) ? Vector256<T>.Count : 0;
        Span<T> picked = stackalloc T[Math.Max(1, lanes)];
        Span<long> pickedAt = stackalloc long[Math.Max(1, lanes)];
        long unitEnd = (long)last * outH * outW;   // this unit's outputs end here; other threads write on from it
        for (int p = first; p < last; p++)
        {
            int plane = offset + p / c * sN + p % c * sC, o = p * outH * outW;
            for (int oh = 0; oh < outH; oh++, o += outW)
            {
                int top = plane + 2 * oh * sH, bottom = top + sH;
                long rowIndex = 2L * oh * w;
                int ow = 0;
                // Each chunk reads 2V elements of both rows from 2·ow; past the row's end (harmless: other rows of
                // the array) but never past the array's end.
                for (; lanes > 0 && ow < outW && Math.Max(top, bottom) + 2 * ow + 2 * lanes <= source.Length; ow += lanes)
                {
                    var (a, b) = Deinterleave(Vector256.LoadUnsafe(ref source[0], (nuint)(top + 2 * ow)), Vector256.LoadUnsafe(ref source[0], (nuint)(top + 2 * ow + lanes)));
                    var (e, d) = Deinterleave(Vector256.LoadUnsafe(ref source[0], (nuint)(bottom + 2 * ow)), Vector256.LoadUnsafe(ref source[0], (nuint)(bottom + 2 * ow + lanes)));
                    // The rule, taps in order a, b (top), e, d (bottom): a later tap wins when greater or NaN. Folding
                    // each row's pair first, then the rows, gives the same winner (the first maximum, or the last NaN).
                    var right = Vector256.GreaterThan(b, a) | ~Vector256.Equals(b, b);
                    var top2 = Vector256.ConditionalSelect(right, b, a);
                    var rightBelow = Vector256.GreaterThan(d, e) | ~Vector256.Equals(d, d);
                    var bottom2 = Vector256.ConditionalSelect(rightBelow, d, e);
                    var below = Vector256.GreaterThan(bottom2, top2) | ~Vector256.Equals(bottom2, bottom2);
                    var max = Vector256.ConditionalSelect(below, bottom2, top2);
                    int count = Math.Min(lanes, outW - ow);
                    // A short chunk (a row of 7 or 14 outputs against 8 lanes: most rows of a small plane) is stored
                    // whole too while its spill lands on outputs of this unit's later rows, which overwrite it.
                    if (count == lanes || o + ow + lanes <= unitEnd)
                    {
                        max.StoreUnsafe(ref values[o + ow]);
                        Positions(right, rightBelow, below, (int)rowIndex + 2 * ow, w, indices.AsSpan(o + ow, lanes));
                    }
                    else
                    {
                        // A short row: the chunk aside, then only the outputs that belong to this row.
                        max.CopyTo(picked);
                        Positions(right, rightBelow, below, (int)rowIndex + 2 * ow, w, pickedAt);
                        picked[..count].CopyTo(values.AsSpan(o + ow, count));
                        pickedAt[..count].CopyTo(indices.AsSpan(o + ow, count));
                    }
                }
                for (; ow < outW; ow++)
                {
                    T max = source[top + 2 * ow], t;
                    long best = rowIndex + 2 * ow;
                    if ((t = source[top + 2 * ow + 1]) > max || T.IsNaN(t)) { max = t; best = rowIndex + 2 * ow + 1; }
                    if ((t = source[bottom + 2 * ow]) > max || T.IsNaN(t)) { max = t; best = rowIndex + w + 2 * ow; }
                    if ((t = source[bottom + 2 * ow + 1]) > max || T.IsNaN(t)) { max = t; best = rowIndex + w + 2 * ow + 1; }
                    values[o + ow] = max;
                    indices[o + ow] = best;
                }
            }
        }
    }

    /// <summary>
    /// The winners' positions in the plane from the masks: window j (top-left tap at first + 2j) adds 0, 1, w or
    /// w + 1 as the right tap won its row, and the bottom row won.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Positions<T>(Vector256<T> right, Vector256<T> rightBelow, Vector256<T> below, int first, int w, Span<long> destination)
    {
        if (typeof(T) == typeof(float))
        {
            var one = Vector256<int>.One;
            Vector256<int> r = right.AsInt32() & one, rb = rightBelow.AsInt32() & one;
            var offset = Vector256.ConditionalSelect(below.AsInt32(), Vector256.Create(w) + rb, r);
            var at = Vector256.Create(first) + Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14) + offset;
            var (lower, upper) = Vector256.Widen(at);
            lower.CopyTo(destination);
            upper.CopyTo(destination[Vector256<long>.Count..]);
        }
        else
        {
            var one = Vector256<long>.One;
            Vector256<long> r = right.AsInt64() & one, rb = rightBelow.AsInt64() & one;
            var offset = Vector256.ConditionalSelect(below.AsInt64(), Vector256.Create((long)w) + rb, r);
            (Vector256.Create((long)first) + Vector256.Create(0L, 2, 4, 6) + offset).CopyTo(destination);
        }
    }

    /// <summary>The even and the odd elements of the 2V elements lo, hi (V = Vector256&lt;T&gt;.Count, T float or double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<T> Even, Vector256<T> Odd) Deinterleave<T>(Vector256<T> lo, Vector256<T> hi)
    {
        if (typeof(T) == typeof(float))
        {
            var order = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);   // evens to the lower half, odds to the upper
            var l = Vector256.Shuffle(lo.AsSingle(), order);
            var h = Vector256.Shuffle(hi.AsSingle(), order);
            return (Vector256.Create(l.GetLower(), h.GetLower()).As<float, T>(), Vector256.Create(l.GetUpper(), h.GetUpper()).As<float, T>());
        }
        else
        {
            var order = Vector256.Create(0L, 2, 1, 3);
            var l = Vector256.Shuffle(lo.AsDouble(), order);
            var h = Vector256.Shuffle(hi.AsDouble(), order);
            return (Vector256.Create(l.GetLower(), h.GetLower()).As<double, T>(), Vector256.Create(l.GetUpper(), h.GetUpper()).As<double, T>());
        }
    }

    /// <summary>
    /// The backward of max pooling: destination (contiguous [planes, h·w], overwritten) gets each output's
    /// gradient added at its saved position in its plane (windows that share a maximum add up). grad and indices
    /// are contiguous [planes, blocks]. Planes are split across threads, each writing its own.
    /// </summary>
    public static void MaxAdjoint<T>(T[] grad, int gradOffset, long[] indices, int indicesOffset, int planes, int blocks, int planeSize,
        T[] destination, int threads) where T : unmanaged, INumber<T>
    {
        int units = Math.Min(planes, threads > 1 && (long)planes * blocks >= ParallelMin ? 4 * threads : 1);
        GemmParallel.For(units, threads, u =>
            MaxAdjointPlanes(grad, gradOffset, indices, indicesOffset, blocks, planeSize, destination,
                (int)((long)u * planes / units), (int)((long)(u + 1) * planes / units)));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxAdjointPlanes<T>(T[] grad, int gradOffset, long[] indices, int indicesOffset, int blocks, int planeSize,
        T[] destination, int first, int last) where T : unmanaged, INumber<T>
    {
        destination.AsSpan(first * planeSize, (last - first) * planeSize).Clear();
        for (int p = first; p < last; p++)
        {
            var plane = destination.AsSpan(p * planeSize, planeSize);
            var g = grad.AsSpan(gradOffset + p * blocks, blocks);
            var at = indices.AsSpan(indicesOffset + p * blocks, blocks);
            for (int k = 0; k < blocks; k++) plane[(int)at[k]] += g[k];
        }
    }

    /// <summary>Outputs from which splitting the planes across threads pays for waking them.</summary>
    private const long ParallelMin = 1 << 15;

    /// <summary>
    /// The mean of each window. The divisor is divisorOverride when given; else the window's size clipped to the
    /// padded input (countIncludePad) or to the input itself. A window wholly in the padding gives 0.
    /// </summary>
    public static void Average<T>(T[] source, int offset, ReadOnlySpan<int> strides, int n, int c, int h, int w, in SlidingWindows win,
        bool countIncludePad, int? divisorOverride, Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int sN = strides[0], sC = strides[1], sH = strides[2], sW = strides[3];
        int o = 0;
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
            {
                int plane = offset + b * sN + ch * sC;
                for (int oh = 0; oh < win.OutH; oh++)
                    for (int ow = 0; ow < win.OutW; ow++, o++)
                    {
                        var (ih0, ih1, iw0, iw1, divisor) = AverageWindow(win, oh, ow, h, w, countIncludePad, divisorOverride);
                        if (ih0 >= ih1 || iw0 >= iw1) { values[o] = T.Zero; continue; }
                        T sum = T.Zero;
                        for (int ih = ih0; ih < ih1; ih++)
                            for (int iw = iw0; iw < iw1; iw++)
                                sum += source[plane + ih * sH + iw * sW];
                        values[o] = sum / T.CreateChecked(divisor);
                    }
            }
    }

    /// <summary>The adjoint of <see cref="Average{T}"/>: each input element receives g / divisor from every window over it. destination is overwritten.</summary>
    public static void AverageAdjoint<T>(ReadOnlySpan<T> grad, int n, int c, int h, int w, in SlidingWindows win,
        bool countIncludePad, int? divisorOverride, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        destination.Clear();
        int o = 0;
        for (int p = 0; p < n * c; p++)
        {
            var plane = destination.Slice(p * h * w, h * w);
            for (int oh = 0; oh < win.OutH; oh++)
                for (int ow = 0; ow < win.OutW; ow++, o++)
                {
                    var (ih0, ih1, iw0, iw1, divisor) = AverageWindow(win, oh, ow, h, w, countIncludePad, divisorOverride);
                    if (ih0 >= ih1 || iw0 >= iw1) continue;
                    T share = grad[o] / T.CreateChecked(divisor);
                    for (int ih = ih0; ih < ih1; ih++)
                        for (int iw = iw0; iw < iw1; iw++)
                            plane[ih * w + iw] += share;
                }
        }
    }

    /// <summary>PyTorch's avg-pool window: clipped to the padded input for the pool size, then to the input for the sum.</summary>
    private static (int Ih0, int Ih1, int Iw0, int Iw1, int Divisor) AverageWindow(in SlidingWindows win, int oh, int ow, int h, int w,
        bool countIncludePad, int? divisorOverride)
    {
        int ih0 = oh * win.StrideH - win.PadH, iw0 = ow * win.StrideW - win.PadW;
        int ih1 = Math.Min(ih0 + win.KernelH, h + win.PadH), iw1 = Math.Min(iw0 + win.KernelW, w + win.PadW);
        int poolSize = (ih1 - ih0) * (iw1 - iw0);
        ih0 = Math.Max(ih0, 0);
        iw0 = Math.Max(iw0, 0);
        ih1 = Math.Min(ih1, h);
        iw1 = Math.Min(iw1, w);
        int divisor = divisorOverride ?? (countIncludePad ? poolSize : (ih1 - ih0) * (iw1 - iw0));
        return (ih0, ih1, iw0, iw1, divisor);
    }

    /// <summary>
    /// Adaptive average pooling: output row i averages input rows [⌊i·h/oH⌋, ⌈(i+1)·h/oH⌉), columns likewise,
    /// so the windows cover the input even when oH does not divide h (neighbouring windows may overlap).
    /// </summary>
    public static void AdaptiveAverage<T>(T[] source, int offset, ReadOnlySpan<int> strides, int n, int c, int h, int w, int outH, int outW,
        Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int sN = strides[0], sC = strides[1], sH = strides[2], sW = strides[3];
        int o = 0;
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
            {
                int plane = offset + b * sN + ch * sC;
                for (int oh = 0; oh < outH; oh++)
                {
                    int ih0 = StartIndex(oh, outH, h), ih1 = EndIndex(oh, outH, h);
                    for (int ow = 0; ow < outW; ow++, o++)
                    {
                        int iw0 = StartIndex(ow, outW, w), iw1 = EndIndex(ow, outW, w);
                        T sum = T.Zero;
                        for (int ih = ih0; ih < ih1; ih++)
                            for (int iw = iw0; iw < iw1; iw++)
                                sum += source[plane + ih * sH + iw * sW];
                        // Divided twice, as PyTorch does (sum / kh / kw), for the same rounding.
                        values[o] = sum / T.CreateChecked(ih1 - ih0) / T.CreateChecked(iw1 - iw0);
                    }
                }
            }
    }

    /// <summary>The adjoint of <see cref="AdaptiveAverage{T}"/>; destination (contiguous [n, c, h, w]) is overwritten.</summary>
    public static void AdaptiveAverageAdjoint<T>(ReadOnlySpan<T> grad, int n, int c, int h, int w, int outH, int outW, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        destination.Clear();
        int o = 0;
        for (int p = 0; p < n * c; p++)
        {
            var plane = destination.Slice(p * h * w, h * w);
            for (int oh = 0; oh < outH; oh++)
            {
                int ih0 = StartIndex(oh, outH, h), ih1 = EndIndex(oh, outH, h);
                for (int ow = 0; ow < outW; ow++, o++)
                {
                    int iw0 = StartIndex(ow, outW, w), iw1 = EndIndex(ow, outW, w);
                    T share = grad[o] / T.CreateChecked(ih1 - ih0) / T.CreateChecked(iw1 - iw0);
                    for (int ih = ih0; ih < ih1; ih++)
                        for (int iw = iw0; iw < iw1; iw++)
                            plane[ih * w + iw] += share;
                }
            }
        }
    }

    /// <summary>⌊a·size/outSize⌋, the first input index of output a.</summary>
    public static int StartIndex(int a, int outSize, int size) => (int)((long)a * size / outSize);

    /// <summary>⌈(a+1)·size/outSize⌉, one past the last input index of output a.</summary>
    public static int EndIndex(int a, int outSize, int size) => (int)(((long)(a + 1) * size + outSize - 1) / outSize);
}
