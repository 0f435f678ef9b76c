using System.Collections;

namespace Backprop.NN;

/// <summary>
/// Holds child modules by name, in insertion order, registered under their keys so state-dict names are PyTorch's
/// ("heads.policy.weight"); it has no forward of its own. Like torch.nn.ModuleDict.
/// </summary>
public sealed class ModuleDict : Module, IReadOnlyDictionary<string, Module>
{
    private readonly OrderedDictionary<string, Module> _items = new();

    /// <summary>An empty dict.</summary>
    public ModuleDict() { }

    /// <summary>A dict of the given named modules, in order.</summary>
    public ModuleDict(IEnumerable<KeyValuePair<string, Module>> modules) => Update(modules);

    /// <summary>The module under key; setting adds it or replaces the one there (keeping its place); like module_dict[key].</summary>
    public Module this[string key]
    {
        get => _items.TryGetValue(key, out var m) ? m : throw new KeyNotFoundException($"ModuleDict: no module named '{key}'");
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            RegisterModule(key, value);
            _items[key] = value;
        }
    }

    /// <summary>Adds or replaces every named module; like ModuleDict.update.</summary>
    public void Update(IEnumerable<KeyValuePair<string, Module>> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var (k, m) in modules.ToList()) this[k] = m;
    }

    /// <summary>The module under key cast to T, for calling its Forward.</summary>
    public T Get<T>(string key) where T : Module =>
        this[key] as T ?? throw new InvalidCastException($"ModuleDict: module '{key}' is a {this[key].GetType().Name}, not a {typeof(T).Name}");

    /// <summary>The number of modules; like len(module_dict).</summary>
    public int Count => _items.Count;

    /// <summary>The keys in insertion order; like module_dict.keys().</summary>
    public IEnumerable<string> Keys => _items.Keys;

    /// <summary>The modules in insertion order; like module_dict.values().</summary>
    public IEnumerable<Module> Values => _items.Values;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _items.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, out Module value) => _items.TryGetValue(key, out value!);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Module>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
