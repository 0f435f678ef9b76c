namespace Backprop.Optim;

/// <summary>
/// The base of the epoch-driven learning-rate schedulers: each <see cref="Step()"/> advances <see cref="LastEpoch"/>
/// and sets every group's "lr" from <see cref="GetLr"/>, which (as in PyTorch) usually works from the group's
/// current lr, so schedulers on one optimizer chain. Call Step after optimizer.Step(). Like
/// torch.optim.lr_scheduler._LRScheduler (PyTorch 1.13).
/// </summary>
/// <remarks>
/// A subclass sets its own fields in its constructor and then calls <see cref="InitialStep"/>, which does what
/// PyTorch's base constructor does last: records each group's "initial_lr" and takes the step to epoch 0.
/// </remarks>
public abstract class LRScheduler
{
    private double[] _baseLrs = [];
    private double[] _lastLr = [];
    private readonly int _constructedLastEpoch;

    /// <summary>Attaches to an optimizer; lastEpoch −1 starts a schedule, any other value resumes one. Like _LRScheduler.__init__.</summary>
    protected LRScheduler(Optimizer optimizer, int lastEpoch = -1)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        _constructedLastEpoch = lastEpoch;
        LastEpoch = lastEpoch;
    }

    /// <summary>The optimizer whose groups' learning rates this scheduler sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The index of the last epoch (or batch) stepped, 0 after construction; like scheduler.last_epoch.</summary>
    public int LastEpoch { get; protected set; }

    /// <summary>How many times Step ran, the initial step included; like scheduler._step_count.</summary>
    public int StepCount { get; private set; }

    /// <summary>Each group's "initial_lr"; like scheduler.base_lrs.</summary>
    public IReadOnlyList<double> BaseLrs => _baseLrs;

    /// <summary>The learning rates the last Step set, one per group; like scheduler.get_last_lr().</summary>
    public IReadOnlyList<double> GetLastLr() => _lastLr;

    /// <summary>
    /// Records "initial_lr" in every group (keeping one already there) or, when resuming (lastEpoch ≠ −1),
    /// requires it; then steps to the first epoch. Call once, at the end of the subclass constructor.
    /// </summary>
    protected void InitialStep()
    {
        var groups = Optimizer.ParamGroups;
        for (int i = 0; i < groups.Count; i++)
        {
            if (_constructedLastEpoch == -1) groups[i].SetDefault("initial_lr", groups[i].LearningRate);
            else if (!groups[i].Contains("initial_lr"))
                throw new ArgumentException($"{GetType().Name}: param 'initial_lr' is not specified in param_groups[{i}] when resuming an optimizer");
        }
        _baseLrs = groups.Select(g => g.Get<double>("initial_lr")).ToArray();
        StepCount = 0;
        Step();
    }

    /// <summary>Advances one epoch and sets every group's learning rate; like scheduler.step().</summary>
    public void Step()
    {
        StepCount++;
        LastEpoch++;
        SetLrs(GetLr());
    }

    /// <summary>
    /// Jumps to a given epoch and sets every group's learning rate for it, from the schedule's closed form where it
    /// has one (a recursive form cannot jump). Like the deprecated scheduler.step(epoch), which SequentialLR uses to
    /// restart a scheduler at its milestone.
    /// </summary>
    public void Step(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"{GetType().Name}: Expected non-negative epoch, but got {epoch}");
        StepCount++;
        LastEpoch = epoch;
        SetLrs(LrAtEpoch());
    }

    private void SetLrs(IReadOnlyList<double> values)
    {
        var groups = Optimizer.ParamGroups;
        if (values.Count != groups.Count)
            throw new InvalidOperationException($"{GetType().Name}: GetLr returned {values.Count} learning rates for {groups.Count} parameter groups");
        for (int i = 0; i < groups.Count; i++) groups[i].LearningRate = values[i];
        _lastLr = groups.Select(g => g.LearningRate).ToArray();
    }

    /// <summary>The learning rate of every group for the epoch LastEpoch has just become; like scheduler.get_lr().</summary>
    protected abstract IReadOnlyList<double> GetLr();

    /// <summary>
    /// The learning rates at LastEpoch, set by <see cref="Step(int)"/>: the closed form where the schedule has one
    /// (like scheduler._get_closed_form_lr()), otherwise <see cref="GetLr"/>, as torch does.
    /// </summary>
    protected virtual IReadOnlyList<double> LrAtEpoch() => GetLr();

    /// <summary>Takes back the initial step (SequentialLR's constructor: a scheduler waiting for its milestone restarts at epoch 0).</summary>
    internal void UndoInitialStep() => LastEpoch--;

    /// <summary>Takes the initial step again, the step count restarted; like scheduler._initial_step().</summary>
    internal void RepeatInitialStep()
    {
        StepCount = 0;
        Step();
    }

    /// <summary>Sets the learning rates <see cref="GetLastLr"/> reports without touching the groups (SequentialLR's delegated value).</summary>
    private protected void SetLastLr(IReadOnlyList<double> lrs) => _lastLr = lrs.ToArray();

    /// <summary>The scheduler's progress (last_epoch, _step_count, base_lrs, _last_lr), to save beside the optimizer's; like scheduler.state_dict().</summary>
    public virtual IReadOnlyDictionary<string, object> StateDict() => new Dictionary<string, object>
    {
        ["last_epoch"] = LastEpoch,
        ["_step_count"] = StepCount,
        ["base_lrs"] = _baseLrs.ToArray(),
        ["_last_lr"] = _lastLr.ToArray(),
    };

    /// <summary>Restores what <see cref="StateDict"/> saved; like scheduler.load_state_dict(state_dict).</summary>
    public virtual void LoadStateDict(IReadOnlyDictionary<string, object> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        LastEpoch = Read<int>(stateDict, "last_epoch");
        StepCount = Read<int>(stateDict, "_step_count");
        _baseLrs = Read<double[]>(stateDict, "base_lrs").ToArray();
        _lastLr = Read<double[]>(stateDict, "_last_lr").ToArray();
    }

    /// <summary>One entry of a scheduler state dict, with a clear message when it is missing or of another type.</summary>
    protected T Read<T>(IReadOnlyDictionary<string, object> stateDict, string key) =>
        stateDict.TryGetValue(key, out var value) && value is T typed ? typed
            : throw new ArgumentException($"{GetType().Name}: state dict entry \"{key}\" is missing or is not a {typeof(T).Name}");

    /// <summary>The current "lr" of every group.</summary>
    protected double[] CurrentLrs() => Optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
}
