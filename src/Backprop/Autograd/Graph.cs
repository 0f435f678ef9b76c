using System.Runtime.CompilerServices;

namespace Backprop;

/// <summary>
/// Records an op's backward on its result, when grad mode is on and an input requires grad.
/// Ops call it right after their forward with their declaration (<see cref="OpCatalog"/>), which names the node:
/// <c>Graph.Record(y, OpCatalog.Sigmoid, x, g => g * y * (1 - y), saved: new(y))</c>.
/// Every call is also reported to the thread's tracer, if any (<see cref="Tracing"/>): the net that catches an op an
/// exporter has no mapping for.
/// Hot ops pass what the backward needs as state to a static lambda, which allocates nothing when the op is not
/// recorded (in no-grad code and inside backward): <c>Graph.Record(y, OpCatalog.Sigmoid, x, y, static (g, y) => ..., new(y))</c>.
/// </summary>
internal static class Graph
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ShouldRecord(Tensor a) => a.RequiresGrad && GradMode.IsEnabled;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ShouldRecord(Tensor a, Tensor b) => (a.RequiresGrad || b.RequiresGrad) && GradMode.IsEnabled;

    public static Tensor Record(Tensor result, OpDecl op, Tensor input, Func<Tensor, Tensor?> backward, SavedTensors saved = default)
        => Record(result, op, input, backward, static (g, backward) => backward(g), saved);

    public static Tensor Record(Tensor result, OpDecl op, Tensor a, Tensor b, Func<Tensor, (Tensor?, Tensor?)> backward, SavedTensors saved = default)
        => Record(result, op, a, b, backward, static (g, backward) => backward(g), saved);

    /// <summary>
    /// Records a backward that takes state, what the op passes for it (the tensors and numbers it needs): the backward
    /// can then be a static lambda, and an op that is not recorded allocates nothing for it, as a closure would.
    /// </summary>
    public static Tensor Record<TState>(Tensor result, OpDecl op, Tensor input, TState state, Func<Tensor, TState, Tensor?> backward,
        SavedTensors saved = default)
    {
        Tracing.Current?.Op(new TracedOp(op.GradFn, result, [input], [], FromAutograd: true));
        if (!ShouldRecord(input)) return result;
        return Link(result, new UnaryNode<TState>(op, input, state, backward, saved, numberOperand: false));
    }

    /// <summary>Records an op of a tensor and a number (x * 2, 1 − x): the number is the second input, with no edge.</summary>
    public static Tensor RecordWithNumber(Tensor result, OpDecl op, Tensor input, Func<Tensor, Tensor?> backward, SavedTensors saved = default)
        => RecordWithNumber(result, op, input, backward, static (g, backward) => backward(g), saved);

    /// <summary>As <see cref="RecordWithNumber(Tensor, OpDecl, Tensor, Func{Tensor, Tensor?}, SavedTensors)"/>, with state.</summary>
    public static Tensor RecordWithNumber<TState>(Tensor result, OpDecl op, Tensor input, TState state, Func<Tensor, TState, Tensor?> backward,
        SavedTensors saved = default)
    {
        Tracing.Current?.Op(new TracedOp(op.GradFn, result, [input], [], FromAutograd: true, NumberOperand: true));
        if (!ShouldRecord(input)) return result;
        return Link(result, new UnaryNode<TState>(op, input, state, backward, saved, numberOperand: true));
    }

    /// <summary>As the one-input form, for two inputs.</summary>
    public static Tensor Record<TState>(Tensor result, OpDecl op, Tensor a, Tensor b, TState state, Func<Tensor, TState, (Tensor?, Tensor?)> backward,
        SavedTensors saved = default)
    {
        Tracing.Current?.Op(new TracedOp(op.GradFn, result, [a, b], [], FromAutograd: true));
        if (!ShouldRecord(a, b)) return result;
        return Link(result, new BinaryNode<TState>(op, a, b, state, backward, saved));
    }

    private static Tensor Link(Tensor result, Node node)
    {
        node.SetOutput(result);
        result.SetGradFn(node);
        AnomalyMode.RecordForwardStack(node);
        return result;
    }

    public static Tensor Record(Tensor result, OpDecl op, Tensor[] inputs, Func<Tensor, Tensor?[]> backward, SavedTensors saved = default)
    {
        Tracing.Current?.Op(new TracedOp(op.GradFn, result, inputs, [], FromAutograd: true));
        if (!GradMode.IsEnabled) return result;
        bool any = false;
        foreach (var t in inputs) any |= t.RequiresGrad;
        if (!any) return result;
        return Link(result, new NaryNode(op, inputs, backward, saved));
    }
}
