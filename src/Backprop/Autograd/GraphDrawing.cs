using System.Globalization;

namespace Backprop;

/// <summary>What each box of an autograd graph drawing shows besides the backward node's name.</summary>
[Flags]
public enum GraphLabels
{
    /// <summary>Names and shapes only (torchviz's make_dot).</summary>
    None = 0,

    /// <summary>The value of each named tensor and of each backward node's output when given by name (micrograd's "data").</summary>
    Values = 1,

    /// <summary>The gradient of each named tensor that has one (leaves after Backward, non-leaves after RetainGrad).</summary>
    Grads = 2,
}

public static partial class Autograd
{
    /// <summary>
    /// The recorded graph behind output as a <see cref="LayeredGraph"/>, flowing as the values did: leaves (their
    /// AccumulateGrad, kind "leaf") at the top, one box per backward node (kind "op", named as PyTorch's grad_fn is,
    /// e.g. "MulBackward0"), the output's node (kind "output") at the bottom. names labels tensors by reference: a leaf's
    /// box, or the box of the node that made a non-leaf; labels adds their values and gradients (micrograd's draw_dot).
    /// Like torchviz.make_dot(output, params=names). annotated adds unnamed tensors (intermediates) whose nodes show
    /// their values and gradients too (call RetainGrad on them before Backward for their gradients).
    /// </summary>
    public static LayeredGraph ToLayeredGraph(Tensor output, IReadOnlyDictionary<string, Tensor>? names = null, GraphLabels labels = GraphLabels.None,
        IEnumerable<Tensor>? annotated = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var byTensor = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        var byNode = new Dictionary<Node, (string Name, Tensor Tensor)>(ReferenceEqualityComparer.Instance);
        if (annotated is not null)
            foreach (var tensor in annotated)
                if (tensor.GradFn is { } fn) byNode[fn] = ("", tensor);
        if (names is not null)
            foreach (var (name, tensor) in names)
            {
                byTensor[tensor] = name;
                if (tensor.GradFn is { } fn) byNode[fn] = (name, tensor);
            }

        var graph = new LayeredGraph();
        var start = output.GradientEdge;
        if (start is null)
        {
            // Nothing recorded: the output alone, as torchviz draws a tensor that needs no grad.
            var only = new List<string> { byTensor.GetValueOrDefault(output, "output"), ShapeLabel(output) };
            AddLabels(only, output, labels);
            graph.AddNode(only, "output");
            return graph;
        }

        var ids = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<Node>();
        var edges = new List<(Node From, Node To)>();
        int Visit(Node node)
        {
            if (!ids.TryGetValue(node, out int id))
            {
                id = graph.AddNode(Lines(node, output, byTensor, byNode, labels), node is AccumulateGrad ? "leaf" : ReferenceEquals(node, start) ? "output" : "op");
                ids[node] = id;
                pending.Push(node);
            }
            return id;
        }
        Visit(start);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node is AccumulateGrad) continue;
            for (int i = 0; i < node.InputCount; i++)
                if (node.NextAt(i) is { } next)
                {
                    Visit(next);
                    edges.Add((next, node));
                }
        }
        foreach (var (from, to) in edges) graph.AddEdge(ids[from], ids[to]);
        return graph;
    }

    /// <summary>The recorded graph behind output drawn as SVG by <see cref="GraphLayout"/> and <see cref="GraphSvg"/>.</summary>
    public static string ToSvg(Tensor output, IReadOnlyDictionary<string, Tensor>? names = null, GraphLabels labels = GraphLabels.None,
        IEnumerable<Tensor>? annotated = null, GraphLayoutOptions? options = null)
    {
        var layout = GraphLayout.Compute(ToLayeredGraph(output, names, labels, annotated), options);
        return GraphSvg.Write(layout, options);
    }

    private static List<string> Lines(Node node, Tensor output, Dictionary<Tensor, string> byTensor, Dictionary<Node, (string Name, Tensor Tensor)> byNode, GraphLabels labels)
    {
        var lines = new List<string>();
        if (node is AccumulateGrad leaf)
        {
            if (byTensor.TryGetValue(leaf.Variable, out var leafName)) lines.Add(leafName);
            lines.Add(ShapeLabel(leaf.Variable));
            AddLabels(lines, leaf.Variable, labels);
            return lines;
        }
        lines.Add(node.Name);
        Tensor? made = byNode.TryGetValue(node, out var named) ? named.Tensor : ReferenceEquals(output.GradFn, node) ? output : null;
        if (made is not null)
        {
            lines.Add((byTensor.TryGetValue(made, out var madeName) ? madeName + " " : "") + ShapeLabel(made));
            AddLabels(lines, made, labels);
        }
        return lines;
    }

    private static void AddLabels(List<string> lines, Tensor t, GraphLabels labels)
    {
        if ((labels & GraphLabels.Values) != 0) lines.Add("data " + ValueLabel(t));
        if ((labels & GraphLabels.Grads) != 0 && t.Grad is { } g) lines.Add("grad " + ValueLabel(g));
    }

    /// <summary>A value in a box: the number of a one-element tensor, up to four numbers, or "…" beyond.</summary>
    private static string ValueLabel(Tensor t)
    {
        using var _ = NoGrad();
        if (t.Numel > 4) return "[" + string.Join(", ", t.Reshape(-1).Narrow(0, 0, 4).Detach().ToDoubleArray().Select(Number)) + ", …]";
        var values = t.Detach().ToDoubleArray();
        return t.Numel == 1 ? Number(values[0]) : "[" + string.Join(", ", values.Select(Number)) + "]";
    }

    private static string Number(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
