namespace Backprop.Kernels;

/// <summary>
/// Where the windows of a 2-D sliding-window op (convolution, unfold, pooling) lie over an input plane: output
/// position (oh, ow) covers input rows oh·StrideH − PadH + i·DilationH for i &lt; KernelH, and columns likewise.
/// The output size is given, not derived, so "same" padding (which pads more at the end) and ceil mode fit too.
/// </summary>
internal readonly record struct SlidingWindows(
    int KernelH, int KernelW, int StrideH, int StrideW, int PadH, int PadW, int DilationH, int DilationW, int OutH, int OutW)
{
    /// <summary>Output positions per plane.</summary>
    public int Blocks => OutH * OutW;

    /// <summary>Elements per window.</summary>
    public int KernelArea => KernelH * KernelW;

    /// <summary>
    /// The output columns [start, end) whose tap at kernel column kj lands inside an input row of width w:
    /// 0 ≤ ow·StrideW − PadW + kj·DilationW &lt; w.
    /// </summary>
    public (int Start, int End) ValidColumns(int kj, int w)
    {
        int shift = kj * DilationW - PadW;
        int start = shift >= 0 ? 0 : Math.Min(OutW, (-shift + StrideW - 1) / StrideW);
        int end = w - 1 - shift < 0 ? 0 : Math.Min(OutW, (w - 1 - shift) / StrideW + 1);
        return (start, Math.Max(start, end));
    }
}
