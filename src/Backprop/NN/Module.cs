namespace Backprop.NN;

/// <summary>
/// The base of every network part: an ordered tree of named parameters, buffers and child modules, a
/// training flag, and state dicts keyed by PyTorch's dotted names ("0.weight", "encoder.1.bias").
/// Subclasses register what they own in their constructor. Like torch.nn.Module.
/// </summary>
public abstract partial class Module
{
    private readonly List<KeyValuePair<string, Parameter?>> _parameters = [];
    private readonly List<KeyValuePair<string, Tensor?>> _buffers = [];
    private readonly HashSet<string> _nonPersistentBuffers = [];
    private readonly List<KeyValuePair<string, Module>> _modules = [];

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>; like module.training.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Adds (or replaces) a parameter under name; null registers the name with no tensor, as PyTorch does for bias=False.</summary>
    protected Parameter? RegisterParameter(string name, Parameter? parameter)
    {
        CheckName(name, "parameter");
        Set(_parameters, name, parameter);
        return parameter;
    }

    /// <summary>Adds (or replaces) a buffer: state saved with the module but not trained (running statistics); like register_buffer.</summary>
    protected Tensor? RegisterBuffer(string name, Tensor? buffer, bool persistent = true)
    {
        CheckName(name, "buffer");
        Set(_buffers, name, buffer);
        if (persistent) _nonPersistentBuffers.Remove(name);
        else _nonPersistentBuffers.Add(name);
        return buffer;
    }

