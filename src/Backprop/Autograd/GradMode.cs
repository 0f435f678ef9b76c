namespace Backprop;

/// <summary>Whether ops record the graph, per thread and async flow; like torch's grad mode.</summary>
internal static class GradMode
{
    // Null (no entry) means enabled, the default on every new flow. Turning it back on removes the entry, so the
    // execution context goes back to what it was (often none at all) instead of holding a boxed false; the
    // sentinel avoids boxing a bool on every write.
    private static readonly AsyncLocal<object?> Disabled = new();
    private static readonly object Off = new();

    public static bool IsEnabled => Disabled.Value is null;

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
