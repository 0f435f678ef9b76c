namespace Backprop.Optim;

/// <summary>
/// A list of parameters with their own hyper-parameters ("lr", "momentum", "betas", …, under PyTorch's names).
/// Options not given here are filled from the optimizer's defaults when the group is added; schedulers change
/// them while training (and add their own, such as "initial_lr"). Like one dict of optimizer.param_groups.
/// </summary>
/// <example><code>
/// var opt = new SGD([new ParamGroup(encoder.Parameters()) { ["lr"] = 1e-3 }, new ParamGroup(head.Parameters())], lr: 1e-2, momentum: 0.9);
/// </code></example>
public sealed class ParamGroup
{
    private readonly Dictionary<string, object> _options = [];

    /// <summary>A group of parameters that takes every option from the optimizer's defaults; like {'params': parameters}.</summary>
    public ParamGroup(IEnumerable<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ParameterArray = parameters.ToArray();
        foreach (var p in ParameterArray)
            if (p is null) throw new ArgumentException("ParamGroup: optimizer can only optimize Tensors, but one of the params is null");
    }

    /// <summary>A group of parameters with options overriding the optimizer's defaults; like {'params': parameters, **options}.</summary>
    public ParamGroup(IEnumerable<Tensor> parameters, IEnumerable<KeyValuePair<string, object>> options) : this(parameters)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, value) in options) this[name] = value;
    }

    /// <summary>The tensors this group updates, in order; like group['params'].</summary>
    public IReadOnlyList<Tensor> Parameters => ParameterArray;

    /// <summary>The same parameters as an array, for the optimizers' loops: a foreach over it allocates no enumerator.</summary>
    internal Tensor[] ParameterArray { get; }

    /// <summary>The group's options by PyTorch name (everything but "params").</summary>
    public IReadOnlyDictionary<string, object> Options => _options;

    /// <summary>
    /// One option by PyTorch name; numbers are stored as double, betas as a (double, double) tuple. Like group[name].
    /// </summary>
    public object this[string name]
    {
        get => _options.TryGetValue(name, out var value) ? value
            : throw new KeyNotFoundException($"ParamGroup: the group has no option \"{name}\"");
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            if (name == "params") throw new ArgumentException("ParamGroup: \"params\" is not an option; pass the parameters to the constructor");
            _options[name] = Normalize(name, value);
        }
    }

    /// <summary>The learning rate of this group, which schedulers set; like group['lr'].</summary>
    public double LearningRate
    {
        get => Get<double>("lr");
        set => this["lr"] = value;
    }

    /// <summary>True when the group has this option (its own or filled from the defaults); like name in group.</summary>
    public bool Contains(string name) => _options.ContainsKey(name);

    /// <summary>One option, typed: double for numbers, bool for flags, (double, double) for betas.</summary>
    public T Get<T>(string name)
    {
        var value = this[name];
        if (value is T typed) return typed;
        throw new InvalidOperationException($"ParamGroup: option \"{name}\" is a {value.GetType().Name}, not a {typeof(T).Name}");
    }

    /// <summary>Sets an option only if the group does not have it yet; like group.setdefault(name, value).</summary>
    internal void SetDefault(string name, object value)
    {
        if (!_options.ContainsKey(name)) this[name] = value;
    }

    /// <summary>Replaces every option by those given (a loaded state dict's), keeping the parameters.</summary>
    internal void ReplaceOptions(IEnumerable<KeyValuePair<string, object>> options)
    {
        _options.Clear();
        foreach (var (name, value) in options)
            if (name != "params") this[name] = value;
    }

    /// <summary>Numbers of any CLR type become double, so that Get&lt;double&gt; works on what the user wrote (0, 0.9f, 1e-3).</summary>
    private static object Normalize(string name, object value) => value switch
    {
        null => throw new ArgumentNullException(nameof(value), $"ParamGroup: option \"{name}\" can't be null"),
        double or bool or string => value,
        int i => (double)i,
        long l => (double)l,
        float f => (double)f,
        decimal m => (double)m,
        ValueTuple<double, double> => value,
        ValueTuple<float, float> t => ((double)t.Item1, (double)t.Item2),
        ValueTuple<int, int> t => ((double)t.Item1, (double)t.Item2),
        double[] { Length: 2 } a => (a[0], a[1]),
        _ => value,
    };
}
