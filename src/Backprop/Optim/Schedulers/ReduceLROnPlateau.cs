namespace Backprop.Optim;

/// <summary>Whether <see cref="ReduceLROnPlateau"/> waits for the metric to stop falling (Min: a loss) or rising (Max: an accuracy).</summary>
public enum PlateauMode
{
    /// <summary>Lower is better; like mode='min'.</summary>
    Min,

    /// <summary>Higher is better; like mode='max'.</summary>
    Max,
}

/// <summary>How <see cref="ReduceLROnPlateau"/> decides that a metric improved on the best so far; like threshold_mode.</summary>
public enum ThresholdMode
{
    /// <summary>Relative: better than best·(1 ∓ threshold); like threshold_mode='rel'.</summary>
    Rel,

    /// <summary>Absolute: better than best ∓ threshold; like threshold_mode='abs'.</summary>
    Abs,
}

/// <summary>
/// Multiplies every group's learning rate by factor once a metric has not improved for more than patience
/// epochs, then waits cooldown epochs; never below minLr, and ignoring changes smaller than eps. Stepped with
/// the metric, after validation. Like torch.optim.lr_scheduler.ReduceLROnPlateau.
/// </summary>
public sealed class ReduceLROnPlateau
{
    private readonly double[] _minLrs;
    private double[] _lastLr;

    /// <summary>One lower bound for every group; like ReduceLROnPlateau(optimizer, mode, factor, patience, threshold, threshold_mode, cooldown, min_lr, eps).</summary>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
                             double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0,
                             double minLr = 0, double eps = 1e-8)
        : this(optimizer, mode, factor, patience, threshold, thresholdMode, cooldown,
               Enumerable.Repeat(minLr, optimizer?.ParamGroups.Count ?? 0).ToArray(), eps) { }

    /// <summary>A lower bound per group; like ReduceLROnPlateau(optimizer, …, min_lr=[…]).</summary>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode, double factor, int patience, double threshold,
                             ThresholdMode thresholdMode, int cooldown, IReadOnlyList<double> minLrs, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(minLrs);
        if (factor >= 1.0) throw new ArgumentException($"ReduceLROnPlateau: Factor should be < 1.0 (got {factor}).");
        if (minLrs.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"ReduceLROnPlateau: expected {optimizer.ParamGroups.Count} min_lrs, got {minLrs.Count}");
        if (mode is not (PlateauMode.Min or PlateauMode.Max)) throw new ArgumentException($"ReduceLROnPlateau: mode {mode} is unknown!");
        if (thresholdMode is not (ThresholdMode.Rel or ThresholdMode.Abs))
            throw new ArgumentException($"ReduceLROnPlateau: threshold mode {thresholdMode} is unknown!");
        Optimizer = optimizer;
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        _minLrs = minLrs.ToArray();
        Eps = eps;
        _lastLr = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
        Reset();
    }

    /// <summary>The optimizer whose groups' learning rates this scheduler lowers.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Min or Max; like scheduler.mode.</summary>
    public PlateauMode Mode { get; }

    /// <summary>The factor applied at each reduction; like scheduler.factor.</summary>
    public double Factor { get; }

    /// <summary>Epochs without improvement tolerated before a reduction; like scheduler.patience.</summary>
    public int Patience { get; }

    /// <summary>The margin an improvement must clear; like scheduler.threshold.</summary>
    public double Threshold { get; }

    /// <summary>Rel or Abs; like scheduler.threshold_mode.</summary>
    public ThresholdMode ThresholdMode { get; }

    /// <summary>Epochs to wait after a reduction before counting bad epochs again; like scheduler.cooldown.</summary>
    public int Cooldown { get; }

    /// <summary>The lower bound of each group's learning rate; like scheduler.min_lrs.</summary>
    public IReadOnlyList<double> MinLrs => _minLrs;

    /// <summary>Reductions smaller than this are skipped; like scheduler.eps.</summary>
    public double Eps { get; }

    /// <summary>The best metric so far (±∞ before the first step); like scheduler.best.</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive epochs without improvement; like scheduler.num_bad_epochs.</summary>
    public int NumBadEpochs { get; private set; }

    /// <summary>Epochs of cooldown left; like scheduler.cooldown_counter.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>The number of Step calls so far; like scheduler.last_epoch.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>True while cooling down after a reduction; like scheduler.in_cooldown.</summary>
    public bool InCooldown => CooldownCounter > 0;

    /// <summary>The learning rate of every group after the last Step; like scheduler._last_lr.</summary>
    public IReadOnlyList<double> GetLastLr() => _lastLr;

    /// <summary>Records this epoch's metric and lowers the learning rates if it has plateaued; like scheduler.step(metrics).</summary>
    public void Step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else NumBadEpochs++;

        if (InCooldown)
        {
            CooldownCounter--;
            NumBadEpochs = 0;   // bad epochs during cooldown don't count
        }
        if (NumBadEpochs > Patience)
        {
            ReduceLr();
            CooldownCounter = Cooldown;
            NumBadEpochs = 0;
        }
        _lastLr = Optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
    }

    /// <summary>Step with a one-element tensor metric (a loss); like scheduler.step(loss).</summary>
    public void Step(Tensor metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        Step(metric.Item());
    }

    private void ReduceLr()
    {
        var groups = Optimizer.ParamGroups;
        for (int i = 0; i < groups.Count; i++)
        {
            double oldLr = groups[i].LearningRate;
            double newLr = Math.Max(oldLr * Factor, _minLrs[i]);
            if (oldLr - newLr > Eps) groups[i].LearningRate = newLr;
        }
    }

    private bool IsBetter(double a, double best) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Rel) => a < best * (1.0 - Threshold),
        (PlateauMode.Min, ThresholdMode.Abs) => a < best - Threshold,
        (PlateauMode.Max, ThresholdMode.Rel) => a > best * (Threshold + 1.0),
        _ => a > best + Threshold,
    };

    private void Reset()
    {
        Best = Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
        CooldownCounter = 0;
        NumBadEpochs = 0;
    }

    /// <summary>The scheduler's progress (best, num_bad_epochs, cooldown_counter, last_epoch, _last_lr); like scheduler.state_dict().</summary>
    public IReadOnlyDictionary<string, object> StateDict() => new Dictionary<string, object>
    {
        ["best"] = Best,
        ["num_bad_epochs"] = NumBadEpochs,
        ["cooldown_counter"] = CooldownCounter,
        ["last_epoch"] = LastEpoch,
        ["_last_lr"] = _lastLr.ToArray(),
    };

    /// <summary>Restores what <see cref="StateDict"/> saved; like scheduler.load_state_dict(state_dict).</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, object> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        Best = Read<double>(stateDict, "best");
        NumBadEpochs = Read<int>(stateDict, "num_bad_epochs");
        CooldownCounter = Read<int>(stateDict, "cooldown_counter");
        LastEpoch = Read<int>(stateDict, "last_epoch");
        _lastLr = Read<double[]>(stateDict, "_last_lr").ToArray();
    }

    private static T Read<T>(IReadOnlyDictionary<string, object> stateDict, string key) =>
        stateDict.TryGetValue(key, out var value) && value is T typed ? typed
            : throw new ArgumentException($"ReduceLROnPlateau: state dict entry \"{key}\" is missing or is not a {typeof(T).Name}");
}
