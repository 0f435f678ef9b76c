namespace Backprop.NN;

/// <summary>
/// A 2-D convolution layer: weight [outChannels, inChannels/groups, kH, kW] and bias [outChannels], both drawn from
/// U(−1/√fanIn, 1/√fanIn) with fanIn = inChannels/groups·kH·kW (PyTorch's kaiming_uniform_(a=√5) and its bias
/// rule, in the same order, so a seeded generator gives PyTorch's numbers). Like torch.nn.Conv2d.
/// </summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    /// <summary>
    /// A layer mapping inChannels to outChannels with the given kernel; padding may be an int, a pair, "same" or
    /// "valid"; initialised from generator (the default generator when null). Like torch.nn.Conv2d(in_channels,
    /// out_channels, kernel_size, stride, padding, dilation, groups, bias, dtype=dtype).
    /// </summary>
    public Conv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, ConvPadding? padding = null, Size2? dilation = null,
        int groups = 1, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (groups <= 0) throw new ArgumentException("Conv2d: groups must be a positive integer");
        if (inChannels % groups != 0) throw new ArgumentException("Conv2d: in_channels must be divisible by groups");
        if (outChannels % groups != 0) throw new ArgumentException("Conv2d: out_channels must be divisible by groups");
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"Conv2d: expected a floating-point dtype, but got {dtype.TorchName()}");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        Groups = groups;
        if (Padding.IsSame && (Stride.Height != 1 || Stride.Width != 1))
            throw new ArgumentException("Conv2d: padding='same' is not supported for strided convolutions");
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros([outChannels, inChannels / groups, kernelSize.Height, kernelSize.Width], dtype)))!;
        Bias = RegisterParameter("bias", bias ? new Parameter(Tensor.Zeros([outChannels], dtype)) : null);
        ResetParameters(generator);
    }

    /// <summary>The learnable kernels [outChannels, inChannels/groups, kH, kW]; like conv.weight.</summary>
    public Parameter Weight { get; }

    /// <summary>The learnable bias [outChannels], or null when made with bias: false; like conv.bias.</summary>
    public Parameter? Bias { get; }

    /// <summary>Channels of the input; like conv.in_channels.</summary>
    public int InChannels { get; }

    /// <summary>Channels of the output; like conv.out_channels.</summary>
    public int OutChannels { get; }

    /// <summary>The kernel's height and width; like conv.kernel_size.</summary>
    public Size2 KernelSize { get; }

    /// <summary>The step between windows; like conv.stride.</summary>
    public Size2 Stride { get; }

    /// <summary>Zeros around the input, or "same"/"valid"; like conv.padding.</summary>
    public ConvPadding Padding { get; }

    /// <summary>The spacing between kernel taps; like conv.dilation.</summary>
    public Size2 Dilation { get; }

    /// <summary>Blocks of channels convolved independently; like conv.groups.</summary>
    public int Groups { get; }

    /// <summary>
    /// Redraws the weight from U(−b, b) with b = √3·gain/√fanIn, gain = √(2/(1 + a²)), a = √5 (kaiming_uniform_),
    /// then the bias from U(−1/√fanIn, 1/√fanIn); like conv.reset_parameters().
    /// </summary>
    public void ResetParameters(Generator? generator = null)
    {
        Init.LayerDefault_(Weight, Bias, generator);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);

    /// <summary>Prints as PyTorch prints the module: "Conv2d(3, 16, kernel_size=(5, 5), stride=(1, 1))".</summary>
    public override string ToString()
    {
        var s = $"Conv2d({InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}";
        if (Padding.Name is not null || Padding.Height != 0 || Padding.Width != 0) s += $", padding={Padding}";
        if (Dilation != new Size2(1, 1)) s += $", dilation={Dilation}";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias is null) s += ", bias=False";
        return s + ")";
    }
}
