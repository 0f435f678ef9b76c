namespace Backprop.NN;

/// <summary>
/// A fully connected layer y = x·Wᵀ + b with weight [out, in] and bias [out], initialised as PyTorch 1.13 does:
/// W by Kaiming-uniform with a = √5 (so U(±1/√in) up to rounding), then b from U(±1/√in); after the same
/// ManualSeed the values are torch's. Like torch.nn.Linear(in_features, out_features, bias, dtype=dtype).
/// </summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>The size of each input sample; like linear.in_features.</summary>
    public int InFeatures { get; }

    /// <summary>The size of each output sample; like linear.out_features.</summary>
    public int OutFeatures { get; }

    /// <summary>The [out, in] weight; like linear.weight.</summary>
    public Parameter Weight { get; }

    /// <summary>The [out] bias, or null when made with bias: false; like linear.bias.</summary>
    public Parameter? Bias { get; }

    /// <summary>A layer from inFeatures to outFeatures, drawing its initial values from generator (the default one when null).</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (inFeatures < 0 || outFeatures < 0)
            throw new ArgumentException($"Linear: in_features and out_features must be non-negative, got {inFeatures} and {outFeatures}");
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"Linear: expected a floating-point dtype, got {dtype.TorchName()}");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros([outFeatures, inFeatures], dtype)))!;
        Bias = RegisterParameter("bias", bias ? new Parameter(Tensor.Zeros([outFeatures], dtype)) : null);
        ResetParameters(generator);
    }

    /// <summary>Redraws weight and bias as the constructor does; like linear.reset_parameters().</summary>
    public void ResetParameters(Generator? generator = null)
    {
        Init.LayerDefault_(Weight, Bias, generator);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Linear(input, Weight, Bias);

    /// <summary>The layer's sizes, as PyTorch prints them.</summary>
    public override string ToString() => $"Linear(in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is null ? "False" : "True")})";
}
