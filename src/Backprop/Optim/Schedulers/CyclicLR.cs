namespace Backprop.Optim;

/// <summary>Which amplitude a <see cref="CyclicLR"/> cycle has; like CyclicLR's mode strings.</summary>
public enum CyclicMode
{
    /// <summary>The same triangle every cycle ('triangular').</summary>
    Triangular,

    /// <summary>The amplitude halves each cycle ('triangular2').</summary>
    Triangular2,

    /// <summary>The amplitude scales by γ^iteration ('exp_range').</summary>
    ExpRange,
}

/// <summary>
/// Cycles each group's learning rate between baseLr and maxLr: up over stepSizeUp iterations, down over stepSizeDown
/// (default: the same), with the amplitude of <see cref="CyclicMode"/>; with cycleMomentum (the default) the momentum
/// moves the opposite way between maxMomentum and baseMomentum. Stepped after every batch. The arithmetic of PyTorch
/// 1.13's lr_scheduler.CyclicLR; like CyclicLR(optimizer, base_lr, max_lr, step_size_up, step_size_down, mode, gamma,
/// cycle_momentum=..., base_momentum, max_momentum, last_epoch) (one value for every group; no custom scale_fn).
/// </summary>
public sealed class CyclicLR : LRScheduler
{
    private readonly double[] _maxLrs;
    private readonly double[] _baseMomenta = [];
    private readonly double[] _maxMomenta = [];
    private readonly double _totalSize;
    private readonly double _stepRatio;

    /// <summary>A cyclic schedule over every group of optimizer.</summary>
    public CyclicLR(Optimizer optimizer, double baseLr, double maxLr, int stepSizeUp = 2000, int? stepSizeDown = null,
        CyclicMode mode = CyclicMode.Triangular, double gamma = 1, bool cycleMomentum = true, double baseMomentum = 0.8,
        double maxMomentum = 0.9, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (stepSizeUp <= 0 || stepSizeDown is <= 0)
            throw new ArgumentException($"CyclicLR: step_size_up and step_size_down must be positive, got {stepSizeUp} and {stepSizeDown}");
        var groups = optimizer.ParamGroups;
        if (lastEpoch == -1)
            foreach (var g in groups) g.LearningRate = baseLr;
        _maxLrs = Enumerable.Repeat(maxLr, groups.Count).ToArray();
        int down = stepSizeDown ?? stepSizeUp;
        _totalSize = stepSizeUp + down;
        _stepRatio = stepSizeUp / _totalSize;
        Mode = mode;
        Gamma = gamma;
        CycleMomentum = cycleMomentum;
        if (cycleMomentum)
        {
            if (!optimizer.Defaults.ContainsKey("momentum"))
                throw new ArgumentException($"CyclicLR: optimizer must support momentum with `cycle_momentum` option enabled ({optimizer.GetType().Name} has no momentum)");
            if (lastEpoch == -1)
                foreach (var g in groups) g["momentum"] = baseMomentum;
            _baseMomenta = groups.Select(g => g.Get<double>("momentum")).ToArray();
            _maxMomenta = Enumerable.Repeat(maxMomentum, groups.Count).ToArray();
        }
        InitialStep();
    }

    /// <summary>The amplitude's shape; like scheduler.mode.</summary>
    public CyclicMode Mode { get; }

    /// <summary>exp_range's factor per iteration; like scheduler.gamma.</summary>
    public double Gamma { get; }

    /// <summary>Whether the momentum cycles too; like scheduler.cycle_momentum.</summary>
    public bool CycleMomentum { get; }

    private double Scale(double cycle) => Mode switch
    {
        CyclicMode.Triangular => 1,
        CyclicMode.Triangular2 => 1 / Math.Pow(2, cycle - 1),
        _ => Math.Pow(Gamma, LastEpoch),
    };

    /// <inheritdoc/>
    protected override IReadOnlyList<double> GetLr()
    {
        double cycle = Math.Floor(1 + LastEpoch / _totalSize);
        double x = 1 + LastEpoch / _totalSize - cycle;
        double scaleFactor = x <= _stepRatio ? x / _stepRatio : (x - 1) / (_stepRatio - 1);
        double scale = Scale(cycle);
        var lrs = BaseLrs.Select((b, i) => b + (_maxLrs[i] - b) * scaleFactor * scale).ToArray();
        if (CycleMomentum)
        {
            var groups = Optimizer.ParamGroups;
            for (int i = 0; i < groups.Count; i++)
                groups[i]["momentum"] = _maxMomenta[i] - (_maxMomenta[i] - _baseMomenta[i]) * scaleFactor * scale;
        }
        return lrs;
    }
}
