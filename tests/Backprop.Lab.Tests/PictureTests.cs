using SkiaSharp;

namespace Backprop.Lab.Tests;

/// <summary>The plots: written where asked, the right size, not blank (decoded with SkiaSharp); the graph's DOT file.</summary>
public sealed class PictureTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Decodes a PNG: the size, and enough dark pixels and colours that something was drawn.</summary>
    internal static void AssertDrawnPng(string path, int width = 800, int height = 500)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        Assert.Equal(width, bitmap.Width);
        Assert.Equal(height, bitmap.Height);
        int dark = 0;
        var colours = new HashSet<uint>();
        for (int y = 0; y < height; y += 2)
            for (int x = 0; x < width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red + c.Green + c.Blue < 200) dark++;
                colours.Add((uint)c);
            }
        Assert.True(dark > 100, $"{path}: only {dark} dark pixels, the picture looks blank");
        Assert.True(colours.Count > 5, $"{path}: only {colours.Count} colours, the picture looks blank");
    }

    [Fact]
    public void Two_layer_plot_draws_the_loss_curve_where_asked()
    {
        string png = _dir.File("sub/loss.png");
        var run = Lab.Run("two-layer", "--epochs", "30", "--plot", png, "--json");
        Assert.Equal(0, run.ExitCode);
        AssertDrawnPng(png);
        string svg = _dir.File("loss.svg");
        Assert.Equal(0, Lab.Run("two-layer", "--epochs", "5", "--plot", svg).ExitCode);
        Assert.Equal("svg", System.Xml.Linq.XDocument.Load(svg).Root!.Name.LocalName);
    }

    [Fact]
    public void The_human_report_draws_into_out()
    {
        Assert.Equal(0, Lab.Run("two-layer", "--epochs", "20", "--out", _dir.Path).ExitCode);
        AssertDrawnPng(_dir.File("two-layer-loss.png"));
        Assert.Equal(0, Lab.Run("linear", "--out", _dir.Path).ExitCode);
        AssertDrawnPng(_dir.File("linear-loss.png"));
        Assert.Equal(0, Lab.Run("three-by-three", "--steps", "3", "--out", _dir.Path).ExitCode);
        AssertDrawnPng(_dir.File("three-by-three-loss.png"));
    }

    [Fact]
    public void Regression_draws_the_points_with_the_fitted_line_and_the_loss_curve()
    {
        var run = Lab.Run("regression", "--data", Lab.TestFile("Golden/points-50.csv"), "--iters", "200",
            "--plot", _dir.File("fit.png"), "--loss-plot", _dir.File("loss.png"), "--json");
        Assert.Equal(0, run.ExitCode);
        AssertDrawnPng(_dir.File("fit.png"));
        AssertDrawnPng(_dir.File("loss.png"));
    }

    [Fact]
    public void Sweep_draws_curves_and_a_heatmap()
    {
        var run = Lab.Run("sweep", "--lrs", "0.5,5,500", "--epochs-list", "1,5,20", "--epochs", "10", "--seeds", "3", "--out", _dir.Path);
        Assert.Equal(0, run.ExitCode);
        AssertDrawnPng(_dir.File("sweep-lr-epochs.png"), 800, 600);
        foreach (var name in new[] { "sweep-lr-curves.png", "sweep-activations.png", "sweep-losses.png", "sweep-init.png" })
            AssertDrawnPng(_dir.File(name));
    }

    [Fact]
    public void Graph_writes_the_recorded_graph_as_dot_and_as_svg_drawn_without_graphviz()
    {
        string dot = _dir.File("j.dot");
        var json = Lab.Run("graph", "--a", "2", "--dot", dot, "--json").Json();
        Assert.Equal(3 * (2 + 2 * 3.0), json.GetProperty("J").GetDouble());
        string text = File.ReadAllText(dot);
        Assert.StartsWith("digraph", text);
        foreach (var node in new[] { "MulBackward0", "AddBackward0", "a\\n", "b\\n", "c\\n", "J\\n" }) Assert.Contains(node, text);

        // The SVG is the library's own drawing: there whether or not Graphviz is installed, one text line per label line.
        var svg = System.Xml.Linq.XDocument.Load(_dir.File("j.svg"));
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        var lines = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.Equal(2, lines.Count(l => l == "MulBackward0"));
        Assert.Equal(1, lines.Count(l => l == "AddBackward0"));
        // a = 2, b = 2, c = 3: J = 24, dJ/da = 3, dJ/db = 3c = 9, dJ/dc = 3b = 6 (the leaves' boxes show data and grad)
        foreach (var line in new[] { "a", "b", "c", "data 2", "data 3", "data 24", "grad 3", "grad 9", "grad 6" }) Assert.Contains(line, lines);
    }
}
