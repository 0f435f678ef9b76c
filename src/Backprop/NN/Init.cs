namespace Backprop.NN;

/// <summary>
/// In-place initialisation of parameters, without recording, from the default generator or a given one; the bounds
/// and standard deviations are computed in double exactly as torch.nn.init computes them, so that after the same
/// seed the values are PyTorch's. Like torch.nn.init.
/// </summary>
public static class Init
{
    /// <summary>Fills tensor with samples of U(a, b); like nn.init.uniform_(tensor, a, b).</summary>
    public static Tensor Uniform_(Tensor tensor, double a = 0, double b = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using (Autograd.NoGrad()) return tensor.Uniform_(a, b, generator);
    }

    /// <summary>Fills tensor with samples of N(mean, std²); like nn.init.normal_(tensor, mean, std).</summary>
    public static Tensor Normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using (Autograd.NoGrad()) return tensor.Normal_(mean, std, generator);
    }

    /// <summary>Fills tensor with value; like nn.init.constant_(tensor, val).</summary>
    public static Tensor Constant_(Tensor tensor, double value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using (Autograd.NoGrad()) return tensor.Fill_(value);
    }

    /// <summary>Fills tensor with zeros; like nn.init.zeros_(tensor).</summary>
    public static Tensor Zeros_(Tensor tensor) => Constant_(tensor, 0);

    /// <summary>Fills tensor with ones; like nn.init.ones_(tensor).</summary>
    public static Tensor Ones_(Tensor tensor) => Constant_(tensor, 1);

    /// <summary>
    /// Glorot/Xavier uniform: U(−a, a) with a = gain·√(6 / (fan_in + fan_out)) (computed as √3 · gain·√(2/(fan_in + fan_out)),
    /// as torch does); like nn.init.xavier_uniform_(tensor, gain).
    /// </summary>
    public static Tensor XavierUniform_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = FanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        double a = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -a, a, generator);
    }

    /// <summary>Glorot/Xavier normal: N(0, std²) with std = gain·√(2 / (fan_in + fan_out)); like nn.init.xavier_normal_(tensor, gain).</summary>
    public static Tensor XavierNormal_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = FanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        return Normal_(tensor, 0, std, generator);
    }

    /// <summary>
    /// He/Kaiming uniform: U(−bound, bound) with bound = √3 · gain/√fan, gain = <see cref="CalculateGain"/>(nonlinearity, a)
    /// and fan the fan-in or fan-out; a zero-element tensor is left alone. Like
    /// nn.init.kaiming_uniform_(tensor, a, mode, nonlinearity).
    /// </summary>
    public static Tensor KaimingUniform_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Numel == 0) return tensor;   // torch warns "Initializing zero-element tensors is a no-op"
        double std = CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        double bound = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -bound, bound, generator);
    }

    /// <summary>
    /// He/Kaiming normal: N(0, std²) with std = gain/√fan; a zero-element tensor is left alone. Like
    /// nn.init.kaiming_normal_(tensor, a, mode, nonlinearity).
    /// </summary>
    public static Tensor KaimingNormal_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn,
        Nonlinearity nonlinearity = Nonlinearity.LeakyRelu, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Numel == 0) return tensor;
        double std = CalculateGain(nonlinearity, a) / Math.Sqrt(Fan(tensor, mode));
        return Normal_(tensor, 0, std, generator);
    }

    /// <summary>
    /// The recommended gain for a nonlinearity: 1 for linear, convolutions and sigmoid, 5/3 for tanh, √2 for ReLU,
    /// √(2 / (1 + slope²)) for leaky ReLU (slope = param, 0.01 when null), 3/4 for SELU; like nn.init.calculate_gain.
    /// </summary>
    public static double CalculateGain(Nonlinearity nonlinearity, double? param = null) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Conv1d or Nonlinearity.Conv2d or Nonlinearity.Conv3d or Nonlinearity.ConvTranspose1d
            or Nonlinearity.ConvTranspose2d or Nonlinearity.ConvTranspose3d or Nonlinearity.Sigmoid => 1,
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.Relu => Math.Sqrt(2.0),
        Nonlinearity.LeakyRelu => LeakyReluGain(param ?? 0.01),
        Nonlinearity.Selu => 3.0 / 4,   // found empirically by PyTorch (pytorch/pytorch#50664)
        _ => throw new ArgumentException($"CalculateGain: Unsupported nonlinearity {nonlinearity}"),
    };

    private static double LeakyReluGain(double negativeSlope)
    {
        if (!double.IsFinite(negativeSlope)) throw new ArgumentException($"CalculateGain: negative_slope {negativeSlope} not a valid number");
        return Math.Sqrt(2.0 / (1 + negativeSlope * negativeSlope));   // Python's slope ** 2 is the rounded square, as here
    }

    /// <summary>
    /// The default initialisation of Linear's and the convolutions' parameters, drawn weight first: the weight from
    /// kaiming_uniform_ with a = √5, the bias from U(−1/√fanIn, 1/√fanIn) (zero bound when fanIn is 0). PyTorch's
    /// Linear.reset_parameters and _ConvNd.reset_parameters, which are the same code.
    /// </summary>
    internal static void LayerDefault_(Tensor weight, Tensor? bias, Generator? generator)
    {
        KaimingUniform_(weight, a: Math.Sqrt(5), generator: generator);
        if (bias is null) return;
        int fanIn = FanInAndFanOut(weight).FanIn;
        double bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        Uniform_(bias, -bound, bound, generator);
    }

    /// <summary>
    /// (fan_in, fan_out) = (size(1)·r, size(0)·r), r the product of the sizes past dim 1 (a convolution's receptive field);
    /// fails for fewer than 2 dims. Like torch.nn.init._calculate_fan_in_and_fan_out.
    /// </summary>
    public static (int FanIn, int FanOut) FanInAndFanOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dim < 2)
            throw new ArgumentException(
                $"Init: Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got shape {Shapes.Format(tensor.ShapeArray)})");
        int receptiveField = 1;
        for (int d = 2; d < tensor.Dim; d++) receptiveField *= tensor.ShapeArray[d];
        return (tensor.ShapeArray[1] * receptiveField, tensor.ShapeArray[0] * receptiveField);
    }

    private static int Fan(Tensor tensor, FanMode mode)
    {
        var (fanIn, fanOut) = FanInAndFanOut(tensor);
        return mode switch
        {
            FanMode.FanIn => fanIn,
            FanMode.FanOut => fanOut,
            _ => throw new ArgumentException($"Init: Mode {mode} not supported, please use one of FanIn, FanOut"),
        };
    }
}

