namespace Backprop.Optim;

/// <summary>
/// Runs schedulers one after another: the first until the first milestone, the next from there (restarted at its
/// epoch 0) until the next milestone, and so on; a warm-up followed by a decay, say. Like
/// torch.optim.lr_scheduler.SequentialLR (PyTorch 1.13): construction resets every group's lr to its "initial_lr",
/// takes back the initial step of every scheduler and repeats the first one's.
/// </summary>
public sealed class SequentialLR : LRScheduler
{
    private readonly LRScheduler[] _schedulers;
    private readonly int[] _milestones;

    /// <summary>
    /// Chains the schedulers (all on this optimizer, constructed before this) at the milestones (one fewer than the
    /// schedulers, in epochs counted from the start); like SequentialLR(optimizer, schedulers, milestones, last_epoch=-1).
    /// </summary>
    public SequentialLR(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<int> milestones, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(milestones);
        if (schedulers.Count == 0) throw new ArgumentException("SequentialLR: expects at least one scheduler");
        for (int i = 0; i < schedulers.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(schedulers[i]);
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw new ArgumentException("SequentialLR: Sequential Schedulers expects all schedulers to belong to the same optimizer, but " +
                    $"got schedulers at index {i} to be different than the optimizer passed in.");
        }
        if (milestones.Count != schedulers.Count - 1)
            throw new ArgumentException("SequentialLR: Sequential Schedulers expects number of schedulers provided to be one more than the number of " +
                $"milestone points, but got number of schedulers {schedulers.Count} and the number of milestones to be equal to {milestones.Count}");
        for (int i = 1; i < milestones.Count; i++)
            if (milestones[i] < milestones[i - 1])
                throw new ArgumentException($"SequentialLR: milestones must be in increasing order (got {string.Join(", ", milestones)})");
        _schedulers = [.. schedulers];
        _milestones = [.. milestones];
        LastEpoch = lastEpoch + 1;
        foreach (var group in optimizer.ParamGroups)
        {
            if (!group.Contains("initial_lr")) throw new ArgumentException("SequentialLR: a parameter group has no 'initial_lr'; construct the schedulers first");
            group.LearningRate = group.Get<double>("initial_lr");
        }
        foreach (var s in _schedulers) s.UndoInitialStep();
        _schedulers[0].RepeatInitialStep();
        SetLastLr(_schedulers[0].GetLastLr());
    }

    /// <summary>The chained schedulers, in order; like scheduler._schedulers.</summary>
    public IReadOnlyList<LRScheduler> Schedulers => _schedulers;

    /// <summary>The epochs at which the next scheduler takes over; like scheduler._milestones.</summary>
    public IReadOnlyList<int> Milestones => _milestones;

    /// <inheritdoc/>
    protected override IReadOnlyList<double> GetLr()
    {
        int index = UpperBound(_milestones, LastEpoch);   // bisect_right: the scheduler whose span holds LastEpoch
        var scheduler = _schedulers[index];
        if (index > 0 && _milestones[index - 1] == LastEpoch) scheduler.Step(0);
        else scheduler.Step();
        return scheduler.GetLastLr();
    }

    private static int UpperBound(int[] sorted, int value)
    {
        int i = 0;
        while (i < sorted.Length && sorted[i] <= value) i++;
        return i;
    }

    /// <summary>
    /// last_epoch, _milestones, _last_lr and each chained scheduler's entries under "_schedulers.{i}." (torch nests
    /// them as a list of dicts; one flat level keeps the checkpoint format's plain values). Like scheduler.state_dict().
    /// </summary>
    public override IReadOnlyDictionary<string, object> StateDict()
    {
        var state = new Dictionary<string, object>
        {
            ["last_epoch"] = LastEpoch,
            ["_milestones"] = _milestones.ToArray(),
            ["_last_lr"] = GetLastLr().ToArray(),
        };
        for (int i = 0; i < _schedulers.Length; i++)
            foreach (var (key, value) in _schedulers[i].StateDict()) state[$"_schedulers.{i}.{key}"] = value;
        return state;
    }

    /// <inheritdoc/>
    public override void LoadStateDict(IReadOnlyDictionary<string, object> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var milestones = Read<int[]>(stateDict, "_milestones");
        if (!milestones.SequenceEqual(_milestones))
            throw new ArgumentException($"SequentialLR: the state dict's milestones ({string.Join(", ", milestones)}) are not this scheduler's ({string.Join(", ", _milestones)})");
        LastEpoch = Read<int>(stateDict, "last_epoch");
        SetLastLr(Read<double[]>(stateDict, "_last_lr"));
        for (int i = 0; i < _schedulers.Length; i++)
        {
            string prefix = $"_schedulers.{i}.";
            var inner = stateDict.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                                 .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
            if (inner.Count == 0) throw new ArgumentException($"SequentialLR: state dict entries \"{prefix}*\" are missing");
            _schedulers[i].LoadStateDict(inner);
        }
    }
}
