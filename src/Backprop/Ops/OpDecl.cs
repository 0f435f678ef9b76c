namespace Backprop;

/// <summary>
/// What is declared once about a differentiable op, as an entry of PyTorch's derivatives.yaml names it: the grad_fn
/// name its node prints (<c>SigmoidBackward0</c>), the inputs that get a gradient edge, and the aten name an exporter
/// maps it by, where it has one. Every op is a static field of <see cref="OpCatalog"/>; ops refer to it when they
/// record (<c>Graph.Record(y, OpCatalog.Sigmoid, x, ...)</c>) and when they report to a tracer
/// (<c>Tracing.Op(result, OpCatalog.Transpose, this, a, b)</c>), so no name is typed at an op. The forward and the
/// backward stay together at the op's method (docs/decisions.md, "One declaration per op").
/// </summary>
internal sealed class OpDecl
{
    /// <summary>Declares an op; inputs name its gradient edges in order ("bias?" optional, "tensors[]" any number).</summary>
    public OpDecl(string gradFn, string[] inputs, string? aten = null)
    {
        GradFn = gradFn;
        Inputs = inputs;
        Aten = aten;
    }

    /// <summary>PyTorch's name for the op's node, e.g. "MulBackward0": <see cref="Node.Name"/> of every node it records.</summary>
    public string GradFn { get; }

    /// <summary>
    /// The name the op is reported by to a tracer (Backprop.Onnx maps it), in aten's spelling: "transpose", "softmax".
    /// Null where the op is traced by its grad_fn name alone. A view is reported as the public op that made it
    /// ("reshape" for View and UnsafeView, "slice" for each piece of Split), as the exporter maps that op.
    /// </summary>
    public string? Aten { get; }

    /// <summary>The op's inputs that get a gradient edge (one per <see cref="Node.NextFunctions"/> entry), as derivatives.yaml names them.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Whether a node with this many edges matches the declared inputs (optional ones may be absent; a list may have any length).</summary>
    public bool AcceptsEdges(int count)
    {
        if (Inputs.Count == 1 && Inputs[0].EndsWith("[]", StringComparison.Ordinal)) return true;
        int required = 0;
        foreach (var input in Inputs) if (!input.EndsWith('?')) required++;
        return count >= required && count <= Inputs.Count;
    }

    /// <inheritdoc/>
    public override string ToString() => GradFn;
}
