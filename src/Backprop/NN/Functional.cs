namespace Backprop.NN;

/// <summary>
/// The functional forms of the layers, activations and losses: stateless functions of tensors that the modules
/// call with their parameters. Like torch.nn.functional (imported as F).
/// </summary>
public static partial class F
{
    /// <summary>
    /// y = x·Wᵀ + b over the last dim of x (any leading dims); weight is [out, in], bias [out]; like F.linear, which for
    /// a 2-D input with a bias is one addmm (AddmmBackward0) and otherwise a matmul plus an add.
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (bias is not null && input.Dim == 2 && weight.Dim == 2 && input.DType == weight.DType && bias.DType == input.DType)
            return Traced(Tensor.Addmm(bias, input, weight.T));
        var y = input.MatMul(weight.T);
        return Traced(bias is null ? y : y + bias);

        Tensor Traced(Tensor result)
        {
            Tracing.Current?.Op(new TracedOp(OpCatalog.Traced.Linear, result, [input, weight, bias], []));
            return result;
        }
    }

    /// <summary>max(x, 0); like F.relu.</summary>
    public static Tensor Relu(Tensor input) => input.Relu();

    /// <summary>1 / (1 + e⁻ˣ); like torch.sigmoid / F.sigmoid.</summary>
    public static Tensor Sigmoid(Tensor input) => input.Sigmoid();

    /// <summary>tanh x; like torch.tanh / F.tanh.</summary>
    public static Tensor Tanh(Tensor input) => input.Tanh();

    /// <summary>x for x &gt; 0, negativeSlope·x otherwise; like F.leaky_relu(input, negative_slope).</summary>
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01) => input.LeakyRelu(negativeSlope);

    /// <summary>
    /// x·Φ(x) with the exact normal CDF, or its tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)));
    /// like F.gelu(input, approximate='none' | 'tanh').
    /// </summary>
    public static Tensor Gelu(Tensor input, GeluApproximation approximate = GeluApproximation.None)
    {
        if (approximate == GeluApproximation.None) return input.Gelu();
        const double kappa = 0.044715;
        double beta = Math.Sqrt(2) * (2 / Math.Sqrt(Math.PI)) * 0.5;   // √(2/π), written as torch's kernel writes it
        var inner = input.Add(input.Mul(input).Mul(input).Mul(kappa)).Mul(beta);
        return input.Mul(0.5).Mul(inner.Tanh().Add(1));
    }

    /// <summary>log(1 + e^(βx))/β, and x where βx &gt; threshold; like F.softplus(input, beta, threshold).</summary>
    public static Tensor Softplus(Tensor input, double beta = 1, double threshold = 20) => input.Softplus(beta, threshold);

    /// <summary>Softmax along dim; like F.softmax(input, dim).</summary>
    public static Tensor Softmax(Tensor input, int dim) => input.Softmax(dim);

    /// <summary>Log-softmax along dim; like F.log_softmax(input, dim).</summary>
    public static Tensor LogSoftmax(Tensor input, int dim) => input.LogSoftmax(dim);

    /// <summary>
    /// In training, zeroes each element with probability p and scales the rest by 1/(1 − p); otherwise the input itself.
    /// The mask is drawn as PyTorch's CPU bernoulli_(1 − p) draws it (one double uniform per element, kept when below
    /// 1 − p), so after the same ManualSeed it is torch's mask. Like F.dropout(input, p, training).
    /// </summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!(p >= 0 && p <= 1))
            throw new ArgumentException($"Dropout: dropout probability has to be between 0 and 1, but got {p}");
        if (p == 0 || !training || input.Numel == 0) return input;
        if (p == 1) return input.Mul(Tensor.Zeros([], input.DType));
        Tensor noise;
        using (Autograd.NoGrad())
            noise = Tensor.Rand(input.ShapeArray, DType.Float64, generator).Lt(1 - p).To(input.DType).Div(1 - p);
        return input.Mul(noise);
    }

    /// <summary>
    /// The rows of weight at the given Int64 indices: the result has the indices' shape plus weight's row size. The
    /// row at paddingIdx is returned as stored but receives no gradient. Like F.embedding(input, weight, padding_idx).
    /// </summary>
    public static Tensor Embedding(Tensor input, Tensor weight, int? paddingIdx = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.DType != DType.Int64)
            throw new ArgumentException(
                $"Embedding: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long; but got {input.DType.TorchName()} instead");
        if (weight.Dim != 2)
            throw new ArgumentException($"Embedding: 'weight' must be 2-D, but got a tensor of shape {Shapes.Format(weight.ShapeArray)}");
        int rows = weight.ShapeArray[0], dim = weight.ShapeArray[1];
        int? padding = paddingIdx;
        if (padding is { } pad)
        {
            if (pad >= rows || pad < -rows) throw new ArgumentException($"Embedding: Padding_idx must be within num_embeddings (got {pad} for {rows} rows)");
            if (pad < 0) padding = pad + rows;
        }
        var flat = input.Reshape(-1);
        foreach (var i in flat.ToArray<long>())
            if (i < 0 || i >= rows) throw new ArgumentException($"Embedding: index out of range in self (index {i} for {rows} rows)");
        return Tensor.EmbeddingLookup(weight, input, flat, padding);
    }

    /// <summary>Int64 one-hot vectors in a new last dim; like F.one_hot(tensor, num_classes).</summary>
    public static Tensor OneHot(Tensor input, int numClasses = -1) => Tensor.OneHot(input, numClasses);
}

/// <summary>Which GELU: the exact one or the tanh approximation; like the approximate argument of F.gelu.</summary>
public enum GeluApproximation
{
    /// <summary>x·Φ(x) with the exact normal CDF; like approximate='none'.</summary>
    None,

    /// <summary>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))); like approximate='tanh'.</summary>
    Tanh,
}
