using Backprop.Lab.Experiments;
using Backprop.Lab.Experiments.TwoLayer;

namespace Backprop.Lab.Tests;

/// <summary>The lab's graphs drawn with values and gradients (micrograd's draw_dot): the graph experiment and two-layer --dot.</summary>
public sealed class GraphWithValuesTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_graph_experiment_shows_every_value_and_gradient_of_seed_002()
    {
        // a = 1, b = 2, c = 3: u = 6, v = 7, J = 21; dJ/da = 3, dJ/db = 9, dJ/dc = 6, dJ/du = dJ/dv = 3.
        string dot = GraphExperiment.Run(1, 2, 3).Dot;
        foreach (var label in new[]
        {
            "a\\n()\\ndata 1.0000\\ngrad 3.0000", "b\\n()\\ndata 2.0000\\ngrad 9.0000", "c\\n()\\ndata 3.0000\\ngrad 6.0000",
            "u = MulBackward0\\n()\\ndata 6.0000\\ngrad 3.0000", "v = AddBackward0\\n()\\ndata 7.0000\\ngrad 3.0000", "J\\n()\\ndata 21.0000",
        })
            Assert.Contains($"label=\"{label}\"", dot, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_layer_dot_names_the_seed_s_weights_with_their_gradients()
    {
        string path = _dir.File("two-layer.dot");
        var json = Lab.Run("two-layer", "--dot", path, "--json").Json();
        var grads = json.GetProperty("first").GetProperty("grads").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        string dot = File.ReadAllText(path);
        Assert.StartsWith("digraph", dot, StringComparison.Ordinal);
        // w1 = 0.2 with the gradient the run reports (seed 000's dL/dw1, -0.0084 to four places).
        Assert.Contains($"label=\"w1\\n(1)\\ndata [0.2000]\\ngrad [{grads[0]:0.0000}]\"", dot, StringComparison.Ordinal);
        Assert.Equal("-0.0084", grads[0].ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture));
        for (int i = 1; i <= 8; i++) Assert.Contains($"label=\"w{i}\\n(1)\\ndata [", dot, StringComparison.Ordinal);
        Assert.Contains("label=\"out_h1 = SigmoidBackward0\\n(1)\\ndata [", dot, StringComparison.Ordinal);
        Assert.Contains("out [label=\"loss\\n()\\ndata 0.2097\\ngrad 1.0000\"", dot, StringComparison.Ordinal);   // the loss retains its gradient for the drawing
    }

    [Fact]
    public void Two_layer_dot_comes_with_the_same_graph_drawn_as_svg()
    {
        string path = _dir.File("two-layer.dot");
        var json = Lab.Run("two-layer", "--dot", path, "--json").Json();
        var grads = json.GetProperty("first").GetProperty("grads").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var svg = System.Xml.Linq.XDocument.Load(_dir.File("two-layer.svg"));
        var lines = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        for (int i = 1; i <= 8; i++)
            Assert.Contains("grad " + grads[i - 1].ToString("G6", System.Globalization.CultureInfo.InvariantCulture), lines);
        Assert.Contains("w1", lines);
        Assert.Contains("data 0.2", lines);
        Assert.Equal(4, lines.Count(l => l == "SigmoidBackward0"));   // out_h1, out_h2, out_o1, out_o2
        Assert.Equal(5, lines.Count(l => l.StartsWith("grad ", StringComparison.Ordinal)) - 8);   // and the units' and loss's gradients
        Assert.Contains("grad 1", lines);   // dloss/dloss
    }

    [Fact]
    public void Two_layer_dot_refuses_gradients_that_are_not_autograd_s()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            TwoLayerExperiment.Run(new TwoLayerSettings { Gradients = GradientSource.Manual }, drawGraph: true));
        Assert.Equal("two-layer: --dot draws autograd's graph; it needs --gradients autograd or compare (got manual)", e.Message);
    }
}
