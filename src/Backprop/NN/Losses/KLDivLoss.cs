namespace Backprop.NN;

/// <summary>
/// The Kullback-Leibler divergence of a target distribution from log-probabilities; reductions None, Mean (over every
/// element), Sum and BatchMean (the sum over the batch size, the mathematically right one); like
/// torch.nn.KLDivLoss(reduction, log_target).
/// </summary>
public sealed class KLDivLoss(Reduction reduction = Reduction.Mean, bool logTarget = false) : Loss(reduction, allowBatchMean: true)
{
    /// <summary>True when the target is given as log-probabilities; like loss.log_target.</summary>
    public bool LogTarget { get; } = logTarget;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.KLDiv(input, target, Reduction, LogTarget);
}
