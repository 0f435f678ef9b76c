namespace Backprop;

/// <summary>Whether ops record the graph, per thread and async flow; like torch's grad mode.</summary>
internal static class GradMode
{
    // Stored inverted so that the default (false) means "enabled" on every new flow.
    private static readonly AsyncLocal<bool> Disabled = new();

    public static bool IsEnabled => !Disabled.Value;

    /// <summary>
    /// Sets the mode for this flow. Writing an AsyncLocal copies the execution context (an allocation), so a write
    /// that would change nothing, such as a no-grad scope inside another, is skipped: what every flow reads is the same.
    /// </summary>
    public static void Set(bool enabled)
    {
        if (Disabled.Value == enabled) Disabled.Value = !enabled;
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
