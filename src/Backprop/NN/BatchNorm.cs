using System.Globalization;

namespace Backprop.NN;

/// <summary>
/// Batch normalisation over the channel dim (1) with learnable scale and shift ("weight", "bias") and running
/// statistics ("running_mean", "running_var", "num_batches_tracked" — PyTorch's names, so state dicts match).
/// Training normalises with the batch's statistics and updates the running ones; evaluation uses the running
/// ones. With momentum null the running statistics are the cumulative average of the batches'. Like torch.nn's _BatchNorm.
/// </summary>
public abstract class BatchNorm : Module<Tensor, Tensor>
{
    /// <summary>A layer over numFeatures channels; like torch.nn.BatchNorm*d(num_features, eps, momentum, affine, track_running_stats, dtype=dtype).</summary>
    protected BatchNorm(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true,
        DType dtype = DType.Float32)
    {
        if (numFeatures <= 0) throw new ArgumentException($"{GetType().Name}: num_features must be positive, but got {numFeatures}");
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"{GetType().Name}: expected a floating-point dtype, but got {dtype.TorchName()}");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Affine = affine;
        TrackRunningStats = trackRunningStats;
        Weight = RegisterParameter("weight", affine ? new Parameter(Tensor.Ones([numFeatures], dtype)) : null);
        Bias = RegisterParameter("bias", affine ? new Parameter(Tensor.Zeros([numFeatures], dtype)) : null);
        RunningMean = RegisterBuffer("running_mean", trackRunningStats ? Tensor.Zeros([numFeatures], dtype) : null);
        RunningVar = RegisterBuffer("running_var", trackRunningStats ? Tensor.Ones([numFeatures], dtype) : null);
        NumBatchesTracked = RegisterBuffer("num_batches_tracked", trackRunningStats ? Tensor.From(0L) : null);
    }

    /// <summary>The number of channels; like bn.num_features.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance before the square root; like bn.eps.</summary>
    public double Eps { get; }

    /// <summary>The running statistics' update weight, or null for a cumulative average; like bn.momentum.</summary>
    public double? Momentum { get; }

    /// <summary>Whether the layer has weight and bias; like bn.affine.</summary>
    public bool Affine { get; }

    /// <summary>Whether the layer keeps running statistics; like bn.track_running_stats.</summary>
    public bool TrackRunningStats { get; }

    /// <summary>The per-channel scale γ (ones at first), or null without affine; like bn.weight.</summary>
    public Parameter? Weight { get; }

    /// <summary>The per-channel shift β (zeros at first), or null without affine; like bn.bias.</summary>
    public Parameter? Bias { get; }

    /// <summary>The running mean (zeros at first), or null without running statistics; like bn.running_mean.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>The running unbiased variance (ones at first), or null without running statistics; like bn.running_var.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>The number of training batches seen (0-d Int64), or null without running statistics; like bn.num_batches_tracked.</summary>
    public Tensor? NumBatchesTracked { get; }

    /// <summary>Resets the running statistics to mean 0, variance 1, no batches; like bn.reset_running_stats().</summary>
    public void ResetRunningStats()
    {
        using (Autograd.NoGrad())
        {
            RunningMean?.Zero_();
            RunningVar?.Fill_(1);
            NumBatchesTracked?.Zero_();
        }
    }

    /// <summary>Resets the running statistics, the weight to ones and the bias to zeros; like bn.reset_parameters().</summary>
    public void ResetParameters()
    {
        ResetRunningStats();
        using (Autograd.NoGrad())
        {
            Weight?.Fill_(1);
            Bias?.Zero_();
        }
    }

    /// <summary>Throws when the input's rank does not suit the layer.</summary>
    protected abstract void CheckInputDim(Tensor input);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInputDim(input);
        double factor = Momentum ?? 0.0;
        if (Training && TrackRunningStats && NumBatchesTracked is { } tracked)
        {
            using (Autograd.NoGrad()) tracked.Add_(1);
            factor = Momentum ?? 1.0 / tracked.Item();   // cumulative average: the n-th batch weighs 1/n
        }
        // Without running statistics, evaluation too normalises with the batch's.
        bool useBatchStats = Training || (RunningMean is null && RunningVar is null);
        bool passRunning = !Training || TrackRunningStats;
        return F.BatchNorm(input, passRunning ? RunningMean : null, passRunning ? RunningVar : null, Weight, Bias, useBatchStats, factor, Eps);
    }

    /// <summary>Prints as PyTorch prints the module: "BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)".</summary>
    public override string ToString() =>
        $"{GetType().Name}({NumFeatures}, eps={PythonFloat(Eps)}, momentum={(Momentum is { } m ? PythonFloat(m) : "None")}, " +
        $"affine={(Affine ? "True" : "False")}, track_running_stats={(TrackRunningStats ? "True" : "False")})";

    /// <summary>A double as Python's repr writes it (1e-05, 0.1, 1.0).</summary>
    private static string PythonFloat(double value)
    {
        var s = value.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
        return s.Contains('.', StringComparison.Ordinal) || s.Contains('e', StringComparison.Ordinal) || !double.IsFinite(value) ? s : s + ".0";
    }
}

/// <summary>Batch normalisation of [N, C] or [N, C, L] inputs over N (and L); like torch.nn.BatchNorm1d.</summary>
public sealed class BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true,
    DType dtype = DType.Float32) : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    /// <inheritdoc/>
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim is not (2 or 3)) throw new ArgumentException($"BatchNorm1d: expected 2D or 3D input (got {input.Dim}D input)");
    }
}

/// <summary>Batch normalisation of [N, C, H, W] inputs over N, H and W; like torch.nn.BatchNorm2d.</summary>
public sealed class BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true,
    DType dtype = DType.Float32) : BatchNorm(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    /// <inheritdoc/>
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim != 4) throw new ArgumentException($"BatchNorm2d: expected 4D input (got {input.Dim}D input)");
    }
}
