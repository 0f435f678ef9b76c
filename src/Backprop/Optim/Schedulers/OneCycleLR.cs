namespace Backprop.Optim;

/// <summary>How <see cref="OneCycleLR"/> moves between its phase end points; like anneal_strategy='cos' | 'linear'.</summary>
public enum AnnealStrategy
{
    /// <summary>Half a cosine: end + (start − end)(1 + cos(π·pct))/2.</summary>
    Cos,

    /// <summary>A straight line: start + (end − start)·pct.</summary>
    Linear,
}

/// <summary>
/// The 1cycle policy, stepped once per batch: the learning rate climbs from maxLr/divFactor to maxLr over the
/// first pctStart of totalSteps, then anneals to initial_lr/finalDivFactor (with threePhase, it first returns
/// to initial_lr symmetrically, then anneals). Momentum (SGD's "momentum", or Adam's β₁) moves the opposite way
/// between maxMomentum and baseMomentum. Like torch.optim.lr_scheduler.OneCycleLR.
/// </summary>
public sealed class OneCycleLR : LRScheduler
{
    private readonly (double EndStep, string StartLr, string EndLr, string StartMomentum, string EndMomentum)[] _phases;
    private readonly bool _useBeta1;

    /// <summary>One maximum learning rate for every group; like OneCycleLR(optimizer, max_lr, total_steps, epochs, steps_per_epoch, …).</summary>
    public OneCycleLR(Optimizer optimizer, double maxLr, int? totalSteps = null, int? epochs = null, int? stepsPerEpoch = null,
                      double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos, bool cycleMomentum = true,
                      double baseMomentum = 0.85, double maxMomentum = 0.95, double divFactor = 25, double finalDivFactor = 1e4,
                      bool threePhase = false, int lastEpoch = -1)
        : this(optimizer, Repeat(optimizer, maxLr), totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum,
               Repeat(optimizer, baseMomentum), Repeat(optimizer, maxMomentum), divFactor, finalDivFactor, threePhase, lastEpoch) { }

