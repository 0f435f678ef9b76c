using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// im2col and its adjoint col2im, PyTorch's layout: a [N, C, H, W] input becomes columns [N, C·kH·kW, oH·oW],
/// row (c·kH + ki)·kW + kj holding, for every output position, the input element under kernel tap (ki, kj) of
/// channel c (zero where the tap falls in the padding). A convolution is then one matrix product per sample.
/// </summary>
/// <remarks>
/// Both go one sample at a time through a zero-padded copy of each input plane (the scratch plane, whose size
/// <see cref="PaddedPlane"/> gives): every window then lies wholly inside it, so a row of output positions is a
/// plain (strided) copy with no bounds tests, and with unit stride a few vector moves (im2col's rows are short:
/// 14 elements for a 14×14 output, where a span copy's fixed cost would dominate).
/// </remarks>
internal static unsafe class Im2Col
{
    /// <summary>
    /// Fills columns (contiguous [n, c·kH·kW, oH·oW]) from the input, read through its strides
    /// (strides = [sN, sC, sH, sW] of an [n, c, h, w] view starting at offset).
    /// </summary>
    public static void Unfold<T>(T[] source, int offset, ReadOnlySpan<int> strides, int n, int c, int h, int w,
        in SlidingWindows win, Span<T> columns) where T : unmanaged
    {
        int blocks = win.Blocks, rows = c * win.KernelArea;
        var (ph, pw) = PaddedPlane(win);
        T[] scratch = new T[ph * pw];
        fixed (T* src = source, dst = columns, pad = scratch)
            for (int b = 0; b < n; b++)
                UnfoldSample(src + offset + (nint)b * strides[0], strides[1], strides[2], strides[3], c, h, w, win,
                    dst + (nint)b * rows * blocks, blocks, pad);
    }

    /// <summary>
    /// The adjoint of <see cref="Unfold{T}"/>: adds every column entry back onto the input element it was read
    /// from (overlapping windows accumulate). columns is contiguous [n, c·kH·kW, oH·oW]; destination is
    /// contiguous [n, c, h, w] and is overwritten.
    /// </summary>
    public static void Fold<T>(ReadOnlySpan<T> columns, int n, int c, int h, int w, in SlidingWindows win, Span<T> destination)
        where T : unmanaged, INumber<T>
    {
        int blocks = win.Blocks, rows = c * win.KernelArea;
        var (ph, pw) = PaddedPlane(win);
        T[] scratch = new T[ph * pw];
        fixed (T* src = columns, dst = destination, pad = scratch)
            for (int b = 0; b < n; b++)
                FoldSample(src + (nint)b * rows * blocks, blocks, c, h, w, win, dst + (nint)b * c * h * w, pad);
    }

    /// <summary>
    /// The part of the zero-padded plane the windows reach: rows −PadH .. −PadH + Height − 1 of the input (and
    /// columns likewise), so that window (oh, ow) starts at row oh·StrideH, column ow·StrideW of it.
    /// </summary>
    public static (int Height, int Width) PaddedPlane(in SlidingWindows win) =>
        ((win.OutH - 1) * win.StrideH + (win.KernelH - 1) * win.DilationH + 1,
         (win.OutW - 1) * win.StrideW + (win.KernelW - 1) * win.DilationW + 1);

