using System.Globalization;

namespace Backprop.NN;

/// <summary>
/// Layer normalisation over the last dims (normalizedShape), with a learnable elementwise scale "weight" (ones) and
/// shift "bias" (zeros) when elementwiseAffine; PyTorch's names, so state dicts match.
/// Like torch.nn.LayerNorm(normalized_shape, eps, elementwise_affine, dtype=dtype).
/// </summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    /// <summary>The trailing shape normalised over; like layer_norm.normalized_shape.</summary>
    public IReadOnlyList<int> NormalizedShape => _normalizedShape;

    /// <summary>Added to the variance before the square root; like layer_norm.eps.</summary>
    public double Eps { get; }

    /// <summary>Whether the layer has weight and bias; like layer_norm.elementwise_affine.</summary>
    public bool ElementwiseAffine { get; }

    /// <summary>The scale (ones at first), or null without elementwise affine; like layer_norm.weight.</summary>
    public Parameter? Weight { get; }

    /// <summary>The shift (zeros at first), or null without elementwise affine; like layer_norm.bias.</summary>
    public Parameter? Bias { get; }

    private readonly int[] _normalizedShape;

    /// <summary>A layer normalising over the last dim of size normalizedShape.</summary>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
        : this([normalizedShape], eps, elementwiseAffine, dtype) { }

    /// <summary>A layer normalising over the trailing dims normalizedShape.</summary>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(s => s <= 0))
            throw new ArgumentException($"LayerNorm: normalized_shape must be non-empty with positive sizes, got {Shapes.Format(normalizedShape)}");
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"LayerNorm: expected a floating-point dtype, got {dtype.TorchName()}");
        _normalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        ElementwiseAffine = elementwiseAffine;
        Weight = RegisterParameter("weight", elementwiseAffine ? new Parameter(Tensor.Ones(_normalizedShape, dtype)) : null);
        Bias = RegisterParameter("bias", elementwiseAffine ? new Parameter(Tensor.Zeros(_normalizedShape, dtype)) : null);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LayerNorm(input, _normalizedShape, Weight, Bias, Eps);

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString() =>
        $"LayerNorm(({string.Join(", ", _normalizedShape)},), eps={Eps.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e')}, elementwise_affine={(ElementwiseAffine ? "True" : "False")})";
}
