namespace Backprop.NN;

/// <summary>Max pooling over kernelSize windows; like torch.nn.MaxPool2d.</summary>
/// <param name="kernelSize">The window's height and width.</param>
/// <param name="stride">The step between windows; the kernel size when null.</param>
/// <param name="padding">−∞ added on each side, at most half the kernel.</param>
/// <param name="dilation">The spacing between window taps.</param>
/// <param name="ceilMode">Rounds the output size up, so a last partial window counts.</param>
public sealed class MaxPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null, bool ceilMode = false)
    : Module<Tensor, Tensor>
{
    /// <summary>The window's height and width; like pool.kernel_size.</summary>
    public Size2 KernelSize { get; } = kernelSize;

    /// <summary>The step between windows; like pool.stride.</summary>
    public Size2 Stride { get; } = stride ?? kernelSize;

    /// <summary>The padding on each side; like pool.padding.</summary>
    public Size2 Padding { get; } = padding ?? 0;

    /// <summary>The spacing between window taps; like pool.dilation.</summary>
    public Size2 Dilation { get; } = dilation ?? 1;

    /// <summary>Whether the output size rounds up; like pool.ceil_mode.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <summary>Prints as PyTorch prints the module.</summary>
    public override string ToString() =>
        $"MaxPool2d(kernel_size={KernelSize.Compact()}, stride={Stride.Compact()}, padding={Padding.Compact()}, dilation={Dilation.Compact()}, ceil_mode={(CeilMode ? "True" : "False")})";
}

/// <summary>Average pooling over kernelSize windows; like torch.nn.AvgPool2d.</summary>
/// <param name="kernelSize">The window's height and width.</param>
/// <param name="stride">The step between windows; the kernel size when null.</param>
/// <param name="padding">Zeros added on each side, at most half the kernel.</param>
/// <param name="ceilMode">Rounds the output size up, so a last partial window counts.</param>
/// <param name="countIncludePad">Whether the padding's zeros count in the divisor.</param>
/// <param name="divisorOverride">A fixed divisor in place of the window's size.</param>
public sealed class AvgPool2d(Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool ceilMode = false, bool countIncludePad = true,
    int? divisorOverride = null) : Module<Tensor, Tensor>
{
    /// <summary>The window's height and width; like pool.kernel_size.</summary>
    public Size2 KernelSize { get; } = kernelSize;

    /// <summary>The step between windows; like pool.stride.</summary>
    public Size2 Stride { get; } = stride ?? kernelSize;

    /// <summary>The padding on each side; like pool.padding.</summary>
    public Size2 Padding { get; } = padding ?? 0;

    /// <summary>Whether the output size rounds up; like pool.ceil_mode.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <summary>Whether padding counts in the divisor; like pool.count_include_pad.</summary>
    public bool CountIncludePad { get; } = countIncludePad;

    /// <summary>The fixed divisor, if any; like pool.divisor_override.</summary>
    public int? DivisorOverride { get; } = divisorOverride;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);

    /// <summary>Prints as PyTorch prints the module.</summary>
    public override string ToString() => $"AvgPool2d(kernel_size={KernelSize.Compact()}, stride={Stride.Compact()}, padding={Padding.Compact()})";
}

/// <summary>Average pooling to a fixed output size, whatever the input's; like torch.nn.AdaptiveAvgPool2d.</summary>
/// <param name="outputSize">The output's height and width.</param>
public sealed class AdaptiveAvgPool2d(Size2 outputSize) : Module<Tensor, Tensor>
{
    /// <summary>The output's height and width; like pool.output_size.</summary>
    public Size2 OutputSize { get; } = outputSize;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AdaptiveAvgPool2d(input, OutputSize);

    /// <summary>Prints as PyTorch prints the module.</summary>
    public override string ToString() => $"AdaptiveAvgPool2d(output_size={OutputSize.Compact()})";
}
