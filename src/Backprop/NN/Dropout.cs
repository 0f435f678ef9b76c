namespace Backprop.NN;

/// <summary>
/// In training mode zeroes each element with probability p and scales the others by 1/(1 − p), so the expectation is
/// unchanged; in evaluation mode returns the input itself. The mask is PyTorch's after the same ManualSeed (see
/// <see cref="F.Dropout"/>). Like torch.nn.Dropout(p).
/// </summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    private readonly Generator? _generator;

    /// <summary>The probability of zeroing an element; like dropout.p.</summary>
    public double P { get; }

    /// <summary>A dropout layer drawing its masks from generator (the default one when null).</summary>
    public Dropout(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentException($"Dropout: dropout probability has to be between 0 and 1, but got {p}");
        P = p;
        _generator = generator;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Dropout(input, P, Training, _generator);

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString() => $"Dropout(p={P.ToString(System.Globalization.CultureInfo.InvariantCulture)}, inplace=False)";
}
