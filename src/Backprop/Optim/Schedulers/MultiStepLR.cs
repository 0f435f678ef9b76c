namespace Backprop.Optim;

/// <summary>
/// Multiplies every group's learning rate by gamma at each milestone epoch (a milestone listed twice
/// applies gamma twice); like torch.optim.lr_scheduler.MultiStepLR.
/// </summary>
public sealed class MultiStepLR : LRScheduler
{
    private readonly Dictionary<int, int> _milestoneCounts = [];

    /// <summary>Decays by gamma at each milestone; like MultiStepLR(optimizer, milestones, gamma=0.1, last_epoch=-1).</summary>
    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        foreach (var m in milestones) _milestoneCounts[m] = _milestoneCounts.GetValueOrDefault(m) + 1;
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>The factor applied at each milestone; like scheduler.gamma.</summary>
    public double Gamma { get; }

    /// <summary>The milestones, each as often as it was given, in increasing order.</summary>
    public IReadOnlyList<int> Milestones => _milestoneCounts.OrderBy(kv => kv.Key).SelectMany(kv => Enumerable.Repeat(kv.Key, kv.Value)).ToArray();

    /// <inheritdoc/>
    protected override IReadOnlyList<double> GetLr()
    {
        var lrs = CurrentLrs();
        if (!_milestoneCounts.TryGetValue(LastEpoch, out int count)) return lrs;
        for (int i = 0; i < lrs.Length; i++) lrs[i] *= Math.Pow(Gamma, count);
        return lrs;
    }

    /// <summary>The closed form at LastEpoch; like scheduler._get_closed_form_lr().</summary>
    protected override IReadOnlyList<double> LrAtEpoch()
    {
        int passed = Milestones.Count(m => m <= LastEpoch);   // bisect_right over the sorted milestones
        return BaseLrs.Select(b => b * Math.Pow(Gamma, passed)).ToArray();
    }
}
