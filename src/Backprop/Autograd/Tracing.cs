using System.Runtime.CompilerServices;

namespace Backprop;

/// <summary>
/// One op seen while tracing a forward pass: what produced <see cref="Result"/>. Ops with an exporter mapping report
/// themselves by PyTorch's aten name ("conv2d", "transpose", "add") with their non-tensor arguments in aten's order;
/// every differentiable op is also reported by its grad_fn name ("CumsumBackward0") from <see cref="Graph"/>, with
/// <see cref="FromAutograd"/> set, so that an op without a mapping is seen and named rather than dropped.
/// </summary>
internal sealed record TracedOp(string Name, Tensor Result, Tensor?[] Inputs, object?[] Arguments, bool FromAutograd = false, bool NumberOperand = false);

/// <summary>What a tracer receives: the ops of the forward, every tensor made during it, and every in-place write.</summary>
internal interface IOpTracer
{
    /// <summary>An op produced op.Result (a later report for the same result replaces an earlier one: the outer op wins).</summary>
    void Op(TracedOp op);

    /// <summary>A tensor was constructed on the tracing thread (a view, an op's result, a constant).</summary>
    void Created(Tensor tensor);

    /// <summary>A tensor's elements were written in place.</summary>
    void Written(Tensor tensor);
}

/// <summary>
/// The core's one tracing point, for exporters (Backprop.Onnx): while a tracer is set on a thread, the op layer reports
/// to it what the forward does. It costs one thread-static read per op when no tracer is set, and allocates nothing
/// then: reports are built only inside the helpers' null check (or behind <c>Tracing.Current?.</c>). Like the
/// recording that torch.jit.trace does in PyTorch's dispatcher. A tracer sees only its own thread's ops.
/// </summary>
internal static class Tracing
{
    [ThreadStatic] private static IOpTracer? t_current;

    // How many traces run in the process. Every op asks whether it is traced; a plain static read answers the usual
    // "no trace anywhere" without the thread-static lookup, which the WebAssembly interpreter pays dearly for.
    private static int s_running;

