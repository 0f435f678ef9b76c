using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// im2col and its adjoint col2im, PyTorch's layout: a [N, C, H, W] input becomes columns [N, C·kH·kW, oH·oW],
/// row (c·kH + ki)·kW + kj holding, for every output position, the input element under kernel tap (ki, kj) of
/// channel c (zero where the tap falls in the padding). A convolution is then one matrix product per sample.
/// </summary>
internal static class Im2Col
{
    /// <summary>
    /// Fills columns (contiguous [n, c·kH·kW, oH·oW]) from the input, read through its strides
    /// (strides = [sN, sC, sH, sW] of an [n, c, h, w] view starting at offset).
    /// </summary>
    public static void Unfold<T>(T[] source, int offset, ReadOnlySpan<int> strides, int n, int c, int h, int w,
        in SlidingWindows win, Span<T> columns) where T : unmanaged
    {
        int blocks = win.Blocks, outW = win.OutW;
        int sN = strides[0], sC = strides[1], sH = strides[2], sW = strides[3];
        int step = win.StrideW * sW;
        int row = 0;
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
            {
                int plane = offset + b * sN + ch * sC;
                for (int ki = 0; ki < win.KernelH; ki++)
                    for (int kj = 0; kj < win.KernelW; kj++, row++)
                    {
                        var dst = columns.Slice(row * blocks, blocks);
                        var (start, end) = win.ValidColumns(kj, w);
                        int colShift = kj * win.DilationW - win.PadW;
                        for (int oh = 0; oh < win.OutH; oh++)
                        {
                            var line = dst.Slice(oh * outW, outW);
                            int ih = oh * win.StrideH - win.PadH + ki * win.DilationH;
                            if ((uint)ih >= (uint)h || start == end) { line.Clear(); continue; }
                            line[..start].Clear();
                            line[end..].Clear();
                            int s = plane + ih * sH + (start * win.StrideW + colShift) * sW;
                            if (step == 1) source.AsSpan(s, end - start).CopyTo(line[start..end]);
                            else for (int ow = start; ow < end; ow++, s += step) line[ow] = source[s];
                        }
                    }
            }
    }

    /// <summary>
    /// The adjoint of <see cref="Unfold{T}"/>: adds every column entry back onto the input element it was read
    /// from (overlapping windows accumulate). columns is contiguous [n, c·kH·kW, oH·oW]; destination is
    /// contiguous [n, c, h, w] and is overwritten.
    /// </summary>
    public static void Fold<T>(ReadOnlySpan<T> columns, int n, int c, int h, int w, in SlidingWindows win, Span<T> destination)
        where T : unmanaged, INumber<T>
    {
        destination.Clear();
        int blocks = win.Blocks, outW = win.OutW, step = win.StrideW;
        int row = 0;
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
            {
                var plane = destination.Slice((b * c + ch) * h * w, h * w);
                for (int ki = 0; ki < win.KernelH; ki++)
                    for (int kj = 0; kj < win.KernelW; kj++, row++)
                    {
                        var src = columns.Slice(row * blocks, blocks);
                        var (start, end) = win.ValidColumns(kj, w);
                        if (start == end) continue;
                        int colShift = kj * win.DilationW - win.PadW;
                        for (int oh = 0; oh < win.OutH; oh++)
                        {
                            int ih = oh * win.StrideH - win.PadH + ki * win.DilationH;
                            if ((uint)ih >= (uint)h) continue;
                            var line = src.Slice(oh * outW + start, end - start);
                            int d = ih * w + start * step + colShift;
                            if (step == 1)
                            {
                                var target = plane.Slice(d, end - start);
                                TensorPrimitives.Add(target, line, target);
                            }
                            else for (int j = 0; j < line.Length; j++, d += step) plane[d] += line[j];
                        }
                    }
            }
    }
}
