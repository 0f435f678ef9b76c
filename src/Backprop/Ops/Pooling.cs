namespace Backprop;

// 2-D pooling over the last two dims of [N, C, H, W] (or [C, H, W]) inputs. Max pooling remembers where each
// maximum came from; its backward sends each gradient there (a scatter-add, whose own backward is a gather).
// Average pooling is linear, so its backward is its adjoint (spread each gradient evenly over the window), and the
// adjoint's backward is the pooling again: the pair are recorded as each other's backward, for second derivatives.
public partial class Tensor
{
    /// <summary>
    /// The maximum over each kernelSize window (stride defaults to the kernel size; padding counts as −∞; ceilMode
    /// rounds the output size up); like torch.nn.functional.max_pool2d.
    /// </summary>
    public static Tensor MaxPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null,
        bool ceilMode = false) => MaxPool2dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode).Values;

    /// <summary>
    /// Max pooling that also returns, for each output, the position h·W + w of its maximum in the input plane (the first
    /// one on ties); like torch.nn.functional.max_pool2d(..., return_indices=True).
    /// </summary>
    public static (Tensor Values, Tensor Indices) MaxPool2dWithIndices(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null,
        Size2? dilation = null, bool ceilMode = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckPoolInput("MaxPool2d", input);
        if (!input.DType.IsFloatingPoint())
            throw new ArgumentException($"MaxPool2d: \"max_pool2d\" not implemented for '{input.DType.ScalarTypeName()}'");
        var win = PoolWindows("MaxPool2d", input, kernelSize, stride ?? kernelSize, padding ?? 0, dilation ?? 1, ceilMode);
        var (n, c, h, w, strides) = Planes(input);
        int[] outShape = [.. input.ShapeArray[..^2], win.OutH, win.OutW];
        var values = Uninitialized(input.DType, outShape);   // the kernels write every element
        var indices = Uninitialized(DType.Int64, outShape);
        if (values.Numel > 0)
        {
            // The common 2×2, stride-2 window over whole rows has its own kernel.
            bool pairs = win is { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadH: 0, PadW: 0, DilationH: 1, DilationW: 1 }
                && 2 * win.OutH <= h && 2 * win.OutW <= w && strides[3] == 1;
            var kernel = new MaxPoolRun(strides, n, c, h, w, win, pairs);
            Dispatch.FloatIndexed(ref kernel, input, values, indices);
        }
        var x = input;
        var result = Graph.Record(values, OpCatalog.MaxPool2d, x, g => MaxPoolBackward(g, x, indices, n * c, h * w),
            new SavedTensors(indices));
        Tracing.Current?.Op(Tracing.Report(OpCatalog.MaxPool2d, result, [x], [win, ceilMode]));
        return (result, indices);
    }

    /// <summary>
    /// The gradient of max pooling, as one op: each gradient goes to its window's maximum (windows that share one add
    /// up), a scatter by the saved indices in one fused kernel; like torch's max_pool2d_with_indices_backward(g, x, …).
    /// Its own backward gathers by the same indices for g (PyTorch's max_pool_double_backward) and gives x zeros, as
    /// PyTorch does: the indices are constants.
    /// </summary>
    private static Tensor MaxPoolBackward(Tensor g, Tensor x, Tensor indices, int planes, int planeSize)
    {
        var dx = MaxPoolAdjointKernel(g, indices, x.ShapeArray, planes, planeSize);
        return Graph.Record(dx, OpCatalog.MaxPool2dBackward, g, x, (g, x, indices, planeSize),
            static (gg, s) =>
            {
                if (!s.g.RequiresGrad) return (null, s.x.RequiresGrad ? ZerosLike(s.x) : null);
                int[] lead = s.g.ShapeArray[..^2];
                var ggy = gg.Reshape([.. lead, s.planeSize]).Gather(-1, s.indices.Reshape([.. lead, -1])).Reshape(s.g.ShapeArray);
                return (ggy, s.x.RequiresGrad ? ZerosLike(s.x) : null);
            }, new SavedTensors(indices));
    }

    /// <summary>The gradient of max pooling: g scattered onto zeros of inputShape by the saved indices, outside the graph.</summary>
    private static Tensor MaxPoolAdjointKernel(Tensor g, Tensor indices, int[] inputShape, int planes, int planeSize)
    {
        var gc = g.IsContiguous ? g : g.CloneContiguous();
        var dx = Uninitialized(g.DType, inputShape);   // cleared by the kernel, plane by plane
        if (dx.Numel == 0) return dx;
        var kernel = new MaxPoolAdjointRun(planes, indices.Numel / planes, planeSize);
        Dispatch.FloatIndexed(ref kernel, gc, dx, indices);
        return dx;
    }

    /// <summary>Max pooling of input (a) into values (b) and the flat positions of the maxima (index).</summary>
    private readonly struct MaxPoolRun(int[] strides, int n, int c, int h, int w, Kernels.SlidingWindows win, bool pairs) : IFloatIndexedKernel
    {
        public void Run<T>(Lent<T> input, Lent<T> values, Lent<long> indices) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            if (pairs) Kernels.Pooling.Max2x2(input.Array, input.Offset, strides, n, c, h, w, win.OutH, win.OutW, values.Array, indices.Array, Environment.ProcessorCount);
            else Kernels.Pooling.Max(input.Array, input.Offset, strides, n, c, h, w, win, values.Span, indices.Span);
        }
    }

    /// <summary>The gradient g (a, contiguous) scattered by the saved indices into dx (b).</summary>
    private readonly struct MaxPoolAdjointRun(int planes, int blocks, int planeSize) : IFloatIndexedKernel
    {
        public void Run<T>(Lent<T> g, Lent<T> dx, Lent<long> indices) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
            => Kernels.Pooling.MaxAdjoint(g.Array, g.Offset, indices.Array, indices.Offset, planes, blocks, planeSize, dx.Array, Environment.ProcessorCount);
    }

    /// <summary>
    /// The mean over each kernelSize window (stride defaults to the kernel size). Zeros of the padding count in the
    /// divisor when countIncludePad; divisorOverride replaces the divisor; like torch.nn.functional.avg_pool2d.
    /// </summary>
    public static Tensor AvgPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool ceilMode = false,
        bool countIncludePad = true, int? divisorOverride = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckPoolInput("AvgPool2d", input);
        CheckFloating("AvgPool2d", input);
        if (divisorOverride == 0) throw new ArgumentException("AvgPool2d: divisor must be not zero");
        var win = PoolWindows("AvgPool2d", input, kernelSize, stride ?? kernelSize, padding ?? 0, 1, ceilMode);
        var y = AvgPoolOp(input, win, countIncludePad, divisorOverride);
        Tracing.Current?.Op(Tracing.Report(OpCatalog.AvgPool2d, y, [input], [win, ceilMode, countIncludePad, divisorOverride]));
        return y;
    }

    /// <summary>
    /// Average pooling to a fixed output size: output row i averages input rows ⌊i·H/oH⌋ to ⌈(i+1)·H/oH⌉ − 1 (columns
    /// likewise), so any input size maps onto outputSize; like torch.nn.functional.adaptive_avg_pool2d.
    /// </summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, Size2 outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim is not (3 or 4))
            throw new ArgumentException($"AdaptiveAvgPool2d: adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got {Shapes.Format(input.ShapeArray)}");
        for (int i = 1; i < input.Dim; i++)
            if (input.ShapeArray[i] == 0)
                throw new ArgumentException(
                    "AdaptiveAvgPool2d: adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, " +
                    $"but input has sizes {Shapes.Format(input.ShapeArray)} with dimension {i} being empty");
        if (outputSize.Height < 0 || outputSize.Width < 0)
            throw new ArgumentException(
                $"AdaptiveAvgPool2d: adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {{{outputSize.Height}, {outputSize.Width}}}");
        CheckFloating("AdaptiveAvgPool2d", input);
        return Tracing.Op(AdaptiveAvgPoolOp(input, outputSize.Height, outputSize.Width), OpCatalog.AdaptiveAvgPool2d, input, outputSize.Height, outputSize.Width);
    }

    private static Tensor AvgPoolOp(Tensor x, Kernels.SlidingWindows win, bool countIncludePad, int? divisorOverride)
    {
        var (n, c, h, w, strides) = Planes(x);
        var y = ZeroFilled(x.DType, [.. x.ShapeArray[..^2], win.OutH, win.OutW]);
        if (y.Numel > 0)
        {
            var kernel = new AveragePoolRun(strides, n, c, h, w, win, countIncludePad, divisorOverride, adjoint: false);
            Dispatch.Float(ref kernel, x, y);
        }
        int[] inputShape = x.ShapeArray;
        return Graph.Record(y, OpCatalog.AvgPool2d, x, g => AvgPoolAdjointOp(g, inputShape, win, countIncludePad, divisorOverride));
    }

    /// <summary>The backward of average pooling, as a recorded op whose own backward is the pooling.</summary>
    private static Tensor AvgPoolAdjointOp(Tensor g, int[] inputShape, Kernels.SlidingWindows win, bool countIncludePad, int? divisorOverride)
    {
        var src = g.IsContiguous ? g : g.CloneContiguous();
        var dx = ZeroFilled(g.DType, inputShape);
        var (n, c, h, w, _) = Planes(dx);
        if (dx.Numel > 0)
        {
            var kernel = new AveragePoolRun(null!, n, c, h, w, win, countIncludePad, divisorOverride, adjoint: true);
            Dispatch.Float(ref kernel, src, dx);
        }
        return Graph.Record(dx, OpCatalog.AvgPool2dBackward, g, gg => AvgPoolOp(gg, win, countIncludePad, divisorOverride));
    }

    private static Tensor AdaptiveAvgPoolOp(Tensor x, int outH, int outW)
    {
        var (n, c, h, w, strides) = Planes(x);
        var y = ZeroFilled(x.DType, [.. x.ShapeArray[..^2], outH, outW]);
        if (y.Numel > 0)
        {
            var kernel = new AdaptiveAveragePoolRun(strides, n, c, h, w, outH, outW, adjoint: false);
            Dispatch.Float(ref kernel, x, y);
        }
        int[] inputShape = x.ShapeArray;
        return Graph.Record(y, OpCatalog.AdaptiveAvgPool2d, x, g => AdaptiveAvgPoolAdjointOp(g, inputShape));
    }

    /// <summary>The backward of adaptive average pooling, recorded; its own backward is the pooling.</summary>
    private static Tensor AdaptiveAvgPoolAdjointOp(Tensor g, int[] inputShape)
    {
        var src = g.IsContiguous ? g : g.CloneContiguous();
        var dx = ZeroFilled(g.DType, inputShape);
        var (n, c, h, w, _) = Planes(dx);
        int outH = g.ShapeArray[^2], outW = g.ShapeArray[^1];
        if (dx.Numel > 0)
        {
            var kernel = new AdaptiveAveragePoolRun(null!, n, c, h, w, outH, outW, adjoint: true);
            Dispatch.Float(ref kernel, src, dx);
        }
        return Graph.Record(dx, OpCatalog.AdaptiveAvgPool2dBackward, g, gg => AdaptiveAvgPoolOp(gg, outH, outW));
    }

    /// <summary>Average pooling of a (strided) into b, or its adjoint from a contiguous gradient a into b.</summary>
    private readonly struct AveragePoolRun(int[] strides, int n, int c, int h, int w, Kernels.SlidingWindows win,
        bool countIncludePad, int? divisorOverride, bool adjoint) : IFloatKernel
    {
        public void Run<T>(Lent<T> a, Lent<T> b, Lent<T> _) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            if (adjoint) Kernels.Pooling.AverageAdjoint<T>(a.Span, n, c, h, w, win, countIncludePad, divisorOverride, b.Span);
            else Kernels.Pooling.Average(a.Array, a.Offset, strides, n, c, h, w, win, countIncludePad, divisorOverride, b.Span);
        }
    }

    /// <summary>Adaptive average pooling of a (strided) into b, or its adjoint from a contiguous gradient a into b.</summary>
    private readonly struct AdaptiveAveragePoolRun(int[] strides, int n, int c, int h, int w, int outH, int outW, bool adjoint) : IFloatKernel
    {
        public void Run<T>(Lent<T> a, Lent<T> b, Lent<T> _) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            if (adjoint) Kernels.Pooling.AdaptiveAverageAdjoint<T>(a.Span, n, c, h, w, outH, outW, b.Span);
            else Kernels.Pooling.AdaptiveAverage(a.Array, a.Offset, strides, n, c, h, w, outH, outW, b.Span);
        }
    }

    /// <summary>A 3-D or 4-D input seen as n × c planes of h × w, with the strides [sN, sC, sH, sW] to read them.</summary>
    private static (int N, int C, int H, int W, int[] Strides) Planes(Tensor x)
    {
        var s = x.StrideArray;
        return x.Dim == 4
            ? (x.ShapeArray[0], x.ShapeArray[1], x.ShapeArray[2], x.ShapeArray[3], s)
            : (1, x.ShapeArray[0], x.ShapeArray[1], x.ShapeArray[2], [0, s[0], s[1], s[2]]);
    }

    private static void CheckPoolInput(string op, Tensor input)
    {
        bool ok = input.Dim is 3 or 4;
        for (int i = input.Dim - 3; ok && i < input.Dim; i++) ok = input.ShapeArray[i] != 0;
        if (!ok) throw new ArgumentException($"{op}: non-empty 3D or 4D (batch mode) tensor expected for input, but got {Shapes.Format(input.ShapeArray)}");
    }

    /// <summary>
    /// PyTorch's pooling shape rules (pooling_output_shape and pool2d_shape_check): oH = ⌊(H + 2·pad − dilation·(k − 1)
    /// − 1 + (ceilMode ? stride − 1 : 0)) / stride⌋ + 1, less one when ceil mode would start the last window in the
    /// bottom padding; padding at most half the kernel; an output of at least 1 × 1.
    /// </summary>
    private static Kernels.SlidingWindows PoolWindows(string op, Tensor input, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation, bool ceilMode)
    {
        // PyTorch's order: pooling_output_shape's checks, then pool2d_shape_check's.
        if (stride.Height == 0 || stride.Width == 0) throw new ArgumentException($"{op}: stride should not be zero");
        if (padding.Height < 0 || padding.Width < 0)
            throw new ArgumentException($"{op}: pad must be non-negative, but got pad: {Math.Min(padding.Height, padding.Width)}");
        foreach (var (k, p) in new[] { (kernel.Height, padding.Height), (kernel.Width, padding.Width) })
            if (p > k / 2)
                throw new ArgumentException($"{op}: pad should be at most half of kernel size, but got pad={p} and kernel_size={k}");
        if (kernel.Height <= 0 || kernel.Width <= 0)
            throw new ArgumentException($"{op}: kernel size should be greater than zero, but got kH: {kernel.Height} kW: {kernel.Width}");
        if (stride.Height < 0 || stride.Width < 0)
            throw new ArgumentException($"{op}: stride should be greater than zero, but got dH: {stride.Height} dW: {stride.Width}");
        if (dilation.Height <= 0 || dilation.Width <= 0)
            throw new ArgumentException($"{op}: dilation should be greater than zero, but got dilationH: {dilation.Height} dilationW: {dilation.Width}");
        int h = input.ShapeArray[^2], w = input.ShapeArray[^1];
        int outH = PoolOutputSize(h, kernel.Height, padding.Height, stride.Height, dilation.Height, ceilMode);
        int outW = PoolOutputSize(w, kernel.Width, padding.Width, stride.Width, dilation.Width, ceilMode);
        if (outH < 1 || outW < 1)
            throw new ArgumentException(
                $"{op}: Given input size: ({input.ShapeArray[^3]}x{h}x{w}). Calculated output size: ({input.ShapeArray[^3]}x{outH}x{outW}). Output size is too small");
        return new Kernels.SlidingWindows(kernel.Height, kernel.Width, stride.Height, stride.Width, padding.Height, padding.Width,
            dilation.Height, dilation.Width, outH, outW);
    }

    private static int PoolOutputSize(int size, int kernel, int pad, int stride, int dilation, bool ceilMode)
    {
        int numerator = size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        int outSize = (int)Math.Floor((double)numerator / stride) + 1;
        // Ceil mode may not start a window in the padding past the input's end.
        if (ceilMode && (outSize - 1) * stride >= size + pad) outSize--;
        return outSize;
    }
}