    /// <summary>The tracer of this thread, or null (the usual case).</summary>
    public static IOpTracer? Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref s_running) == 0 ? null : ThisThreads();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IOpTracer? ThisThreads() => t_current;

    /// <summary>Sets tracer for this thread until the scope is disposed; traces do not nest.</summary>
    public static Scope Begin(IOpTracer tracer)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        if (t_current is not null) throw new InvalidOperationException("Tracing: a trace is already running on this thread");
        t_current = tracer;
        Interlocked.Increment(ref s_running);
        return new Scope();
    }

    /// <summary>Ends the thread's trace.</summary>
    public readonly struct Scope : IDisposable
    {
        public void Dispose()
        {
            if (t_current is null) return;   // disposed twice
            t_current = null;
            Interlocked.Decrement(ref s_running);
        }
    }

    // Each report below is an inlined read of s_running (what an op pays when nothing traces), with the report
    // itself out of line (Send), so that the arrays it builds never weigh on the op's own code.

    /// <summary>
    /// Reports a tensor made from sizes and numbers alone (Zeros, Full, Arange, Eye, Linspace): a constant of the
    /// traced graph wherever it was made, even inside an op (the zeros Tril fills with); returns result.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor Constant(Tensor result)
    {
        if (Volatile.Read(ref s_running) != 0) Send(result);
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Send(Tensor result)
    {
        if (ThisThreads() is { } t) t.Op(new TracedOp("constant", result, [], []));
    }

    /// <summary>Reports a declared op by its aten name (<see cref="OpDecl.Aten"/>) with one tensor and no other argument; returns result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor Op(Tensor result, OpDecl op, Tensor input)
    {
        if (Volatile.Read(ref s_running) != 0) Send(result, op, input);
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Send(Tensor result, OpDecl op, Tensor input)
    {
        if (ThisThreads() is { } t) t.Op(new TracedOp(AtenOf(op), result, [input], []));
    }

    /// <summary>Reports a declared op of one tensor and one argument; returns result (the argument is boxed only while tracing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor Op<T1>(Tensor result, OpDecl op, Tensor input, T1 arg1)
    {
        if (Volatile.Read(ref s_running) != 0) Send<T1>(result, op, input, arg1);
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Send<T1>(Tensor result, OpDecl op, Tensor input, T1 arg1)
    {
        if (ThisThreads() is { } t) t.Op(new TracedOp(AtenOf(op), result, [input], [arg1]));
    }

    /// <summary>Reports a declared op of one tensor and two arguments; returns result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor Op<T1, T2>(Tensor result, OpDecl op, Tensor input, T1 arg1, T2 arg2)
    {
        if (Volatile.Read(ref s_running) != 0) Send<T1, T2>(result, op, input, arg1, arg2);
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Send<T1, T2>(Tensor result, OpDecl op, Tensor input, T1 arg1, T2 arg2)
    {
        if (ThisThreads() is { } t) t.Op(new TracedOp(AtenOf(op), result, [input], [arg1, arg2]));
    }

    /// <summary>Reports a declared op of several tensors (null for an absent optional one) and arguments; returns result.</summary>
    public static Tensor Op(Tensor result, OpDecl op, Tensor?[] inputs, params object?[] arguments)
    {
        Current?.Op(new TracedOp(AtenOf(op), result, inputs, arguments));
        return result;
    }

    /// <summary>
    /// Reports a declared op of several tensors (null for an absent optional one) and arguments, to a tracer the
    /// caller has found (<c>Tracing.Current?.Op(Tracing.Report(...))</c>, so that the arrays are made only while tracing).
    /// </summary>
    public static TracedOp Report(OpDecl op, Tensor result, Tensor?[] inputs, object?[] arguments) => new(AtenOf(op), result, inputs, arguments);

    private static string AtenOf(OpDecl op) =>
        op.Aten ?? throw new InvalidOperationException($"Tracing: {op.GradFn} is reported by aten name but declares none (OpCatalog)");

    // The string forms serve the reports that no declaration holds: OpCatalog.Traced's composites, and the
    // non-differentiable ops (comparisons, ArgMax), which report by the name their errors give.

    /// <summary>Reports an op of one tensor with no other argument; returns result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor Op(Tensor result, string name, Tensor input)
    {
        if (Volatile.Read(ref s_running) != 0) Send(result, name, input);
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Send(Tensor result, string name, Tensor input)
    {
        if (ThisThreads() is { } t) t.Op(new TracedOp(name, result, [input], []));
    }

    /// <summary>Reports an op of two tensors; returns result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor Op(Tensor result, string name, Tensor a, Tensor b)
    {
        if (Volatile.Read(ref s_running) != 0) Send(result, name, a, b);
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Send(Tensor result, string name, Tensor a, Tensor b)
    {
        if (ThisThreads() is { } t) t.Op(new TracedOp(name, result, [a, b], []));
    }

    /// <summary>Reports an op of one tensor and one argument; returns result (the argument is boxed only while tracing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor Op<T1>(Tensor result, string name, Tensor input, T1 arg1)
    {
        if (Volatile.Read(ref s_running) != 0) Send<T1>(result, name, input, arg1);
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Send<T1>(Tensor result, string name, Tensor input, T1 arg1)
    {
        if (ThisThreads() is { } t) t.Op(new TracedOp(name, result, [input], [arg1]));
    }

    /// <summary>Reports an op of one tensor and two arguments; returns result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor Op<T1, T2>(Tensor result, string name, Tensor input, T1 arg1, T2 arg2)
    {
        if (Volatile.Read(ref s_running) != 0) Send<T1, T2>(result, name, input, arg1, arg2);
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Send<T1, T2>(Tensor result, string name, Tensor input, T1 arg1, T2 arg2)
    {
        if (ThisThreads() is { } t) t.Op(new TracedOp(name, result, [input], [arg1, arg2]));
    }

}
