using System.Numerics;

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
