namespace Backprop.Optim;

/// <summary>
/// The base of every optimizer: parameter groups with per-group options over shared defaults, per-parameter
/// state (momentum buffers, moment estimates, step counts) and a state dict to save and resume a run bit for bit.
/// Subclasses implement the update of one group. Like torch.optim.Optimizer.
/// </summary>
public abstract class Optimizer
{
    private readonly List<ParamGroup> _groups = [];
    private readonly Dictionary<Tensor, Dictionary<string, Tensor>> _state = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, object> _defaults;

    /// <summary>
    /// Sets up the groups; a group's missing options come from defaults (an option absent from defaults, such as
    /// SGD's "lr", is required in every group). Like Optimizer.__init__(params, defaults).
    /// </summary>
    protected Optimizer(IEnumerable<ParamGroup> groups, IReadOnlyDictionary<string, object> defaults)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(defaults);
        _defaults = new Dictionary<string, object>(defaults);
        var list = groups.ToList();
        if (list.Count == 0 || (list.Count == 1 && list[0].Parameters.Count == 0))
            throw new ArgumentException($"{GetType().Name}: optimizer got an empty parameter list");
        foreach (var group in list) AddParamGroup(group);
    }

    /// <summary>The default options of this optimizer by PyTorch name; like optimizer.defaults.</summary>
    public IReadOnlyDictionary<string, object> Defaults => _defaults;

    /// <summary>The parameter groups, in order; like optimizer.param_groups.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>
    /// Adds a group (a layer unfrozen while training, say), filling its missing options from the defaults.
    /// A parameter may belong to one group only. Like optimizer.add_param_group(group).
    /// </summary>
    public void AddParamGroup(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        string name = GetType().Name;
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var p in group.Parameters)
        {
            if (!(p.IsLeaf || p.RetainsGrad)) throw new ArgumentException($"{name}: can't optimize a non-leaf Tensor");
            if (!p.DType.IsFloatingPoint())
                throw new ArgumentException($"{name}: can only optimize floating point Tensors, but one of the params is {p.DType.TorchName()}");
            if (!seen.Add(p)) throw new ArgumentException($"{name}: optimizer contains a parameter group with duplicate parameters");
        }
        foreach (var (option, value) in _defaults) group.SetDefault(option, value);
        foreach (var option in RequiredOptions)
            if (!group.Contains(option))
                throw new ArgumentException($"{name}: parameter group didn't specify a value of required optimization parameter {option}");
        foreach (var other in _groups)
            foreach (var p in other.Parameters)
                if (seen.Contains(p)) throw new ArgumentException($"{name}: some parameters appear in more than one parameter group");
        Validate(group);
        _groups.Add(group);
    }

    /// <summary>Options every group must end up with (those without a default); "lr" unless a subclass says otherwise.</summary>
    protected virtual IEnumerable<string> RequiredOptions => ["lr"];

    /// <summary>Checks a group's options (after defaults are filled), throwing ArgumentException with PyTorch's message.</summary>
    protected virtual void Validate(ParamGroup group) { }

    /// <summary>
    /// Clears the gradients of every parameter: to null (the default, as PyTorch 2 does, so the next Step skips
    /// parameters that get no gradient) or to zeros in place. Like optimizer.zero_grad(set_to_none).
    /// </summary>
    public void ZeroGrad(bool setToNull = true)
    {
        foreach (var group in _groups)
            foreach (var p in group.ParameterArray)
            {
                if (p.Grad is null) continue;
                if (setToNull) { p.Grad = null; continue; }
                if (p.Grad.GradFn is not null) p.Grad = p.Grad.Detach();   // a createGraph gradient: cut it off first
                using (Autograd.NoGrad()) p.Grad.Zero_();
            }
    }

    /// <summary>
    /// One update of every parameter that has a gradient (those whose Grad is null are skipped), in place and
    /// without recording; like optimizer.step().
    /// </summary>
    public void Step()
    {
        using (Autograd.NoGrad())
            foreach (var group in _groups) StepGroup(group);
    }

    /// <summary>Evaluates the closure (with grad enabled: it should zero the gradients, compute the loss and call Backward), then steps; returns the loss. Like optimizer.step(closure).</summary>
    public virtual Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        Tensor loss;
        using (Autograd.EnableGrad()) loss = closure();
        Step();
        return loss;
    }

    /// <summary>
    /// Refuses a loaded state tensor whose shape does not fit its parameter: by default a non-scalar entry must have the
    /// parameter's shape (a buffer per element); an optimizer with other state (LBFGS's flat history) checks its own.
    /// </summary>
    protected virtual void CheckStateShape(int index, Tensor parameter, string key, Tensor value)
    {
        if (value.Dim > 0 && !value.Shape.SequenceEqual(parameter.Shape))
            throw new ArgumentException($"{GetType().Name}: loaded state \"{key}\" of parameter {index} has shape {Shapes.Format(value.ShapeArray)}, " +
                                        $"but the parameter has shape {Shapes.Format(parameter.ShapeArray)}");
    }

    /// <summary>
    /// Whether a state entry keeps its saved dtype when loaded (not cast to the parameter's); "step" does, as in torch.
    /// </summary>
    protected virtual bool KeepsDType(string key) => key == "step";

    /// <summary>Updates the parameters of one group; runs under no-grad.</summary>
    protected abstract void StepGroup(ParamGroup group);

    /// <summary>The state of one parameter (empty before its first update), by PyTorch's names; like optimizer.state[p].</summary>
    public IReadOnlyDictionary<string, Tensor> State(Tensor parameter) =>
        _state.TryGetValue(parameter, out var s) ? s : new Dictionary<string, Tensor>();

    /// <summary>The mutable state of one parameter, created empty on first use; subclasses keep their buffers here.</summary>
    protected Dictionary<string, Tensor> StateOf(Tensor parameter)
    {
        if (!_state.TryGetValue(parameter, out var s)) _state[parameter] = s = [];
        return s;
    }

    /// <summary>
    /// A snapshot of the optimizer: each parameter's state under its index (counting through the groups in order)
    /// and each group's options with the indices of its parameters. The tensors are copies, so training on does not
    /// change a saved snapshot. Like optimizer.state_dict() (deep-copied, as torch.save would).
    /// </summary>
    public OptimizerStateDict StateDict()
    {
        var state = new SortedDictionary<int, IReadOnlyDictionary<string, Tensor>>();
        var groups = new List<IReadOnlyDictionary<string, object>>();
        int index = 0;
        foreach (var group in _groups)
        {
            var packed = new Dictionary<string, object>(group.Options);
            var indices = new int[group.Parameters.Count];
            for (int i = 0; i < indices.Length; i++, index++)
            {
                indices[i] = index;
                if (_state.TryGetValue(group.Parameters[i], out var s) && s.Count > 0)
                    state[index] = s.ToDictionary(kv => kv.Key, kv => kv.Value.Detach().CloneContiguous());
            }
            packed["params"] = indices;
            groups.Add(packed);
        }
        return new OptimizerStateDict(state, groups);
    }

    /// <summary>
    /// Restores a snapshot taken by <see cref="StateDict"/> (of an optimizer of the same kind over the same
    /// parameter layout): the groups' options and every parameter's state, copied, floating tensors cast to the
    /// parameter's dtype ("step", and what <see cref="KeepsDType"/> names, kept as is). Like optimizer.load_state_dict(state_dict).
    /// </summary>
    public void LoadStateDict(OptimizerStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        string name = GetType().Name;
        var saved = stateDict.ParamGroups;
        if (saved.Count != _groups.Count)
            throw new ArgumentException($"{name}: loaded state dict has a different number of parameter groups ({saved.Count}, expected {_groups.Count})");
        var parameters = new List<Tensor>();
        var idMap = new Dictionary<int, Tensor>();
        for (int g = 0; g < saved.Count; g++)
        {
            if (!saved[g].TryGetValue("params", out var ids) || ids is not int[] indices)
                throw new ArgumentException($"{name}: loaded state dict's parameter group {g} has no \"params\" index list");
            if (indices.Length != _groups[g].Parameters.Count)
                throw new ArgumentException($"{name}: loaded state dict contains a parameter group that doesn't match the size of optimizer's group " +
                                            $"(group {g}: {indices.Length} parameters, expected {_groups[g].Parameters.Count})");
            for (int i = 0; i < indices.Length; i++) idMap[indices[i]] = _groups[g].Parameters[i];
        }

        // Check everything before changing anything.
        var newState = new Dictionary<Tensor, Dictionary<string, Tensor>>(ReferenceEqualityComparer.Instance);
        foreach (var (index, values) in stateDict.State)
        {
            if (!idMap.TryGetValue(index, out var p))
                throw new ArgumentException($"{name}: loaded state dict has state for parameter {index}, which no parameter group lists");
            var copy = new Dictionary<string, Tensor>();
            foreach (var (key, value) in values)
            {
                CheckStateShape(index, p, key, value);
                var cast = !KeepsDType(key) && value.DType.IsFloatingPoint() ? value.Detach().ConvertUnchecked(p.DType) : value.Detach().CloneContiguous();
                copy[key] = cast;
            }
            newState[p] = copy;
        }
        _state.Clear();
        foreach (var (p, s) in newState) _state[p] = s;
        for (int g = 0; g < saved.Count; g++)
            _groups[g].ReplaceOptions(saved[g]);
    }

    /// <summary>Prints like PyTorch: the class name and each group's options, sorted.</summary>
    public override string ToString()
    {
        var sb = new System.Text.StringBuilder(GetType().Name + " (");
        for (int i = 0; i < _groups.Count; i++)
        {
            sb.Append($"\nParameter Group {i}\n");
            foreach (var (key, value) in _groups[i].Options.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                sb.Append($"    {key}: {Format(value)}\n");
        }
        return sb.Append(')').ToString();
    }

    private static string Format(object value) => value switch
    {
        bool b => b ? "True" : "False",
        ValueTuple<double, double> t => $"({t.Item1}, {t.Item2})",
        _ => value.ToString() ?? "",
    };
}

/// <summary>
/// A saved optimizer: per-parameter state by parameter index, and each group's options with its "params"
/// (an int[] of indices). Like the dict optimizer.state_dict() returns ({'state': …, 'param_groups': […]}).
/// </summary>
/// <param name="State">Each parameter's state tensors by name ("momentum_buffer", "exp_avg", "step", …), keyed by parameter index; like state_dict['state'].</param>
/// <param name="ParamGroups">Each group's options by PyTorch name, with "params" listing its parameter indices; like state_dict['param_groups'].</param>
public sealed record OptimizerStateDict(
    IReadOnlyDictionary<int, IReadOnlyDictionary<string, Tensor>> State,
    IReadOnlyList<IReadOnlyDictionary<string, object>> ParamGroups);
