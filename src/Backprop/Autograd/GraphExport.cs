using System.Text;

namespace Backprop;

public static partial class Autograd
{
    /// <summary>
    /// The recorded graph behind output as Graphviz DOT, drawn the way torchviz draws it: the output at the
    /// bottom, one box per backward node, leaves (their AccumulateGrad) in blue with their name and shape, and
    /// edges in the direction the values flowed forward. names labels tensors by reference: leaves, the output, and
    /// intermediate results (the box of the op that made one shows its name). With showValues, as micrograd's
    /// draw_dot, each named or leaf tensor's box also shows its data and grad, at most maxValues numbers of each
    /// (a bigger tensor shows its first ones and its size). Like torchviz.make_dot(output, params).
    /// </summary>
    public static string ToDot(Tensor output, IReadOnlyDictionary<string, Tensor>? names = null, bool showValues = false, int maxValues = 8)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(maxValues);
        var labels = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        // The op nodes of named intermediate results, so that their boxes carry the name (and values).
        var results = new Dictionary<Node, (string Name, Tensor Tensor)>(ReferenceEqualityComparer.Instance);
        if (names is not null)
            foreach (var (name, tensor) in names)
            {
                labels[tensor] = name;
                if (tensor.GradFn is { } fn && !ReferenceEquals(tensor, output)) results[fn] = (name, tensor);
            }
        string Values(Tensor t) => showValues ? ValueLines(t, maxValues) : "";

        var dot = new StringBuilder();
        dot.AppendLine("digraph autograd {");
        dot.AppendLine("  node [shape=box, style=filled, fillcolor=\"#e8e8e8\", fontname=\"Helvetica\", fontsize=11];");
        string outputLabel = (labels.TryGetValue(output, out var outName) ? outName + "\\n" : "") + ShapeLabel(output) + Values(output);
        dot.AppendLine($"  out [label=\"{Escape(outputLabel)}\", fillcolor=\"#a6d5a6\"];");

        var start = output.GradientEdge;
        if (start is null)
        {
            dot.AppendLine("}");
            return dot.ToString();
        }

        var ids = new Dictionary<Node, string>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<Node>();
        string Id(Node node)
        {
            if (!ids.TryGetValue(node, out var id))
            {
                id = "n" + ids.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                ids[node] = id;
                pending.Push(node);
            }
            return id;
        }

        var edges = new StringBuilder();
        edges.AppendLine($"  {Id(start)} -> out;");
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            string id = ids[node];
            if (node is AccumulateGrad leaf)
            {
                string label = (labels.TryGetValue(leaf.Variable, out var leafName) ? leafName + "\\n" : "") + ShapeLabel(leaf.Variable) + Values(leaf.Variable);
                dot.AppendLine($"  {id} [label=\"{Escape(label)}\", fillcolor=\"#a6c8e0\"];");
                continue;
            }
            string nodeLabel = results.TryGetValue(node, out var result) ? $"{result.Name} = {node.Name}\\n{ShapeLabel(result.Tensor)}{Values(result.Tensor)}" : node.Name;
            dot.AppendLine($"  {id} [label=\"{Escape(nodeLabel)}\"];");
            for (int i = 0; i < node.InputCount; i++)
                if (node.NextAt(i) is { } next) edges.AppendLine($"  {Id(next)} -> {id};");
        }
        dot.Append(edges);
        dot.AppendLine("}");
        return dot.ToString();
    }

    /// <summary>
    /// The graph of output with each parameter of module named by its dotted name ("0.weight"), as
    /// torchviz.make_dot(output, params=dict(model.named_parameters())) draws it; values as in the other overload.
    /// </summary>
    public static string ToDot(Tensor output, NN.Module module, bool showValues = false, int maxValues = 8)
    {
        ArgumentNullException.ThrowIfNull(module);
        var names = new Dictionary<string, Tensor>();
        foreach (var (name, parameter) in module.NamedParameters()) names[name] = parameter;
        return ToDot(output, names, showValues, maxValues);
    }

    /// <summary>"\\ndata …\\ngrad …" for a box: up to max numbers of each, 4 decimals, then the count of the rest.</summary>
    private static string ValueLines(Tensor t, int max)
    {
        string Numbers(Tensor v)
        {
            double[] values;
            using (NoGrad()) values = v.Numel <= max ? v.ToDoubleArray() : v.Reshape(-1)[..max].ToDoubleArray();
            var text = string.Join(", ", values.Select(x => x.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)));
            if (v.Numel > max) text += $", … ({v.Numel} values)";
            return v.Dim == 0 ? text : "[" + text + "]";
        }
        return $"\\ndata {Numbers(t)}" + (t.Grad is { } g ? $"\\ngrad {Numbers(g)}" : "");
    }

    /// <summary>A shape as torchviz prints it: "()" for a scalar, "(2, 3)" otherwise.</summary>
    private static string ShapeLabel(Tensor t) => "(" + string.Join(", ", t.ShapeArray) + ")";

    private static string Escape(string s) => s.Replace("\"", "\\\"", StringComparison.Ordinal);
}
