using System.Xml.Linq;
using Backprop;

namespace Backprop.Tests.AutogradTests;

/// <summary>The layered layout and its SVG: well-formed XML, no overlapping boxes, every edge from a layer to a later one.</summary>
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class GraphLayoutTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static (Tensor J, Dictionary<string, Tensor> Names) Seed002()
    {
        var a = Tensor.From(1.0).RequiresGrad_();
        var b = Tensor.From(2.0).RequiresGrad_();
        var c = Tensor.From(3.0).RequiresGrad_();
        var j = 3 * (a + b * c);
        return (j, new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b, ["c"] = c, ["J"] = j });
    }

    private static void AssertNoOverlap(GraphLayoutResult layout)
    {
        var boxes = layout.Boxes;
        for (int i = 0; i < boxes.Count; i++)
        {
            Assert.True(boxes[i].X >= 0 && boxes[i].Y >= 0 && boxes[i].X + boxes[i].Width <= layout.Width && boxes[i].Y + boxes[i].Height <= layout.Height,
                $"box {i} lies outside the drawing");
            for (int k = i + 1; k < boxes.Count; k++)
            {
                var (p, q) = (boxes[i], boxes[k]);
                bool apart = p.X + p.Width <= q.X || q.X + q.Width <= p.X || p.Y + p.Height <= q.Y || q.Y + q.Height <= p.Y;
                Assert.True(apart, $"boxes {i} ({p.X},{p.Y} {p.Width}x{p.Height}) and {k} ({q.X},{q.Y} {q.Width}x{q.Height}) overlap");
            }
        }
    }

    private static void AssertEdgesPointDown(GraphLayoutResult layout)
    {
        foreach (var e in layout.Edges)
        {
            var (from, to) = (layout.Boxes[e.From], layout.Boxes[e.To]);
            Assert.True(from.Layer < to.Layer, $"edge {e.From} -> {e.To} goes from layer {from.Layer} to layer {to.Layer}");
            Assert.Equal(from.Y + from.Height, e.Points[0].Y, 6);
            Assert.Equal(to.Y, e.Points[^1].Y, 6);
            for (int i = 1; i < e.Points.Count; i++) Assert.True(e.Points[i].Y >= e.Points[i - 1].Y, "an edge's polyline runs downward");
        }
    }

    [Fact]
    public void The_seed_002_graph_is_layered_leaves_first_output_last()
    {
        var (j, names) = Seed002();
        j.Backward();
        var graph = Autograd.ToLayeredGraph(j, names, GraphLabels.Values | GraphLabels.Grads);
        // Three leaves (AccumulateGrad), MulBackward0 (b*c), AddBackward0, MulBackward0 (3*…): six boxes, five edges.
        Assert.Equal(6, graph.Nodes.Count);
        Assert.Equal(5, graph.Edges.Count);
        Assert.Equal(3, graph.Nodes.Count(n => n.Kind == "leaf"));
        var output = Assert.Single(graph.Nodes, n => n.Kind == "output");
        // J is not a leaf and did not retain its gradient: no grad line, as J.grad is None in PyTorch.
        Assert.Equal(["MulBackward0", "J ()", "data 21"], output.Lines);
        var a = Assert.Single(graph.Nodes, n => n.Lines[0] == "a");
        Assert.Equal(["a", "()", "data 1", "grad 3"], a.Lines);
        Assert.Contains(graph.Nodes, n => n.Lines.SequenceEqual(["b", "()", "data 2", "grad 9"]));
        Assert.Contains(graph.Nodes, n => n.Lines.SequenceEqual(["c", "()", "data 3", "grad 6"]));

        var layout = GraphLayout.Compute(graph);
        AssertNoOverlap(layout);
        AssertEdgesPointDown(layout);
        // b and c at the top (layer 0), b*c, then a + b*c, then the output: a is a source too, so also layer 0.
        Assert.Equal(3, layout.Boxes[graph.Nodes.ToList().IndexOf(output)].Layer);
        Assert.All(layout.Boxes.Where(p => p.Box.Kind == "leaf"), p => Assert.Equal(0, p.Layer));
    }

    [Fact]
    public void The_svg_parses_as_xml_with_one_group_per_box_and_one_path_per_edge()
    {
        var (j, names) = Seed002();
        j.Backward();
        string svg = Autograd.ToSvg(j, names, GraphLabels.Values | GraphLabels.Grads);
        var doc = XDocument.Parse(svg);
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        var groups = doc.Descendants(Svg + "g").Where(g => ((string?)g.Attribute("class"))?.StartsWith("node", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(6, groups.Count);
        Assert.Equal(5, doc.Descendants(Svg + "path").Count(p => (string?)p.Attribute("class") == "edge"));
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "grad 9");
        Assert.Equal(3, groups.Count(g => (string?)g.Attribute("class") == "node leaf"));
    }

    [Fact]
    public void Text_is_escaped_so_any_label_gives_valid_xml()
    {
        var graph = new LayeredGraph();
        int a = graph.AddNode(["<script>&\"'", "x\u0001y"], "leaf");
        int b = graph.AddNode(["b"], "op\"><g");
        graph.AddEdge(a, b);
        var doc = XDocument.Parse(GraphSvg.Write(GraphLayout.Compute(graph)));
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "<script>&\"'");
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "xy");
    }

    [Fact]
    public void A_wide_graph_with_long_edges_has_no_overlaps_and_bends_through_every_layer()
    {
        // A 2-layer MLP's graph: many ops, edges skipping layers (x feeds the first matmul, a weight feeds late ops).
        var g = new Generator(1);
        var x = Tensor.Randn([4, 3], DType.Float32, g);
        var w1 = Tensor.Randn([3, 5], DType.Float32, g).RequiresGrad_();
        var b1 = Tensor.Randn([5], DType.Float32, g).RequiresGrad_();
        var w2 = Tensor.Randn([5, 2], DType.Float32, g).RequiresGrad_();
        var h = (x.MatMul(w1) + b1).Tanh();
        var y = (h.MatMul(w2) + (w1.Sum() * b1.Sum())).Pow(2).Mean();
        var layout = GraphLayout.Compute(Autograd.ToLayeredGraph(y));
        AssertNoOverlap(layout);
        AssertEdgesPointDown(layout);
        foreach (var e in layout.Edges)
        {
            int span = layout.Boxes[e.To].Layer - layout.Boxes[e.From].Layer;
            // Two points at the ends, two per layer crossed in between (entering and leaving its band).
            Assert.Equal(2 + 2 * (span - 1), e.Points.Count);
        }
    }

    [Fact]
    public void Crossing_reduction_untangles_a_crossed_pair()
    {
        // Sources 0, 1 feed targets 3, 2 in the opposite order of creation: the sweep swaps the targets, no crossing left.
        var graph = new LayeredGraph();
        for (int i = 0; i < 4; i++) graph.AddNode([$"n{i}"]);
        graph.AddEdge(0, 3);
        graph.AddEdge(1, 2);
        var layout = GraphLayout.Compute(graph);
        var p = layout.Boxes;
        Assert.True((p[0].CenterX - p[1].CenterX) * (p[3].CenterX - p[2].CenterX) > 0, "edges 0->3 and 1->2 cross");
    }

    [Fact]
    public void A_cycle_and_bad_edges_are_refused_by_name()
    {
        var graph = new LayeredGraph();
        graph.AddNode(["a"]);
        graph.AddNode(["b"]);
        graph.AddEdge(0, 1);
        graph.AddEdge(1, 0);
        var e = Assert.Throws<ArgumentException>(() => GraphLayout.Compute(graph));
        Assert.Contains("GraphLayout.Compute: the graph has a cycle", e.Message);
        Assert.Contains("nodes 0 -> 5", Assert.Throws<ArgumentOutOfRangeException>(() => graph.AddEdge(0, 5)).Message);
        Assert.Contains("self-loop", Assert.Throws<ArgumentException>(() => graph.AddEdge(1, 1)).Message);
    }

    [Fact]
    public void A_tensor_with_no_graph_is_one_box()
    {
        var t = Tensor.From(2.0);
        var graph = Autograd.ToLayeredGraph(t, new Dictionary<string, Tensor> { ["t"] = t }, GraphLabels.Values);
        var only = Assert.Single(graph.Nodes);
        Assert.Equal(["t", "()", "data 2"], only.Lines);
        var layout = GraphLayout.Compute(graph);
        XDocument.Parse(GraphSvg.Write(layout));
    }
}
