namespace Backprop.Optim;

/// <summary>
/// Scales each group's learning rate by a factor that moves linearly from startFactor to endFactor over
/// totalIters epochs, then holds (a warm-up when startFactor &lt; endFactor). Like torch.optim.lr_scheduler.LinearLR.
/// </summary>
public sealed class LinearLR : LRScheduler
{
    /// <summary>Linear factor schedule; like LinearLR(optimizer, start_factor=1/3, end_factor=1.0, total_iters=5, last_epoch=-1).</summary>
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        if (startFactor > 1.0 || startFactor < 0)
            throw new ArgumentException($"LinearLR: Starting multiplicative factor expected to be between 0 and 1 (got {startFactor}).");
        if (endFactor > 1.0 || endFactor < 0)
            throw new ArgumentException($"LinearLR: Ending multiplicative factor expected to be between 0 and 1 (got {endFactor}).");
        StartFactor = startFactor;
        EndFactor = endFactor;
        TotalIters = totalIters;
        InitialStep();
    }

    /// <summary>The factor at epoch 0; like scheduler.start_factor.</summary>
    public double StartFactor { get; }

    /// <summary>The factor from epoch totalIters on; like scheduler.end_factor.</summary>
    public double EndFactor { get; }

    /// <summary>The number of epochs the factor takes to reach endFactor; like scheduler.total_iters.</summary>
    public int TotalIters { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<double> GetLr()
    {
        var lrs = CurrentLrs();
        int t = LastEpoch;
        if (t > TotalIters) return lrs;
        for (int i = 0; i < lrs.Length; i++)
            lrs[i] = t == 0
                ? lrs[i] * StartFactor
                // The ratio of consecutive factors, so that the current lr (and other schedulers' changes) carries on.
                : lrs[i] * (1.0 + (EndFactor - StartFactor) / (TotalIters * StartFactor + (t - 1) * (EndFactor - StartFactor)));
        return lrs;
    }

    /// <summary>The closed form at LastEpoch; like scheduler._get_closed_form_lr().</summary>
    protected override IReadOnlyList<double> LrAtEpoch() =>
        BaseLrs.Select(b => b * (StartFactor + (EndFactor - StartFactor) * Math.Min(TotalIters, LastEpoch) / TotalIters)).ToArray();
}
