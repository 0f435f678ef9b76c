using System.Collections;
using System.Globalization;

namespace Backprop.NN;

/// <summary>
/// Holds child modules in a list, registered under "0", "1", … so their parameters and state-dict names are
/// PyTorch's ("blocks.0.ln1.weight"); it has no forward of its own. Like torch.nn.ModuleList.
/// </summary>
public sealed class ModuleList : Module, IReadOnlyList<Module>
{
    private readonly List<Module> _items = [];

    /// <summary>A list of the given modules, in order.</summary>
    public ModuleList(params IEnumerable<Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Append(m);
    }

    /// <summary>Adds a module at the end; like ModuleList.append.</summary>
    public ModuleList Append(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(_items.Count.ToString(CultureInfo.InvariantCulture), module);
        _items.Add(module);
        return this;
    }

    /// <summary>Adds every module at the end; like ModuleList.extend.</summary>
    public ModuleList Extend(IEnumerable<Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules.ToList()) Append(m);
        return this;
    }

    /// <summary>The number of modules; like len(module_list).</summary>
    public int Count => _items.Count;

    /// <summary>The module at index (negative counts from the end); like module_list[i].</summary>
    public Module this[int index] => _items[Normalize(index)];

    /// <summary>The module at index cast to T, for calling its Forward.</summary>
    public T Get<T>(int index) where T : Module =>
        this[index] as T ?? throw new InvalidCastException($"ModuleList: module {index} is a {this[index].GetType().Name}, not a {typeof(T).Name}");

    private int Normalize(int index)
    {
        int i = index < 0 ? index + _items.Count : index;
        if (i < 0 || i >= _items.Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"ModuleList: index {index} is out of range for {_items.Count} modules");
        return i;
    }

    /// <inheritdoc/>
    public IEnumerator<Module> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
