namespace Backprop.Optim;

/// <summary>
/// Anneals each group's learning rate from its initial value to etaMin along half a cosine over tMax epochs,
/// and back up over the next tMax (no restart): η = ηmin + (η₀ − ηmin)(1 + cos(π·t/tMax))/2. Computed, as in
/// PyTorch 1.13, in the recursive form from the current lr, so it chains with other schedulers. Like
/// torch.optim.lr_scheduler.CosineAnnealingLR.
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    /// <summary>Cosine annealing with half-period tMax; like CosineAnnealingLR(optimizer, T_max, eta_min=0, last_epoch=-1).</summary>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (tMax <= 0) throw new ArgumentException($"CosineAnnealingLR: T_max must be a positive number of epochs (got {tMax})");
        TMax = tMax;
        EtaMin = etaMin;
        InitialStep();
    }

    /// <summary>The number of epochs from the initial lr down to etaMin; like scheduler.T_max.</summary>
    public int TMax { get; }

    /// <summary>The lowest learning rate; like scheduler.eta_min.</summary>
    public double EtaMin { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<double> GetLr()
    {
        var lrs = CurrentLrs();
        var baseLrs = BaseLrs;
        int t = LastEpoch;
        if (t == 0) return lrs;
        for (int i = 0; i < lrs.Length; i++)
        {
            if (StepCount == 1 && t > 0)   // resumed at epoch t: the closed form
                lrs[i] = EtaMin + (baseLrs[i] - EtaMin) * (1 + Math.Cos(t * Math.PI / TMax)) / 2;
            else if ((t - 1 - TMax) % (2 * TMax) == 0)   // at the bottom of the cosine: climb by the first step's amount
                lrs[i] = lrs[i] + (baseLrs[i] - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2;
            else
                lrs[i] = (1 + Math.Cos(Math.PI * t / TMax)) / (1 + Math.Cos(Math.PI * (t - 1) / TMax)) * (lrs[i] - EtaMin) + EtaMin;
        }
        return lrs;
    }

    /// <summary>The closed form at LastEpoch; like scheduler._get_closed_form_lr().</summary>
    protected override IReadOnlyList<double> LrAtEpoch() =>
        BaseLrs.Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / 2).ToArray();
}
