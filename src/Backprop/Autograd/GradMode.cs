namespace Backprop;

/// <summary>Whether ops record the graph, per thread and async flow; like torch's grad mode.</summary>
internal static class GradMode
{
    // Stored inverted so that the default (false) means "enabled" on every new flow.
    private static readonly AsyncLocal<bool> Disabled = new();

    public static bool IsEnabled => !Disabled.Value;

    public static void Set(bool enabled) => Disabled.Value = !enabled;
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
