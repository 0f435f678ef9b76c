namespace Backprop;

/// <summary>Whether ops record the graph, per thread and async flow; like torch's grad mode.</summary>
internal static class GradMode
{
    // Null (no entry) means enabled, the default on every new flow. Turning it back on removes the entry, so the
    // execution context goes back to what it was (often none at all) instead of holding a boxed false; the
    // sentinel avoids boxing a bool on every write.
    private static readonly AsyncLocal<object?> Disabled = new(OnChanged);
    private static readonly object Off = new();

    // The flow's value mirrored on its thread: the runtime calls OnChanged on a thread whenever the value it sees
    // changes, by a write or because another execution context took over the thread (an await resuming, a pool
    // work item). Every op reads the mode; a thread-static read costs a fraction of an AsyncLocal lookup.
    [ThreadStatic] private static bool t_disabled;

    private static void OnChanged(AsyncLocalValueChangedArgs<object?> change) => t_disabled = change.CurrentValue is not null;

    public static bool IsEnabled => !t_disabled;

    /// <summary>
    /// Sets the mode for this flow. Writing an AsyncLocal copies the execution context (an allocation), so a write
    /// that would change nothing, such as a no-grad scope inside another, is skipped: what every flow reads is the same.
    /// </summary>
    public static void Set(bool enabled)
    {
        if (IsEnabled != enabled) Disabled.Value = enabled ? null : Off;
    }
}

/// <summary>Restores the previous grad mode when disposed; returned by <see cref="Autograd.NoGrad"/> and <see cref="Autograd.EnableGrad"/>.</summary>
public readonly struct GradModeScope : IDisposable
{
    private readonly bool _previous;

    internal GradModeScope(bool enabled)
    {
        _previous = GradMode.IsEnabled;
        GradMode.Set(enabled);
    }

    /// <summary>Puts back the grad mode that was in force when the scope began.</summary>
    public void Dispose() => GradMode.Set(_previous);
}