    /// <summary>
    /// Per-group maximum learning rates (and momenta, when given as lists); like OneCycleLR(optimizer, max_lr=[…], …).
    /// totalSteps wins over epochs·stepsPerEpoch.
    /// </summary>
    public OneCycleLR(Optimizer optimizer, IReadOnlyList<double> maxLrs, int? totalSteps = null, int? epochs = null, int? stepsPerEpoch = null,
                      double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos, bool cycleMomentum = true,
                      IReadOnlyList<double>? baseMomenta = null, IReadOnlyList<double>? maxMomenta = null, double divFactor = 25,
                      double finalDivFactor = 1e4, bool threePhase = false, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(maxLrs);
        if (totalSteps is null && epochs is null && stepsPerEpoch is null)
            throw new ArgumentException("OneCycleLR: You must define either total_steps OR (epochs AND steps_per_epoch)");
        if (totalSteps is { } total)
        {
            if (total <= 0) throw new ArgumentException($"OneCycleLR: Expected positive integer total_steps, but got {total}");
            TotalSteps = total;
        }
        else
        {
            if (epochs is not { } e || e <= 0) throw new ArgumentException($"OneCycleLR: Expected positive integer epochs, but got {Show(epochs)}");
            if (stepsPerEpoch is not { } s || s <= 0)
                throw new ArgumentException($"OneCycleLR: Expected positive integer steps_per_epoch, but got {Show(stepsPerEpoch)}");
            TotalSteps = e * s;
        }
        // Phase boundaries in steps, as PyTorch computes them (float(pct_start * total_steps) - 1, …).
        _phases = threePhase
            ?
            [
                (pctStart * TotalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (2 * pctStart * TotalSteps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                (TotalSteps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
            :
            [
                (pctStart * TotalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (TotalSteps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ];
        if (!(pctStart >= 0 && pctStart <= 1))
            throw new ArgumentException($"OneCycleLR: Expected float between 0 and 1 pct_start, but got {pctStart}");
        if (annealStrategy is not (AnnealStrategy.Cos or AnnealStrategy.Linear))
            throw new ArgumentException($"OneCycleLR: anneal_strategy must by one of 'cos' or 'linear', instead got {annealStrategy}");
        AnnealStrategy = annealStrategy;

        var groups = optimizer.ParamGroups;
        CheckCount("max_lr", maxLrs, groups.Count);
        if (lastEpoch == -1)
            for (int i = 0; i < groups.Count; i++)
            {
                groups[i]["initial_lr"] = maxLrs[i] / divFactor;
                groups[i]["max_lr"] = maxLrs[i];
                groups[i]["min_lr"] = groups[i].Get<double>("initial_lr") / finalDivFactor;
            }

        CycleMomentum = cycleMomentum;
        if (cycleMomentum)
        {
            if (!optimizer.Defaults.ContainsKey("momentum") && !optimizer.Defaults.ContainsKey("betas"))
                throw new ArgumentException($"OneCycleLR: optimizer must support momentum with `cycle_momentum` option enabled ({optimizer.GetType().Name} has neither momentum nor betas)");
            _useBeta1 = optimizer.Defaults.ContainsKey("betas");
            var maxes = maxMomenta ?? Repeat(optimizer, 0.95);
            var bases = baseMomenta ?? Repeat(optimizer, 0.85);
            CheckCount("max_momentum", maxes, groups.Count);
            CheckCount("base_momentum", bases, groups.Count);
            if (lastEpoch == -1)
                for (int i = 0; i < groups.Count; i++)
                {
                    SetMomentum(groups[i], maxes[i]);
                    groups[i]["max_momentum"] = maxes[i];
                    groups[i]["base_momentum"] = bases[i];
                }
        }
        InitialStep();
    }

    /// <summary>The length of the cycle in steps; like scheduler.total_steps.</summary>
    public int TotalSteps { get; }

    /// <summary>Cosine or linear annealing between phase end points.</summary>
    public AnnealStrategy AnnealStrategy { get; }

    /// <summary>True when momentum (or Adam's β₁) is cycled against the learning rate; like scheduler.cycle_momentum.</summary>
    public bool CycleMomentum { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<double> GetLr()
    {
        int stepNum = LastEpoch;
        if (stepNum > TotalSteps)
            throw new InvalidOperationException($"OneCycleLR: Tried to step {stepNum + 1} times. The specified number of total steps is {TotalSteps}");
        var groups = Optimizer.ParamGroups;
        var lrs = new double[groups.Count];
        for (int g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            double start = 0, lr = 0, momentum = 0;
            for (int i = 0; i < _phases.Length; i++)
            {
                var phase = _phases[i];
                if (stepNum <= phase.EndStep || i == _phases.Length - 1)
                {
                    double pct = (stepNum - start) / (phase.EndStep - start);
                    lr = Anneal(group.Get<double>(phase.StartLr), group.Get<double>(phase.EndLr), pct);
                    if (CycleMomentum) momentum = Anneal(group.Get<double>(phase.StartMomentum), group.Get<double>(phase.EndMomentum), pct);
                    break;
                }
                start = phase.EndStep;
            }
            lrs[g] = lr;
            if (CycleMomentum) SetMomentum(group, momentum);
        }
        return lrs;
    }

    private double Anneal(double start, double end, double pct) => AnnealStrategy == AnnealStrategy.Cos
        ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
        : (end - start) * pct + start;

    private void SetMomentum(ParamGroup group, double momentum)
    {
        if (_useBeta1) group["betas"] = (momentum, group.Get<(double, double)>("betas").Item2);
        else group["momentum"] = momentum;
    }

    private static double[] Repeat(Optimizer optimizer, double value)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return Enumerable.Repeat(value, optimizer.ParamGroups.Count).ToArray();
    }

    private static void CheckCount(string name, IReadOnlyList<double> values, int groups)
    {
        if (values.Count != groups) throw new ArgumentException($"OneCycleLR: expected {groups} values for {name}, got {values.Count}");
    }

    private static string Show(int? value) => value?.ToString() ?? "None";
}
