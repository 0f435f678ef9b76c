namespace Backprop;

/// <summary>
/// Records an op's backward on its result, when grad mode is on and an input requires grad.
/// Ops call it right after their forward: <c>Graph.Record(y, "SigmoidBackward0", x, g => g * y * (1 - y), saved: new(y))</c>.
/// </summary>
internal static class Graph
{
    public static bool ShouldRecord(Tensor a) => a.RequiresGrad && GradMode.IsEnabled;

    public static bool ShouldRecord(Tensor a, Tensor b) => (a.RequiresGrad || b.RequiresGrad) && GradMode.IsEnabled;

    public static Tensor Record(Tensor result, string name, Tensor input, Func<Tensor, Tensor?> backward, SavedTensors saved = default)
    {
        if (!ShouldRecord(input)) return result;
        var node = new UnaryNode(name, input, backward, saved);
        node.SetOutput(result);
        result.SetGradFn(node);
        return result;
    }

    public static Tensor Record(Tensor result, string name, Tensor a, Tensor b, Func<Tensor, (Tensor?, Tensor?)> backward, SavedTensors saved = default)
    {
        if (!ShouldRecord(a, b)) return result;
        var node = new BinaryNode(name, a, b, backward, saved);
        node.SetOutput(result);
        result.SetGradFn(node);
        return result;
    }

    public static Tensor Record(Tensor result, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward, SavedTensors saved = default)
    {
        if (!GradMode.IsEnabled) return result;
        bool any = false;
        foreach (var t in inputs) any |= t.RequiresGrad;
        if (!any) return result;
        var node = new NaryNode(name, inputs, backward, saved);
        node.SetOutput(result);
        result.SetGradFn(node);
        return result;
    }
}
