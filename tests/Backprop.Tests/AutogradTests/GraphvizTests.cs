using System.Diagnostics;
using System.Xml.Linq;
using Backprop;
using Backprop.NN;
using Backprop.Testing;

namespace Backprop.Tests.AutogradTests;

/// <summary>
/// Graphviz itself reads what ToDot writes (with values, gradients, module names and a tensor too big to print) and
/// draws the same boxes and edges as the library's own layout. Skipped, not passed, when Graphviz is not installed;
/// .ci/run installs it.
/// </summary>
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class GraphvizTests
{
    [SkippableFact]
    public void Graphviz_accepts_the_seed_002_graph_with_values_and_gradients()
    {
        Prerequisites.RequireGraphviz();
        var a = Tensor.From(1.0).RequiresGrad_();
        var b = Tensor.From(2.0).RequiresGrad_();
        var c = Tensor.From(3.0).RequiresGrad_();
        var j = 3 * (a + b * c);
        j.Backward();
        var names = new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b, ["c"] = c, ["J"] = j };
        var (nodes, edges, titles) = Render(Autograd.ToDot(j, names, showValues: true));
        AssertSameShape(Autograd.ToLayeredGraph(j, names), nodes, edges);
        Assert.Contains("MulBackward0", titles);
        Assert.Contains("AddBackward0", titles);
    }

    [SkippableFact]
    public void Graphviz_accepts_a_module_s_graph_named_by_its_parameters_with_big_tensors_capped()
    {
        Prerequisites.RequireGraphviz();
        var model = new Sequential(new Linear(784, 32), new ReLU(), new Linear(32, 10));
        var x = Tensor.Randn(4, 784);
        var loss = model.Call(x).Pow(2).Mean();
        loss.Backward();
        string dot = Autograd.ToDot(loss, model, showValues: true, maxValues: 8);
        Assert.Contains("0.weight", dot);
        var (nodes, edges, _) = Render(dot);
        AssertSameShape(Autograd.ToLayeredGraph(loss), nodes, edges);
    }

    [SkippableFact]
    public void Graphviz_accepts_names_with_quotes_backslashes_and_chinese()
    {
        Prerequisites.RequireGraphviz();
        var w = Tensor.From(new[] { 0.5, -1.5 }).RequiresGrad_();
        var y = (w * w).Sum();
        var names = new Dictionary<string, Tensor> { ["w \"权重\" \\ {x}"] = w, ["损失 <loss>"] = y };
        var (nodes, edges, _) = Render(Autograd.ToDot(y, names));
        AssertSameShape(Autograd.ToLayeredGraph(y, names), nodes, edges);
    }

    // ToDot draws the output tensor as a box of its own ("out") under its grad_fn, as torchviz does; the layered graph
    // marks the grad_fn's box as the output instead: one node and one edge fewer.
    private static void AssertSameShape(LayeredGraph graph, int nodes, int edges)
    {
        Assert.Equal(graph.Nodes.Count + 1, nodes);
        Assert.Equal(graph.Edges.Count + 1, edges);
    }

    /// <summary>Runs dot -Tsvg on the text; fails on any complaint; returns the drawn nodes, edges and text lines.</summary>
    private static (int Nodes, int Edges, List<string> Texts) Render(string dot)
    {
        var info = new ProcessStartInfo("dot", ["-Tsvg"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(dot);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(60_000), "dot did not finish in 60 s");
        Assert.True(process.ExitCode == 0 && stderr.Result.Length == 0, $"dot exited {process.ExitCode}: {stderr.Result}");
        var svg = XDocument.Parse(stdout.Result);
        var groups = svg.Descendants().Where(e => e.Name.LocalName == "g").Select(e => (string?)e.Attribute("class")).ToList();
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        return (groups.Count(c => c == "node"), groups.Count(c => c == "edge"), texts);
    }
}
