using System.Globalization;

namespace Backprop.NN;

// The activation layers: each a parameterless module around its function in F.

/// <summary>max(x, 0); like torch.nn.ReLU.</summary>
public sealed class ReLU : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Relu(input);

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString() => "ReLU()";
}

/// <summary>1 / (1 + e⁻ˣ); like torch.nn.Sigmoid.</summary>
public sealed class Sigmoid : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Sigmoid(input);

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString() => "Sigmoid()";
}

/// <summary>tanh x; like torch.nn.Tanh.</summary>
public sealed class Tanh : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Tanh(input);

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString() => "Tanh()";
}

/// <summary>x for x &gt; 0, negativeSlope·x otherwise; like torch.nn.LeakyReLU(negative_slope).</summary>
public sealed class LeakyReLU(double negativeSlope = 0.01) : Module<Tensor, Tensor>
{
    /// <summary>The slope for negative inputs; like leaky_relu.negative_slope.</summary>
    public double NegativeSlope { get; } = negativeSlope;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LeakyRelu(input, NegativeSlope);

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString() => $"LeakyReLU(negative_slope={NegativeSlope.ToString(CultureInfo.InvariantCulture)})";
}

/// <summary>x·Φ(x), exact or tanh-approximated; like torch.nn.GELU(approximate).</summary>
public sealed class GELU(GeluApproximation approximate = GeluApproximation.None) : Module<Tensor, Tensor>
{
    /// <summary>Which GELU; like gelu.approximate.</summary>
    public GeluApproximation Approximate { get; } = approximate;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Gelu(input, Approximate);

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString() => $"GELU(approximate='{(Approximate == GeluApproximation.Tanh ? "tanh" : "none")}')";
}

/// <summary>log(1 + e^(βx))/β, linear past threshold; like torch.nn.Softplus(beta, threshold).</summary>
public sealed class Softplus(double beta = 1, double threshold = 20) : Module<Tensor, Tensor>
{
    /// <summary>β; like softplus.beta.</summary>
    public double Beta { get; } = beta;

    /// <summary>Where βx exceeds it, the output is x; like softplus.threshold.</summary>
    public double Threshold { get; } = threshold;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softplus(input, Beta, Threshold);

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString() =>
        $"Softplus(beta={Beta.ToString(CultureInfo.InvariantCulture)}, threshold={Threshold.ToString(CultureInfo.InvariantCulture)})";
}

/// <summary>Softmax along dim; like torch.nn.Softmax(dim).</summary>
public sealed class Softmax(int dim) : Module<Tensor, Tensor>
{
    /// <summary>The dim that sums to one; like softmax.dim.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Softmax(input, Dim);

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString() => $"Softmax(dim={Dim})";
}

/// <summary>Log-softmax along dim; like torch.nn.LogSoftmax(dim).</summary>
public sealed class LogSoftmax(int dim) : Module<Tensor, Tensor>
{
    /// <summary>The dim normalised over; like log_softmax.dim.</summary>
    public int Dim { get; } = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LogSoftmax(input, Dim);

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString() => $"LogSoftmax(dim={Dim})";
}