    /// <summary>
    /// One sample's columns: row r = (ch·kH + ki)·kW + kj of columns (at columns + r·ld) gets the oH·oW input
    /// elements under tap (ki, kj) of channel ch. The sample is read at x through strides sC, sH, sW; scratch holds
    /// one padded plane (<see cref="PaddedPlane"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void UnfoldSample<T>(T* x, nint sC, nint sH, nint sW, int c, int h, int w, in SlidingWindows win,
        T* columns, nint ld, T* scratch) where T : unmanaged
    {
        var (ph, pw) = PaddedPlane(win);
        int outH = win.OutH, outW = win.OutW, step = win.StrideW;
        // A row of positions that fits one vector is one masked move, its mask made once.
        bool oneMove = MaskedVectors.Lanes<T>() >= outW;
        var rowMask = oneMove ? MaskedVectors.FirstLanes<T>(outW) : default;
        T* row = columns;
        for (int ch = 0; ch < c; ch++)
        {
            PadPlane(x + ch * sC, sH, sW, h, w, win.PadH, win.PadW, scratch, ph, pw);
            for (int ki = 0; ki < win.KernelH; ki++)
                for (int kj = 0; kj < win.KernelW; kj++, row += ld)
                {
                    T* s = scratch + (nint)ki * win.DilationH * pw + kj * win.DilationW;
                    T* d = row;
                    nint lineStep = (nint)win.StrideH * pw;
                    if (step == 1 && oneMove)
                        for (int oh = 0; oh < outH; oh++, s += lineStep, d += outW) MaskedVectors.Store(d, rowMask, MaskedVectors.Load(s, rowMask));
                    else if (step == 1)
                        for (int oh = 0; oh < outH; oh++, s += lineStep, d += outW) Lines.Copy(s, d, outW);
                    else
                        for (int oh = 0; oh < outH; oh++, s += lineStep, d += outW)
                            for (int ow = 0; ow < outW; ow++) d[ow] = s[ow * step];
                }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="UnfoldSample{T}"/>: one sample's columns (row r at columns + r·ld) summed back
    /// into a contiguous [c, h, w] image at destination, which is overwritten.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FoldSample<T>(T* columns, nint ld, int c, int h, int w, in SlidingWindows win, T* destination, T* scratch)
        where T : unmanaged, INumber<T>
    {
        var (ph, pw) = PaddedPlane(win);
        int outH = win.OutH, outW = win.OutW, step = win.StrideW;
        if (step == 1 && pw <= 2 * MaskedVectors.Lanes<T>() && win.KernelW <= MaxRegisterFoldKernelW)
        {
            FoldInRegisters(columns, ld, c, h, w, win, pw, destination);
            return;
        }
        T* row = columns;
        for (int ch = 0; ch < c; ch++)
        {
            new Span<T>(scratch, ph * pw).Clear();
            for (int ki = 0; ki < win.KernelH; ki++)
                for (int kj = 0; kj < win.KernelW; kj++, row += ld)
                {
                    T* d = scratch + (nint)ki * win.DilationH * pw + kj * win.DilationW;
                    T* s = row;
                    nint lineStep = (nint)win.StrideH * pw;
                    if (step == 1)
                        for (int oh = 0; oh < outH; oh++, d += lineStep, s += outW) Lines.Add(s, d, outW);
                    else
                        for (int oh = 0; oh < outH; oh++, d += lineStep, s += outW)
                            for (int ow = 0; ow < outW; ow++) d[ow * step] += s[ow];
                }
            CropPlane(scratch, ph, pw, win.PadH, win.PadW, destination + (nint)ch * h * w, h, w);
        }
    }

    /// <summary>Kernel widths up to which <see cref="FoldInRegisters{T}"/> keeps its masks on the stack.</summary>
    private const int MaxRegisterFoldKernelW = 32;

    /// <summary>
    /// <see cref="FoldSample{T}"/> with unit column stride and a padded row of at most two vectors: each input row
    /// is summed in registers, gathering every (ki, kj) contribution with a masked load shifted by kj·dilationW
    /// (lanes outside the tap's positions read nothing and add 0), then written once. The scratch plane's clearing,
    /// its read-modify-write per tap and the crop pass all go.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldInRegisters<T>(T* columns, nint ld, int c, int h, int w, in SlidingWindows win, int pw, T* destination)
        where T : unmanaged, INumber<T>
    {
        int lanes = MaskedVectors.Lanes<T>(), kh = win.KernelH, kw = win.KernelW, outH = win.OutH, outW = win.OutW;
        int width = Math.Clamp(pw - win.PadW, 0, w);   // input columns some window reaches; the rest get 0
        // Tap column kj adds columns-row lane t at padded column kj·dilationW + t: the low vector's lane u takes
        // t = u − shift, the high vector's lane u takes t = u + lanes − shift, wherever 0 ≤ t < outW.
        var low = stackalloc Vector512<T>[kw];
        var high = stackalloc Vector512<T>[kw];
        var highUsed = stackalloc bool[kw];
        for (int kj = 0; kj < kw; kj++)
        {
            int shift = kj * win.DilationW;
            low[kj] = MaskedVectors.LaneRange<T>(shift, shift + outW);
            high[kj] = MaskedVectors.LaneRange<T>(shift - lanes, shift + outW - lanes);
            highUsed[kj] = shift + outW > lanes;
        }
        var row = stackalloc T[2 * lanes];
        for (int ch = 0; ch < c; ch++)
        {
            T* channel = columns + (nint)ch * kh * kw * ld;
            T* plane = destination + (nint)ch * h * w;
            for (int ih = 0; ih < h; ih++)
            {
                T* target = plane + (nint)ih * w;
                int i = ih + win.PadH;   // the padded row
                // Two chains of sums (even and odd taps), so the adds overlap instead of waiting on each other.
                Vector512<T> sum0 = default, sum1 = default, odd0 = default, odd1 = default;
                for (int ki = 0; ki < kh; ki++)
                {
                    // Output row oh reads padded row oh·strideH + ki·dilationH.
                    int t = i - ki * win.DilationH, oh = t;
                    if (win.StrideH != 1)
                    {
                        if (t % win.StrideH != 0) continue;
                        oh = t / win.StrideH;
                    }
                    if ((uint)oh >= (uint)outH) continue;
                    T* line = channel + (nint)ki * kw * ld + (nint)oh * outW;
                    int kj = 0;
                    for (; kj + 1 < kw; kj += 2, line += 2 * ld)
                    {
                        int shift = kj * win.DilationW, next = shift + win.DilationW;
                        sum0 += MaskedVectors.Load(line - shift, low[kj]);
                        odd0 += MaskedVectors.Load(line + ld - next, low[kj + 1]);
                        if (highUsed[kj]) sum1 += MaskedVectors.Load(line + lanes - shift, high[kj]);
                        if (highUsed[kj + 1]) odd1 += MaskedVectors.Load(line + ld + lanes - next, high[kj + 1]);
                    }
                    if (kj < kw)
                    {
                        int shift = kj * win.DilationW;
                        sum0 += MaskedVectors.Load(line - shift, low[kj]);
                        if (highUsed[kj]) sum1 += MaskedVectors.Load(line + lanes - shift, high[kj]);
                    }
                }
                (sum0 + odd0).Store(row);
                (sum1 + odd1).Store(row + lanes);
                Lines.Copy(row + win.PadW, target, width);
                new Span<T>(target + width, w - width).Clear();
            }
        }
    }

    /// <summary>The plane at x (strides sH, sW, size h × w) into pad (ph × pw), shifted by (padH, padW), zeros around it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PadPlane<T>(T* x, nint sH, nint sW, int h, int w, int padH, int padW, T* pad, int ph, int pw) where T : unmanaged
    {
        // Padded column j holds input column j − padW: valid for j in [left, right).
        int left = Math.Min(padW, pw), right = Math.Clamp(padW + w, left, pw);
        for (int i = 0; i < ph; i++)
        {
            T* d = pad + (nint)i * pw;
            int ih = i - padH;
            if ((uint)ih >= (uint)h)
            {
                new Span<T>(d, pw).Clear();
                continue;
            }
            new Span<T>(d, left).Clear();
            T* s = x + ih * sH;
            if (sW == 1) Lines.Copy(s, d + left, right - left);
            else for (int j = left; j < right; j++) d[j] = s[(j - padW) * sW];
            new Span<T>(d + right, pw - right).Clear();
        }
    }

    /// <summary>The inverse of <see cref="PadPlane{T}"/>: the input's part of pad into a contiguous h × w plane; input elements no window reaches get 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CropPlane<T>(T* pad, int ph, int pw, int padH, int padW, T* plane, int h, int w) where T : unmanaged
    {
        int left = Math.Min(padW, pw), right = Math.Clamp(padW + w, left, pw), width = right - left;
        for (int ih = 0; ih < h; ih++)
        {
            T* d = plane + (nint)ih * w;
            int i = ih + padH;
            if (i >= ph)
            {
                new Span<T>(d, w).Clear();
                continue;
            }
            Lines.Copy(pad + (nint)i * pw + left, d, width);
            new Span<T>(d + width, w - width).Clear();
        }
    }
}
