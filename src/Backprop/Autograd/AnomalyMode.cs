using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Backprop;

/// <summary>
/// Anomaly detection, per thread and async flow: while on, every recorded op keeps the stack of the forward call
/// that made it, and a backward step that produces NaN throws an <see cref="AnomalyException"/> naming the node and
/// that stack; like torch.autograd.detect_anomaly. It slows both passes down: use it to find a bug, not to train.
/// </summary>
internal static class AnomalyMode
{
    private static readonly AsyncLocal<object?> Enabled = new();
    private static readonly object On = new();
    private static readonly ConditionalWeakTable<Node, string> ForwardStacks = new();

    // Scopes open on any flow: ops read this plain field first, so that without anomaly mode they pay no AsyncLocal read.
    private static int _openScopes;

    public static bool IsEnabled
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _openScopes) > 0 && Enabled.Value is not null;
    }

    internal static bool Set(bool enabled)
    {
        bool previous = Enabled.Value is not null;
        Enabled.Value = enabled ? On : null;
        return previous;
    }

    internal static void ScopeOpened() => Interlocked.Increment(ref _openScopes);

    internal static void ScopeClosed() => Interlocked.Decrement(ref _openScopes);

    /// <summary>Keeps the stack of the forward call that created node (frames below the library's entry point).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RecordForwardStack(Node node)
    {
        if (IsEnabled) ForwardStacks.AddOrUpdate(node, CallerStack());   // inlined: recording an op pays one field read
    }

    /// <summary>The forward stack recorded for node, or null when it was made outside anomaly mode.</summary>
    public static string? ForwardStack(Node node) => ForwardStacks.TryGetValue(node, out var stack) ? stack : null;

    /// <summary>Throws when a gradient node produced for its input-th input holds a NaN; like PyTorch's check in validate_outputs.</summary>
    public static void CheckGradient(Node node, int input, Tensor? grad)
    {
        if (grad is null || !grad.DType.IsFloatingPoint()) return;
        double[] values;
        using (new GradModeScope(false)) values = grad.ToDoubleArray();
        if (!Array.Exists(values, double.IsNaN)) return;
        throw new AnomalyException(node.Name, $"Function '{node.Name}' returned nan values in its {input}th output.", ForwardStack(node));
    }

    /// <summary>The keys under which a backward error's Exception.Data holds the failing node's name and forward stack.</summary>
    public const string NodeKey = "Backprop.AnomalyNode", ForwardStackKey = "Backprop.ForwardStack";

    /// <summary>
    /// For an exception thrown by a node's backward in anomaly mode (PyTorch prints "Error detected in XBackward0"
    /// and the forward traceback): records the node's name and forward stack in e.Data, leaving the exception as it
    /// is. Returns false, for use as an exception filter that does not catch.
    /// </summary>
    public static bool Annotate(Node node, Exception e)
    {
        if (e is AnomalyException || e.Data.Contains(NodeKey)) return false;
        e.Data[NodeKey] = node.Name;
        if (ForwardStack(node) is { } stack) e.Data[ForwardStackKey] = stack;
        return false;
    }

    /// <summary>The current stack from the first frame that calls into the library (the public op the user called) down to Main.</summary>
    private static string CallerStack()
    {
        // Only this method's own frame is skipped by count: how many library frames lie above the op depends on
        // what the JIT inlined (RecordForwardStack is inlined into every recording).
        var frames = new StackTrace(skipFrames: 1, fNeedFileInfo: true).GetFrames();
        var library = typeof(Node).Assembly;
        int first = 0;
        // Skip the library's own frames on top, keeping the outermost one: the op the user's code called.
        while (first + 1 < frames.Length && frames[first + 1].GetMethod()?.DeclaringType?.Assembly == library) first++;
        var text = new StringBuilder();
        for (int i = first; i < frames.Length; i++)
        {
            var method = frames[i].GetMethod();
            if (method is null) continue;
            text.Append("   at ").Append(method.DeclaringType?.FullName).Append('.').Append(method.Name);
            if (frames[i].GetFileName() is { } file)
                text.Append(" in ").Append(file).Append(":line ").Append(frames[i].GetFileLineNumber());
            text.Append('\n');
        }
        return text.ToString();
    }
}

/// <summary>Turns anomaly detection on (or off) until disposed; returned by <see cref="Autograd.DetectAnomaly"/>.</summary>
public sealed class AnomalyModeScope : IDisposable
{
    private readonly bool _previous;
    private bool _disposed;

    internal AnomalyModeScope(bool enabled)
    {
        AnomalyMode.ScopeOpened();
        _previous = AnomalyMode.Set(enabled);
    }

    /// <summary>Puts back the mode that was in force when the scope began.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        AnomalyMode.Set(_previous);
        AnomalyMode.ScopeClosed();
    }
}

/// <summary>
/// A backward step produced NaN under <see cref="Autograd.DetectAnomaly"/>: names the node, and the stack of the
/// forward call that created it (null when that op was recorded outside anomaly mode). Any other exception thrown by
/// a backward step in anomaly mode propagates unchanged, with the node's name and forward stack in its Data under
/// "Backprop.AnomalyNode" and "Backprop.ForwardStack".
/// </summary>
public sealed class AnomalyException(string nodeName, string message, string? forwardStack)
    : InvalidOperationException(forwardStack is null ? message : $"{message}\nTraceback of forward call that caused the error:\n{forwardStack}")
{
    /// <summary>The grad_fn name of the node whose backward produced the NaN, e.g. "DivBackward0".</summary>
    public string NodeName { get; } = nodeName;

    /// <summary>The stack of the forward call that recorded the node.</summary>
    public string? ForwardStack { get; } = forwardStack;
}

public static partial class Autograd
{
    /// <summary>
    /// Turns anomaly detection on for this thread / async flow until the scope is disposed: ops remember the stack
    /// of their forward call, a backward that produces NaN throws an <see cref="AnomalyException"/> naming the op and
    /// that stack, and any other error in a backward step carries them in its Data ("Backprop.AnomalyNode",
    /// "Backprop.ForwardStack"). <c>using (Autograd.DetectAnomaly()) { ... }</c>; like torch.autograd.detect_anomaly().
    /// </summary>
    public static AnomalyModeScope DetectAnomaly() => new(true);

    /// <summary>Sets anomaly detection on or off until the scope is disposed; like torch.autograd.set_detect_anomaly(mode).</summary>
    public static AnomalyModeScope SetDetectAnomaly(bool enabled) => new(enabled);

    /// <summary>Whether anomaly detection is on for this thread / async flow; like torch.is_anomaly_enabled().</summary>
    public static bool IsAnomalyEnabled => AnomalyMode.IsEnabled;
}
