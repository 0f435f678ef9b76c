namespace Backprop;

// Batch normalisation, y = (x − μ) / √(σ² + ε) · γ + β per channel (dim 1), composed from recorded ops so that
// autograd derives the backward (and its derivatives). In training μ and σ² are the batch's mean and biased
// variance over every dim but the channel's, and the running statistics move toward the batch's with the
// unbiased variance, as PyTorch does; in evaluation the running statistics stand in for the batch's.
public partial class Tensor
{
    /// <summary>
    /// Normalises input [N, C, ...] per channel: with batch statistics when training (updating runningMean and
    /// runningVar in place, when given, by r ← (1 − momentum)·r + momentum·batch, the variance unbiased), else with
    /// the running statistics; then scales by weight and shifts by bias when given. Like torch.nn.functional.batch_norm.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim < 2)
            throw new ArgumentException($"BatchNorm: expected an input of at least 2 dims [N, C, ...], but got input of size {Shapes.Format(input.ShapeArray)}");
        CheckFloating("BatchNorm", input);
        int c = input.ShapeArray[1];
        CheckChannelVector(runningMean, "running_mean", c);
        CheckChannelVector(runningVar, "running_var", c);
        CheckChannelVector(weight, "weight", c);
        CheckChannelVector(bias, "bias", c);

        var dims = new int[input.Dim - 1];
        var statShape = new int[input.Dim];
        for (int i = 0; i < input.Dim; i++) statShape[i] = i == 1 ? c : 1;
        for (int i = 0, j = 0; i < input.Dim; i++) if (i != 1) dims[j++] = i;

        Tensor mean, variance;
        if (training)
        {
            int count = input.Numel / Math.Max(c, 1);
            if (count <= 1)
                throw new ArgumentException($"BatchNorm: Expected more than 1 value per channel when training, got input size {Shapes.Format(input.ShapeArray)}");
            mean = input.Mean(dims, keepDim: true);
            variance = input.Var(dims, correction: 0, keepDim: true);
            using (Autograd.NoGrad())
            {
                if (runningMean is not null) runningMean.Copy_(mean.Reshape(c).Mul(momentum).Add(runningMean.Mul(1 - momentum)));
                if (runningVar is not null)
                    runningVar.Copy_(variance.Reshape(c).Mul((double)count / (count - 1)).Mul(momentum).Add(runningVar.Mul(1 - momentum)));
            }
        }
        else
        {
            if (runningMean is null || runningVar is null)
                throw new ArgumentException("BatchNorm: running_mean and running_var must be defined in evaluation mode (training: false)");
            mean = runningMean.Reshape(statShape);
            variance = runningVar.Reshape(statShape);
        }
        var y = input.Sub(mean).Div(variance.Add(eps).Sqrt());
        if (weight is not null) y = y.Mul(weight.Reshape(statShape));
        if (bias is not null) y = y.Add(bias.Reshape(statShape));
        if (!training) Tracing.Current?.Op(new TracedOp(OpCatalog.Traced.BatchNorm, y, [input, weight, bias, runningMean, runningVar], [eps]));
        return y;
    }

    private static void CheckChannelVector(Tensor? t, string name, int channels)
    {
        if (t is not null && t.Numel != channels)
            throw new ArgumentException($"BatchNorm: {name} should contain {channels} elements not {t.Numel}");
    }
}
