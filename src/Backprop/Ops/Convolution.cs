namespace Backprop;

// 2-D convolution through im2col and the GEMM: with columns X = unfold(x) of shape [N, C·kH·kW, L] (L output
// positions) and the weight as a matrix W of shape [O, C·kH·kW], the convolution is Y[n] = W·X[n] (+ b).
// Its backward is two more products, dW = Σₙ G[n]·X[n]ᵀ and dX = fold(Wᵀ·G[n]), with fold (col2im) the adjoint of
// unfold; groups split C and O into blocks that multiply independently. The two window ops are recorded, each the
// other's backward, so the rule is a composition of recorded ops and second derivatives come for free.
public partial class Tensor
{
    /// <summary>
    /// The 2-D convolution (cross-correlation, as in PyTorch) of input [N, C, H, W] (or unbatched [C, H, W]) with
    /// weight [O, C/groups, kH, kW], plus bias [O] when given; padding may be "same" or "valid". The result is
    /// [N, O, oH, oW] with oH = ⌊(H + 2·padH − dilationH·(kH − 1) − 1) / strideH⌋ + 1. Like torch.nn.functional.conv2d.
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Size2? stride = null, ConvPadding? padding = null,
        Size2? dilation = null, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.Dim is not (3 or 4))
            throw new ArgumentException(
                $"Conv2d: Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: {Shapes.Format(input.ShapeArray)}");
        if (input.Dim == 3) return Conv2d(input.Unsqueeze(0), weight, bias, stride, padding, dilation, groups).Squeeze(0);
        var win = ConvolutionWindows(input, weight, bias, stride ?? 1, padding ?? 0, dilation ?? 1, groups);
        var y = ConvolutionCore(input, weight, bias, win, groups);
        Tracing.Current?.Op(Tracing.Report(OpCatalog.Convolution, y, [input, weight, bias], [win, groups]));
        return y;
    }

    /// <summary>
    /// Extracts the sliding windows of input [N, C, H, W] (or [C, H, W]) as columns [N, C·kH·kW, L], one column per
    /// window position, in PyTorch's layout; like torch.nn.functional.unfold (im2col).
    /// </summary>
    public static Tensor Unfold(Tensor input, Size2 kernelSize, Size2? dilation = null, Size2? padding = null, Size2? stride = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim is not (3 or 4))
            throw new ArgumentException($"Unfold: Input Error: Only 3D or 4D input Tensors are supported (got {input.Dim}D)");
        CheckFloating("Unfold", input);
        Size2 d = dilation ?? 1, p = padding ?? 0, s = stride ?? 1;
        CheckWindowArguments("Unfold", kernelSize, d, p, s);
        int h = input.ShapeArray[^2], w = input.ShapeArray[^1];
        int outH = SlidingBlocks(h, kernelSize.Height, d.Height, p.Height, s.Height);
        int outW = SlidingBlocks(w, kernelSize.Width, d.Width, p.Width, s.Width);
        if (outH < 1 || outW < 1)
            throw new ArgumentException(
                $"Unfold: Given input with spatial size ({h}, {w}), kernel_size={kernelSize}, dilation={d}, padding={p}, " +
                $"calculated shape of the array of sliding blocks as ({outH}, {outW}), but its components must be at least one.");
        var win = new Kernels.SlidingWindows(kernelSize.Height, kernelSize.Width, s.Height, s.Width, p.Height, p.Width, d.Height, d.Width, outH, outW);
        return input.Dim == 4 ? Im2ColOp(input, win) : Im2ColOp(input.Unsqueeze(0), win).Squeeze(0);
    }

    /// <summary>
    /// Sums columns [N, C·kH·kW, L] (or [C·kH·kW, L]) back into an image [N, C, outputH, outputW], adding where
    /// windows overlap: the adjoint of <see cref="Unfold"/>; like torch.nn.functional.fold (col2im).
    /// </summary>
    public static Tensor Fold(Tensor input, Size2 outputSize, Size2 kernelSize, Size2? dilation = null, Size2? padding = null, Size2? stride = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim is not (2 or 3) || input.ShapeArray[^1] == 0 || input.ShapeArray[^2] == 0)
            throw new ArgumentException(
                "Fold: Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, " +
                $"but got: {Shapes.Format(input.ShapeArray)}");
        CheckFloating("Fold", input);
        Size2 d = dilation ?? 1, p = padding ?? 0, s = stride ?? 1;
        CheckWindowArguments("Fold", kernelSize, d, p, s);
        if (outputSize.Height <= 0 || outputSize.Width <= 0)
            throw new ArgumentException(
                $"Fold: Expected output spatial size to be positive, but got: output_height: {outputSize.Height} output_width: {outputSize.Width}");
        int rows = input.ShapeArray[^2], blocks = input.ShapeArray[^1], area = kernelSize.Height * kernelSize.Width;
        if (rows % area != 0)
            throw new ArgumentException(
                $"Fold: Expected size of input's dimension {input.Dim - 2} to be divisible by the product of kernel_size, " +
                $"but got input.size({input.Dim - 2})={rows} and kernel_size={kernelSize}.");
        int outH = SlidingBlocks(outputSize.Height, kernelSize.Height, d.Height, p.Height, s.Height);
        int outW = SlidingBlocks(outputSize.Width, kernelSize.Width, d.Width, p.Width, s.Width);
        if (outH < 1 || outW < 1 || outH * outW != blocks)
            throw new ArgumentException(
                $"Fold: Given output_size={outputSize}, kernel_size={kernelSize}, dilation={d}, padding={p}, stride={s}, " +
                $"expected size of input's dimension {input.Dim - 1} to match the calculated number of sliding blocks {outH} * {outW} = {outH * outW}, " +
                $"but got input.size({input.Dim - 1})={blocks}.");
        var win = new Kernels.SlidingWindows(kernelSize.Height, kernelSize.Width, s.Height, s.Width, p.Height, p.Width, d.Height, d.Width, outH, outW);
        return input.Dim == 3
            ? Col2ImOp(input, outputSize.Height, outputSize.Width, win)
            : Col2ImOp(input.Unsqueeze(0), outputSize.Height, outputSize.Width, win).Squeeze(0);
    }

    /// <summary>Checks a convolution's arguments as PyTorch does, in its order, and works out its windows.</summary>
    private static Kernels.SlidingWindows ConvolutionWindows(Tensor input, Tensor weight, Tensor? bias, Size2 stride, ConvPadding padding,
        Size2 dilation, int groups)
    {
        if (stride.Height <= 0 || stride.Width <= 0) throw new ArgumentException("Conv2d: non-positive stride is not supported");
        if (padding.Height < 0 || padding.Width < 0) throw new ArgumentException("Conv2d: negative padding is not supported");
        if (dilation.Height <= 0 || dilation.Width <= 0)
            throw new ArgumentException($"Conv2d: dilation should be greater than zero, but got [{dilation.Height}, {dilation.Width}]");
        if (groups <= 0) throw new ArgumentException("Conv2d: non-positive groups is not supported");
        if (weight.Dim != 4)
            throw new ArgumentException(
                $"Conv2d: Expected 4-dimensional weight for 4-dimensional input {Shapes.Format(input.ShapeArray)}, " +
                $"but got {weight.Dim}-dimensional weight of size {Shapes.Format(weight.ShapeArray)} instead");
        int o = weight.ShapeArray[0];
        if (o % groups != 0)
            throw new ArgumentException(
                $"Conv2d: Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size {Shapes.Format(weight.ShapeArray)} instead");
        if (input.ShapeArray[1] != weight.ShapeArray[1] * groups)
            throw new ArgumentException(
                $"Conv2d: Given groups={groups}, weight of size {Shapes.Format(weight.ShapeArray)}, expected input{Shapes.Format(input.ShapeArray)} " +
                $"to have {weight.ShapeArray[1] * groups} channels, but got {input.ShapeArray[1]} channels instead");
        if (bias is not null && (bias.Dim != 1 || bias.ShapeArray[0] != o))
            throw new ArgumentException(
                $"Conv2d: Given weight of size {Shapes.Format(weight.ShapeArray)}, expected bias to be 1-dimensional with {o} elements, " +
                $"but got bias of size {Shapes.Format(bias.ShapeArray)} instead");
        if (padding.IsSame && (stride.Height != 1 || stride.Width != 1))
            throw new ArgumentException("Conv2d: padding='same' is not supported for strided convolutions");

        int h = input.ShapeArray[2], w = input.ShapeArray[3], kh = weight.ShapeArray[2], kw = weight.ShapeArray[3];
        int spanH = dilation.Height * (kh - 1) + 1, spanW = dilation.Width * (kw - 1) + 1;
        // "same" pads dilation·(k − 1) in all, half before (rounded down) and the rest after, as torch's _convolution_same.
        int padH = padding.IsSame ? (spanH - 1) / 2 : padding.Height, padW = padding.IsSame ? (spanW - 1) / 2 : padding.Width;
        int paddedH = padding.IsSame ? h + spanH - 1 : h + 2 * padH, paddedW = padding.IsSame ? w + spanW - 1 : w + 2 * padW;
        if (paddedH < spanH || paddedW < spanW)
            throw new ArgumentException(
                $"Conv2d: Calculated padded input size per channel: ({paddedH} x {paddedW}). Kernel size: ({spanH} x {spanW}). " +
                "Kernel size can't be greater than actual input size");

        CheckFloating("Conv2d", input);
        if (weight.DType != input.DType)
            throw new ArgumentException($"Conv2d: expected scalar type {input.DType.ScalarTypeName()} but found {weight.DType.ScalarTypeName()}");
        if (bias is not null && bias.DType != input.DType)
            throw new ArgumentException($"Conv2d: Input type ({input.DType.CTypeName()}) and bias type ({bias.DType.CTypeName()}) should be the same");
        int outH = (paddedH - spanH) / stride.Height + 1, outW = (paddedW - spanW) / stride.Width + 1;
        return new Kernels.SlidingWindows(kh, kw, stride.Height, stride.Width, padH, padW, dilation.Height, dilation.Width, outH, outW);
    }

    /// <summary>Y[n] = W·unfold(x)[n] + b per group, computed outside the graph and recorded as one node.</summary>
    private static Tensor ConvolutionCore(Tensor x, Tensor weight, Tensor? bias, Kernels.SlidingWindows win, int groups)
    {
        var geometry = new Kernels.Convolution.Geometry(x.ShapeArray[0], x.ShapeArray[1], x.ShapeArray[2], x.ShapeArray[3],
            weight.ShapeArray[0], groups, win);
        var y = ConvolutionForwardKernel(x, weight, bias, geometry);
        Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
        bool xNeedsGrad = x.RequiresGrad, weightNeedsGrad = weight.RequiresGrad, biasNeedsGrad = bias is not null && bias.RequiresGrad;
        return Graph.Record(y, OpCatalog.Convolution, inputs, g =>
        {
            var grads = ConvolutionBackward(x, weight, g, geometry, xNeedsGrad, weightNeedsGrad, biasNeedsGrad);
            return bias is null ? grads[..2] : grads;
        }, new SavedTensors(x, weight));
    }

    /// <summary>
    /// The gradients [dX, dW, db] (null where not needed) through a convolution, as one op: the fused kernel computes
    /// them in one pass over the samples, and each is recorded as a function of what it came from (PyTorch's
    /// convolution_backward, whose grad_fn is ConvolutionBackwardBackward0). dX is linear in (g, weight), dW in (g, x),
    /// db in g, so their own backward is convolutions again: the same code serves plain and createGraph passes, and
    /// every order of derivative can be taken.
    /// </summary>
    private static Tensor?[] ConvolutionBackward(Tensor x, Tensor weight, Tensor g, Kernels.Convolution.Geometry geometry,
        bool xNeedsGrad, bool weightNeedsGrad, bool biasNeedsGrad)
    {
        var grads = ConvolutionBackwardKernel(x, weight, g, geometry, xNeedsGrad, weightNeedsGrad, biasNeedsGrad);
        if (grads[0] is { } dx)
            // ⟨ggx, dX(g, W)⟩ = ⟨conv(ggx, W), g⟩: d/dg = conv(ggx, W), d/dW = dW with ggx in x's place.
            grads[0] = Graph.Record(dx, OpCatalog.ConvolutionBackward, g, weight, (x, weight, g, geometry),
                static (ggx, s) => (s.g.RequiresGrad ? ConvolutionCore(ggx, s.weight, null, s.geometry.Windows, s.geometry.Groups) : null,
                                    s.weight.RequiresGrad ? ConvolutionBackward(ggx, s.weight, s.g, s.geometry, false, true, false)[1] : null),
                new SavedTensors(g, weight));
        if (grads[1] is { } dw)
            // ⟨ggW, dW(g, x)⟩ = ⟨conv(x, ggW), g⟩: d/dg = conv(x, ggW), d/dx = dX with ggW in W's place.
            grads[1] = Graph.Record(dw, OpCatalog.ConvolutionBackward, g, x, (x, g, geometry),
                static (ggw, s) => (s.g.RequiresGrad ? ConvolutionCore(s.x, ggw, null, s.geometry.Windows, s.geometry.Groups) : null,
                                    s.x.RequiresGrad ? ConvolutionBackward(s.x, ggw, s.g, s.geometry, true, false, false)[0] : null),
                new SavedTensors(g, x));
        if (grads[2] is { } db)
            // db = Σ g over samples and positions: d/dg spreads ggb over them.
            grads[2] = Graph.Record(db, OpCatalog.ConvolutionBackward, g, g.ShapeArray,
                static (ggb, shape) => ggb.Reshape(1, shape[1], 1, 1).Expand(shape));
        return grads;
    }

    /// <summary>The convolution's output [N, O, oH, oW], outside the graph.</summary>
    private static Tensor ConvolutionForwardKernel(Tensor x, Tensor weight, Tensor? bias, Kernels.Convolution.Geometry geometry)
    {
        var y = Uninitialized(x.DType, [geometry.N, geometry.O, geometry.Windows.OutH, geometry.Windows.OutW]);   // every element written
        if (y.Numel == 0) return y;
        var wc = weight.IsContiguous ? weight : weight.CloneContiguous();
        var bc = bias is null || bias.IsContiguous ? bias : bias.CloneContiguous();
        var kernel = new ConvolutionRun(geometry);
        Dispatch.Float(ref kernel, x, wc, bc, y, null, null);
        return y;
    }

    /// <summary>Forward: x, weight, bias (or none) → y. Backward: x, weight, g → dx, dWeight, dBias (each or none).</summary>
    private readonly struct ConvolutionRun(Kernels.Convolution.Geometry geometry, bool backward = false) : IFloatKernel6
    {
        public void Run<T>(Lent<T> x, Lent<T> weight, Lent<T> c, Lent<T> d, Lent<T> e, Lent<T> f) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            int threads = Environment.ProcessorCount;
            if (!backward)
                Kernels.Convolution.Forward(x.Array, x.Offset, x.Strides, weight.Array, weight.Offset, c.Array, c.Offset, d.Array, geometry, threads);
            else
                Kernels.Convolution.Backward(x.Array, x.Offset, x.Strides, weight.Array, weight.Offset, c.Array, c.Offset, d.Array, e.Array, f.Array, geometry, threads);
        }
    }

    /// <summary>The gradients [dX, dW, db] (null where not needed) by the fused kernel, outside the graph.</summary>
    private static Tensor?[] ConvolutionBackwardKernel(Tensor x, Tensor weight, Tensor g, Kernels.Convolution.Geometry geometry,
        bool xNeedsGrad, bool weightNeedsGrad, bool biasNeedsGrad)
    {
        var dtype = x.DType;
        var grads = new Tensor?[3];
        // Each is written whole by the kernel (Uninitialized); zero-filled where the kernel has nothing to do.
        bool work = g.Numel > 0;
        if (xNeedsGrad) grads[0] = work ? Uninitialized(dtype, x.ShapeArray) : ZeroFilled(dtype, x.ShapeArray);
        if (weightNeedsGrad) grads[1] = work ? Uninitialized(dtype, weight.ShapeArray) : ZeroFilled(dtype, weight.ShapeArray);
        if (biasNeedsGrad) grads[2] = work ? Uninitialized(dtype, [geometry.O]) : ZeroFilled(dtype, [geometry.O]);
        if (!work) return grads;
        var gc = g.IsContiguous && g.DType == dtype ? g : g.To(dtype).Contiguous();
        var wc = weight.IsContiguous ? weight : weight.CloneContiguous();
        var kernel = new ConvolutionRun(geometry, backward: true);
        Dispatch.Float(ref kernel, x, wc, gc, grads[0], grads[1], grads[2]);
        return grads;
    }

    /// <summary>unfold of a 4-D input, recorded; its backward is col2im.</summary>
    private static Tensor Im2ColOp(Tensor x, Kernels.SlidingWindows win)
    {
        int h = x.ShapeArray[2], w = x.ShapeArray[3];
        return Graph.Record(Im2ColKernel(x, win), OpCatalog.Im2Col, x, g => Col2ImOp(g, h, w, win));
    }

    /// <summary>col2im of [n, c·kH·kW, L] columns into [n, c, h, w], recorded; its backward is unfold.</summary>
    private static Tensor Col2ImOp(Tensor columns, int h, int w, Kernels.SlidingWindows win)
        => Graph.Record(Col2ImKernel(columns, h, w, win), OpCatalog.Col2Im, columns, g => Im2ColOp(g, win));

    private static Tensor Im2ColKernel(Tensor x, Kernels.SlidingWindows win)
    {
        int n = x.ShapeArray[0], c = x.ShapeArray[1], h = x.ShapeArray[2], w = x.ShapeArray[3];
        var columns = Uninitialized(x.DType, [n, c * win.KernelArea, win.Blocks]);
        if (columns.Numel == 0) return columns;
        var kernel = new Im2ColRun(n, c, h, w, win, fold: false);
        Dispatch.Float(ref kernel, x, columns);
        return columns;
    }

    private static Tensor Col2ImKernel(Tensor columns, int h, int w, Kernels.SlidingWindows win)
    {
        int n = columns.ShapeArray[0], c = columns.ShapeArray[1] / win.KernelArea;
        var src = columns.IsContiguous ? columns : columns.CloneContiguous();
        var image = ZeroFilled(columns.DType, [n, c, h, w]);
        if (image.Numel == 0) return image;
        var kernel = new Im2ColRun(n, c, h, w, win, fold: true);
        Dispatch.Float(ref kernel, src, image);
        return image;
    }

    /// <summary>Unfold: an image (a, strided) into columns (b). Fold: contiguous columns (a) summed into an image (b).</summary>
    private readonly struct Im2ColRun(int n, int c, int h, int w, Kernels.SlidingWindows win, bool fold) : IFloatKernel
    {
        public void Run<T>(Lent<T> a, Lent<T> b, Lent<T> _) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            if (fold) Kernels.Im2Col.Fold<T>(a.Span, n, c, h, w, win, b.Span);
            else Kernels.Im2Col.Unfold(a.Array, a.Offset, a.Strides, n, c, h, w, win, b.Span);
        }
    }

    /// <summary>The number of window positions along one dim: ⌊(size + 2·pad − dilation·(kernel − 1) − 1) / stride⌋ + 1, at least 0.</summary>
    private static int SlidingBlocks(int size, int kernel, int dilation, int pad, int stride)
    {
        int room = size + 2 * pad - (dilation * (kernel - 1) + 1);
        return room < 0 ? 0 : room / stride + 1;
    }

    /// <summary>Unfold's and fold's argument checks, with PyTorch's messages.</summary>
    private static void CheckWindowArguments(string op, Size2 kernel, Size2 dilation, Size2 padding, Size2 stride)
    {
        if (kernel.Height <= 0 || kernel.Width <= 0)
            throw new ArgumentException($"{op}: kernel size should be greater than zero, but got kernel_height: {kernel.Height} kernel_width: {kernel.Width}");
        if (stride.Height <= 0 || stride.Width <= 0)
            throw new ArgumentException($"{op}: stride should be greater than zero, but got stride_height: {stride.Height} stride_width: {stride.Width}");
        if (dilation.Height <= 0 || dilation.Width <= 0)
            throw new ArgumentException($"{op}: dilation should be greater than zero, but got dilation_height: {dilation.Height} dilation_width: {dilation.Width}");
        if (padding.Height < 0 || padding.Width < 0)
            throw new ArgumentException($"{op}: padding should be non-negative, but got pad_height: {padding.Height} pad_width: {padding.Width}");
    }

    /// <summary>The window ops compute in Float32 or Float64 only.</summary>
    private static void CheckFloating(string op, Tensor input)
    {
        if (!input.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a floating-point input (torch.float32 or torch.float64), but got {input.DType.TorchName()}");
    }
}
