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

    // The public Tensor functions that make a tensor from numbers alone: what they make inside a forward is a constant.
    private static readonly HashSet<string> CreationFunctions =
    [
        "Zeros", "Ones", "Full", "Empty", "Arange", "Linspace", "Logspace", "Eye", "From", "ZerosLike", "OnesLike", "FullLike",
        "EmptyLike", "Rand", "Randn", "RandInt", "RandPerm", "RandLike", "RandnLike", "Scalar",
    ];

    private readonly Dictionary<Tensor, (TracedOp Op, int Sequence)> _producers = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, (int Sequence, string? MadeBy)> _created = new(ReferenceEqualityComparer.Instance);
    private readonly List<(Storage Storage, int Sequence, string By)> _writes = [];
    private int _sequence;

    /// <summary>The ops whose arguments are sizes or positions, which may depend on the batch size.</summary>
    public static readonly HashSet<string> ShapeOps = ["reshape", "expand", "slice", "select"];

    /// <summary>The ops of <see cref="ShapeOps"/> in the order the forward called them: paired with those of a trace at another batch size.</summary>
    public List<TracedOp> ShapeOpsInOrder { get; } = [];

    public void Op(TracedOp op)
    {
        // An op that hands back one of its inputs (Contiguous of a contiguous tensor) adds nothing to the graph.
        foreach (var input in op.Inputs)
            if (ReferenceEquals(input, op.Result)) return;
        int sequence = ++_sequence;
        if (!op.FromAutograd && ShapeOps.Contains(op.Name)) ShapeOpsInOrder.Add(op);
        if (_producers.TryGetValue(op.Result, out var earlier) && op.FromAutograd && !earlier.Op.FromAutograd)
            return;   // a grad_fn report after the named report of the same result (Stack over Cat) says nothing new
        _producers[op.Result] = (op, sequence);   // a later named report is the outer op: it wins
    }

    public void Created(Tensor tensor) => _created[tensor] = (++_sequence, MadeBy(new StackTrace(1, false)));

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
    /// The innermost public method of the core on the stack that made a tensor ("Tensor.Cumsum"), or null when that is
    /// a creation function or when the caller's own code is reached first (frames of this assembly are skipped).
    /// </summary>
    private static string? MadeBy(StackTrace stack)
    {
        for (int i = 0; i < stack.FrameCount; i++)
        {
            var method = stack.GetFrame(i)?.GetMethod();
            if (method?.DeclaringType is not { } type) continue;
            if (type.Assembly == typeof(ForwardTracer).Assembly) return null;
            if (IsRuntime(type.Assembly)) continue;                       // LINQ and the like, between the core's frames
            if (type.Assembly != Core) return null;                       // the caller's code made it directly
            if (!method.IsPublic || !IsPublicType(type)) continue;
            if (type == typeof(Tensor) && CreationFunctions.Contains(method.Name)) return null;
            if (method.IsConstructor) continue;
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