    /// <summary>Adds (or replaces) a child module under name; like add_module / register_module.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name, "module");
        Set(_modules, name, (Module)module);
        return module;
    }

    /// <summary>Every parameter of this module and (with recurse) its descendants, each once; like module.parameters().</summary>
    public IEnumerable<Parameter> Parameters(bool recurse = true)
    {
        foreach (var (_, p) in NamedParameters(recurse)) yield return p;
    }

    /// <summary>Parameters with their dotted names, in registration order, each tensor once; like module.named_parameters().</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(bool recurse = true)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in Walk(recurse))
            foreach (var (name, p) in module._parameters)
                if (p is not null && seen.Add(p)) yield return (prefix + name, p);
    }

    /// <summary>Buffers with their dotted names; like module.named_buffers().</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(bool recurse = true)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in Walk(recurse))
            foreach (var (name, b) in module._buffers)
                if (b is not null && seen.Add(b)) yield return (prefix + name, b);
    }

    /// <summary>Every buffer of this module and its descendants; like module.buffers().</summary>
    public IEnumerable<Tensor> Buffers(bool recurse = true)
    {
        foreach (var (_, b) in NamedBuffers(recurse)) yield return b;
    }

    /// <summary>The direct children with their names; like module.named_children().</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        foreach (var (name, m) in _modules) yield return (name, m);
    }

    /// <summary>The direct children; like module.children().</summary>
    public IEnumerable<Module> Children()
    {
        foreach (var (_, m) in _modules) yield return m;
    }

    /// <summary>This module and every descendant, with dotted names ("" for this one); like module.named_modules().</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        foreach (var (prefix, m) in Walk(recurse: true)) yield return (prefix.TrimEnd('.'), m);
    }

    /// <summary>This module and every descendant; like module.modules().</summary>
    public IEnumerable<Module> Modules()
    {
        foreach (var (_, m) in Walk(recurse: true)) yield return m;
    }

    /// <summary>Sets training mode on this module and every descendant; like module.train(mode).</summary>
    public Module Train(bool mode = true)
    {
        foreach (var m in Modules()) m.Training = mode;
        return this;
    }

    /// <summary>Sets evaluation mode (Dropout off, BatchNorm uses running statistics); like module.eval().</summary>
    public Module Eval() => Train(false);

    /// <summary>Clears the gradients of every parameter (to null by default, as PyTorch 2 does); like module.zero_grad().</summary>
    public void ZeroGrad(bool setToNull = true)
    {
        foreach (var p in Parameters()) p.ZeroGrad(setToNull);
    }

    /// <summary>
    /// Parameters and persistent buffers by dotted name, in registration order, sharing storage with the module
    /// (detached); like module.state_dict().
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var state = new OrderedDictionary<string, Tensor>();
        foreach (var (prefix, module) in Walk(recurse: true))
        {
            foreach (var (name, p) in module._parameters)
                if (p is not null) state[prefix + name] = p.Detach();
            foreach (var (name, b) in module._buffers)
                if (b is not null && !module._nonPersistentBuffers.Contains(name)) state[prefix + name] = b.Detach();
        }
        return state;
    }

    /// <summary>
    /// Copies the values of a state dict into this module's parameters and buffers (without recording). With strict
    /// (the default), any missing key, unexpected key or shape mismatch fails before anything is copied, naming
    /// every offending key; without it, matching keys are loaded and the rest reported. Like module.load_state_dict.
    /// </summary>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = StateDict();
        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var mismatched = own.Keys
            .Where(k => stateDict.TryGetValue(k, out var v) && !v.Shape.SequenceEqual(own[k].Shape))
            .Select(k => $"size mismatch for {k}: copying a param with shape {Shapes.Format(stateDict[k].Shape)} from checkpoint, " +
                         $"the shape in current model is {Shapes.Format(own[k].Shape)}.")
            .ToList();
        if (mismatched.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
        {
            var lines = new List<string>();
            if (missing.Count > 0) lines.Add("Missing key(s) in state_dict: " + string.Join(", ", missing.Select(k => $"\"{k}\"")) + ".");
            if (unexpected.Count > 0) lines.Add("Unexpected key(s) in state_dict: " + string.Join(", ", unexpected.Select(k => $"\"{k}\"")) + ".");
            lines.AddRange(mismatched);
            throw new ArgumentException($"Error(s) in loading state_dict for {GetType().Name}:\n\t" + string.Join("\n\t", lines));
        }
        using (Autograd.NoGrad())
            foreach (var (key, target) in own)
                if (stateDict.TryGetValue(key, out var value)) target.Copy_(value);
        return new LoadStateDictResult(missing, unexpected);
    }

    /// <summary>The module tree in pre-order, each module once, with its dotted prefix ("" or "name.").</summary>
    private IEnumerable<(string Prefix, Module Module)> Walk(bool recurse)
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(string, Module)>();
        stack.Push(("", this));
        while (stack.Count > 0)
        {
            var (prefix, module) = stack.Pop();
            if (!seen.Add(module)) continue;
            yield return (prefix, module);
            if (!recurse) yield break;
            for (int i = module._modules.Count - 1; i >= 0; i--)
                stack.Push((prefix + module._modules[i].Key + ".", module._modules[i].Value));
        }
    }

    private static void Set<T>(List<KeyValuePair<string, T>> list, string name, T value)
    {
        int i = list.FindIndex(kv => kv.Key == name);
        if (i >= 0) list[i] = new(name, value);
        else list.Add(new(name, value));
    }

    private void CheckName(string name, string kind)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException($"Register: {kind} name can't be empty");
        if (name.Contains('.')) throw new ArgumentException($"Register: {kind} name can't contain \".\" (got \"{name}\")");
        bool taken = kind switch
        {
            "parameter" => _buffers.Any(kv => kv.Key == name) || _modules.Any(kv => kv.Key == name),
            "buffer" => _parameters.Any(kv => kv.Key == name) || _modules.Any(kv => kv.Key == name),
            _ => _parameters.Any(kv => kv.Key == name) || _buffers.Any(kv => kv.Key == name),
        };
        if (taken) throw new ArgumentException($"Register: attribute '{name}' already exists in {GetType().Name} as another kind");
    }
}

/// <summary>A module with one input; most layers. Like an nn.Module whose forward takes one tensor.</summary>
public abstract class Module<TIn, TOut> : Module
{
    /// <summary>Computes the output; like module.forward(input). Hooks do not run: <see cref="Call"/> runs them.</summary>
    public abstract TOut Forward(TIn input);

    /// <summary>Calls the module: forward pre-hooks, Forward, forward hooks, backward hooks set up; like module(input).</summary>
    public TOut Call(TIn input) => HasHooks ? (TOut)CallWithHooks([input], xs => Forward((TIn)xs[0]!))! : Forward(input);
}

/// <summary>A module with two inputs, such as a loss (input, target).</summary>
public abstract class Module<TIn1, TIn2, TOut> : Module
{
    /// <summary>Computes the output; like module.forward(a, b). Hooks do not run: <see cref="Call"/> runs them.</summary>
    public abstract TOut Forward(TIn1 input1, TIn2 input2);

    /// <summary>Calls the module with its hooks, as the one-input <c>Call</c>; like module(a, b).</summary>
    public TOut Call(TIn1 input1, TIn2 input2) =>
        HasHooks ? (TOut)CallWithHooks([input1, input2], xs => Forward((TIn1)xs[0]!, (TIn2)xs[1]!))! : Forward(input1, input2);
}

/// <summary>What a non-strict <see cref="Module.LoadStateDict"/> did not load; like the named tuple PyTorch returns.</summary>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
