using System.Diagnostics;
using System.Reflection;

namespace Backprop.Onnx;

/// <summary>
/// Receives what the core's tracing point (Backprop's internal <c>Tracing</c>) reports while a forward runs: the ops
/// in order, which op produced each tensor, where every other tensor made during the forward came from, and the
/// in-place writes. Not thread-safe: one trace on one thread.
/// </summary>
internal sealed class ForwardTracer : IOpTracer
{
    private static readonly Assembly Core = typeof(Tensor).Assembly;

    // The public Tensor functions that make a tensor from sizes and numbers alone: what they make is a constant, even
    // inside an op (the zeros Tril fills with), since it depends on no tensor's values.
    private static readonly HashSet<string> SizeOnlyCreation =
    [
        "Zeros", "Ones", "Full", "Empty", "Arange", "Linspace", "Logspace", "Eye", "ZerosLike", "OnesLike", "FullLike",
        "EmptyLike", "Rand", "Randn", "RandInt", "RandPerm", "RandLike", "RandnLike",
    ];

    // Tensor.From wraps the caller's numbers: a constant when the caller's code calls it, but an op's result when an op
    // calls it on values it read out of a tensor (Argsort sorts in an array and wraps the indices).
    private const string DataCreation = "From";

    private readonly Dictionary<Tensor, (TracedOp Op, int Sequence)> _producers = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, (int Sequence, string? MadeBy)> _created = new(ReferenceEqualityComparer.Instance);
    private readonly List<(Storage Storage, int Sequence, string By)> _writes = [];
    private int _sequence;

    /// <summary>The ops whose arguments are sizes or positions, which may depend on the batch size.</summary>
    public static readonly HashSet<string> ShapeOps = ["reshape", "expand", "slice", "select", "squeeze"];

    /// <summary>The ops of <see cref="ShapeOps"/> in the order the forward called them: paired with those of a trace at another batch size.</summary>
    public List<TracedOp> ShapeOpsInOrder { get; } = [];

    public void Op(TracedOp op)
    {
        // An op that hands back one of its inputs (Contiguous of a contiguous tensor) adds nothing to the graph.
        foreach (var input in op.Inputs)
            if (ReferenceEquals(input, op.Result)) return;
        int sequence = ++_sequence;
        if (!op.FromAutograd && ShapeOps.Contains(op.Name)) ShapeOpsInOrder.Add(op);
        ValuesInOrder.Add(op.Result);
        if (_producers.TryGetValue(op.Result, out var earlier) && op.FromAutograd && !earlier.Op.FromAutograd)
            return;   // a grad_fn report after the named report of the same result (Stack over Cat) says nothing new
        _producers[op.Result] = (op, sequence);   // a later named report is the outer op: it wins
    }

    public void Created(Tensor tensor)
    {
        var madeBy = MadeBy(new StackTrace(1, false));
        _created[tensor] = (++_sequence, madeBy);
        if (madeBy is null) ValuesInOrder.Add(tensor);
    }

    /// <summary>
    /// Every op result and every constant the forward made, in order: paired with those of a trace at another batch
    /// size, they tell which folded constants have a size that follows the batch.
    /// </summary>
    public List<Tensor> ValuesInOrder { get; } = [];

    public void Written(Tensor tensor) => _writes.Add((tensor.Storage, ++_sequence, MadeBy(new StackTrace(1, false)) ?? "an in-place write"));

    /// <summary>The op that produced tensor, and when; false for a tensor no op reported.</summary>
    public bool TryGetProducer(Tensor tensor, out TracedOp op, out int sequence)
    {
        if (_producers.TryGetValue(tensor, out var p))
        {
            (op, sequence) = p;
            return true;
        }
        (op, sequence) = (null!, 0);
        return false;
    }

    /// <summary>
    /// For a tensor made during the forward: when, and the public op that made it (null when a creation function or
    /// the caller's own code made it: a constant). False for a tensor that existed before the forward.
    /// </summary>
    public bool TryGetCreation(Tensor tensor, out int sequence, out string? madeBy)
    {
        if (_created.TryGetValue(tensor, out var c))
        {
            (sequence, madeBy) = c;
            return true;
        }
        (sequence, madeBy) = (0, null);
        return false;
    }

    /// <summary>The first in-place write to storage after sequence, if any: the op that wrote.</summary>
    public string? WrittenAfter(Storage storage, int sequence)
    {
        foreach (var w in _writes)
            if (ReferenceEquals(w.Storage, storage) && w.Sequence > sequence) return w.By;
        return null;
    }

    /// <summary>
    /// The public op of the core that made a tensor ("Tensor.Cumsum"): the innermost public method on the stack. Null
    /// (a constant) when that is a creation function of sizes and numbers, or when the caller's code, a module's
    /// forward or this exporter is reached first; Tensor.From counts as the op that called it, if any.
    /// </summary>
    private static string? MadeBy(StackTrace stack)
    {
        for (int i = 0; i < stack.FrameCount; i++)
        {
            var method = stack.GetFrame(i)?.GetMethod();
            if (method?.DeclaringType is not { } type) continue;
            if (IsRuntime(type.Assembly)) continue;                       // LINQ and the like, between the core's frames
            if (type.Assembly != Core || typeof(Backprop.NN.Module).IsAssignableFrom(type)) return null;   // the caller's code, a forward
            if (!method.IsPublic || method.IsConstructor || !IsPublicType(type)) continue;
            if (type == typeof(Tensor) && SizeOnlyCreation.Contains(method.Name)) return null;
            if (type == typeof(Tensor) && method.Name == DataCreation) continue;
            return $"{type.Name}.{method.Name}";
        }
        return null;
    }

    private static bool IsRuntime(Assembly assembly) =>
        assembly == typeof(object).Assembly || assembly.GetName().Name is { } name && (name.StartsWith("System.", StringComparison.Ordinal) || name == "System");

    private static bool IsPublicType(Type type)
    {
        for (var t = type; t is not null; t = t.DeclaringType)
            if (!(t.IsPublic || t.IsNestedPublic)) return false;
        return true;
    }
}
