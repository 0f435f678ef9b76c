namespace Backprop.Optim;

/// <summary>Multiplies every group's learning rate by gamma every epoch; like torch.optim.lr_scheduler.ExponentialLR.</summary>
public sealed class ExponentialLR : LRScheduler
{
    /// <summary>Decays by gamma each epoch; like ExponentialLR(optimizer, gamma, last_epoch=-1).</summary>
    public ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>The factor applied each epoch; like scheduler.gamma.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<double> GetLr()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0) return lrs;
        for (int i = 0; i < lrs.Length; i++) lrs[i] *= Gamma;
        return lrs;
    }

    /// <summary>The closed form at LastEpoch; like scheduler._get_closed_form_lr().</summary>
    protected override IReadOnlyList<double> LrAtEpoch() => BaseLrs.Select(b => b * Math.Pow(Gamma, LastEpoch)).ToArray();
}