/// <summary>Which fan Kaiming initialisation preserves: the forward pass's (fan-in) or the backward pass's (fan-out); like mode='fan_in' | 'fan_out'.</summary>
public enum FanMode
{
    /// <summary>Preserves the variance of the activations in the forward pass; like mode='fan_in'.</summary>
    FanIn,

    /// <summary>Preserves the variance of the gradients in the backward pass; like mode='fan_out'.</summary>
    FanOut,
}

/// <summary>The nonlinearities <see cref="Init.CalculateGain"/> knows; like the nonlinearity names of torch.nn.init.</summary>
public enum Nonlinearity
{
    /// <summary>'linear'.</summary>
    Linear,
    /// <summary>'conv1d'.</summary>
    Conv1d,
    /// <summary>'conv2d'.</summary>
    Conv2d,
    /// <summary>'conv3d'.</summary>
    Conv3d,
    /// <summary>'conv_transpose1d'.</summary>
    ConvTranspose1d,
    /// <summary>'conv_transpose2d'.</summary>
    ConvTranspose2d,
    /// <summary>'conv_transpose3d'.</summary>
    ConvTranspose3d,
    /// <summary>'sigmoid'.</summary>
    Sigmoid,
    /// <summary>'tanh'.</summary>
    Tanh,
    /// <summary>'relu'.</summary>
    Relu,
    /// <summary>'leaky_relu' (the default of the Kaiming functions).</summary>
    LeakyRelu,
    /// <summary>'selu'.</summary>
    Selu,
}
