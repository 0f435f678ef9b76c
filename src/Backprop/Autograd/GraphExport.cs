using System.Text;

namespace Backprop;

public static partial class Autograd
{
    /// <summary>
    /// The recorded graph behind output as Graphviz DOT, drawn the way torchviz draws it: the output at the
    /// bottom, one box per backward node, leaves (their AccumulateGrad) in blue with their name and shape, and
    /// edges in the direction the values flowed forward. names labels tensors (leaves or the output) by reference.
    /// </summary>
    public static string ToDot(Tensor output, IReadOnlyDictionary<string, Tensor>? names = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var labels = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        if (names is not null)
            foreach (var (name, tensor) in names) labels[tensor] = name;

        var dot = new StringBuilder();
        dot.AppendLine("digraph autograd {");
        dot.AppendLine("  node [shape=box, style=filled, fillcolor=\"#e8e8e8\", fontname=\"Helvetica\", fontsize=11];");
        string outputLabel = (labels.TryGetValue(output, out var outName) ? outName + "\\n" : "") + ShapeLabel(output);
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
                string label = (labels.TryGetValue(leaf.Variable, out var leafName) ? leafName + "\\n" : "") + ShapeLabel(leaf.Variable);
                dot.AppendLine($"  {id} [label=\"{Escape(label)}\", fillcolor=\"#a6c8e0\"];");
                continue;
            }
            dot.AppendLine($"  {id} [label=\"{Escape(node.Name)}\"];");
            for (int i = 0; i < node.InputCount; i++)
                if (node.NextAt(i) is { } next) edges.AppendLine($"  {Id(next)} -> {id};");
        }
        dot.Append(edges);
        dot.AppendLine("}");
        return dot.ToString();
    }

    /// <summary>A shape as torchviz prints it: "()" for a scalar, "(2, 3)" otherwise.</summary>
    private static string ShapeLabel(Tensor t) => "(" + string.Join(", ", t.ShapeArray) + ")";

    private static string Escape(string s) => s.Replace("\"", "\\\"", StringComparison.Ordinal);
}
