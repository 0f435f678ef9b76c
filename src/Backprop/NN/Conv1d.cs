namespace Backprop.NN;

/// <summary>
/// A 1-D convolution over [N, C_in, L] (or [C_in, L]) with weight [out, in/groups, kernel] and bias [out], initialised
/// as PyTorch 1.13 does (Kaiming-uniform with a = √5, then the bias from U(±1/√fan_in)), so the same seed gives
/// torch's weights. Like torch.nn.Conv1d(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
/// bias, dtype=dtype).
/// </summary>
public sealed class Conv1d : Module<Tensor, Tensor>
{
    /// <summary>A layer drawing its weights from generator (the default one when null); padding is an int or "same"/"valid".</summary>
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, ConvPadding? padding = null, int dilation = 1,
        int groups = 1, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (groups <= 0) throw new ArgumentException("Conv1d: groups must be a positive integer");
        if (inChannels % groups != 0) throw new ArgumentException("Conv1d: in_channels must be divisible by groups");
        if (outChannels % groups != 0) throw new ArgumentException("Conv1d: out_channels must be divisible by groups");
        if (kernelSize <= 0 || stride <= 0 || dilation <= 0)
            throw new ArgumentException($"Conv1d: kernel_size, stride and dilation must be positive, got {kernelSize}, {stride} and {dilation}");
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"Conv1d: expected a floating-point dtype, but got {dtype.TorchName()}");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding ?? 0;
        Dilation = dilation;
        Groups = groups;
        if (Padding.IsSame && stride != 1) throw new ArgumentException("Conv1d: padding='same' is not supported for strided convolutions");
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros([outChannels, inChannels / groups, kernelSize], dtype)))!;
        Bias = RegisterParameter("bias", bias ? new Parameter(Tensor.Zeros([outChannels], dtype)) : null);
        ResetParameters(generator);
    }

    /// <summary>The [out, in/groups, kernel] filters; like conv.weight.</summary>
    public Parameter Weight { get; }

    /// <summary>The [out] bias, or null; like conv.bias.</summary>
    public Parameter? Bias { get; }

    /// <summary>Input channels; like conv.in_channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels; like conv.out_channels.</summary>
    public int OutChannels { get; }

    /// <summary>The kernel length; like conv.kernel_size[0].</summary>
    public int KernelSize { get; }

    /// <summary>The step between windows; like conv.stride[0].</summary>
    public int Stride { get; }

    /// <summary>Zero padding at both ends, or "same"/"valid"; like conv.padding.</summary>
    public ConvPadding Padding { get; }

    /// <summary>The spacing of kernel taps; like conv.dilation[0].</summary>
    public int Dilation { get; }

    /// <summary>Channel groups; like conv.groups.</summary>
    public int Groups { get; }

    /// <summary>Redraws weight and bias as the constructor does; like conv.reset_parameters().</summary>
    public void ResetParameters(Generator? generator = null)
    {
        Init.LayerDefault_(Weight, Bias, generator);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Conv1d(input, Weight, Bias, Stride, Padding, Dilation, Groups);

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString()
    {
        var s = $"Conv1d({InChannels}, {OutChannels}, kernel_size=({KernelSize},), stride=({Stride},)";
        if (Padding.Name is not null) s += $", padding={Padding.Name}";
        else if (Padding.Width != 0) s += $", padding=({Padding.Width},)";
        if (Dilation != 1) s += $", dilation=({Dilation},)";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias is null) s += ", bias=False";
        return s + ")";
    }
}
