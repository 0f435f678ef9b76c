namespace Backprop.Optim;

/// <summary>Multiplies every group's learning rate by gamma every stepSize epochs; like torch.optim.lr_scheduler.StepLR.</summary>
public sealed class StepLR : LRScheduler
{
    /// <summary>Decays by gamma every stepSize epochs; like StepLR(optimizer, step_size, gamma=0.1, last_epoch=-1).</summary>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (stepSize <= 0) throw new ArgumentException($"StepLR: step_size must be a positive number of epochs (got {stepSize})");
        StepSize = stepSize;
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>The period of the decay, in epochs; like scheduler.step_size.</summary>
    public int StepSize { get; }

    /// <summary>The factor applied at each decay; like scheduler.gamma.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<double> GetLr()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0 || LastEpoch % StepSize != 0) return lrs;
        for (int i = 0; i < lrs.Length; i++) lrs[i] *= Gamma;
        return lrs;
    }

    /// <summary>The closed form at LastEpoch; like scheduler._get_closed_form_lr().</summary>
    protected override IReadOnlyList<double> LrAtEpoch() =>
        BaseLrs.Select(b => b * Math.Pow(Gamma, LastEpoch / StepSize)).ToArray();
}
