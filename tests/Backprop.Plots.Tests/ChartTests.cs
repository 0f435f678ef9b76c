using Backprop.Plots;
using SkiaSharp;

namespace Backprop.Plots.Tests;

public sealed class ChartTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "backprop-plots-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Decodes a PNG and checks its size and that it is not one flat colour: some pixels are dark (lines, text).</summary>
    private static void AssertDrawnPng(string path, int width, int height)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        Assert.Equal(width, bitmap.Width);
        Assert.Equal(height, bitmap.Height);
        int dark = 0, distinct = 0;
        var seen = new HashSet<uint>();
        for (int y = 0; y < height; y += 2)
            for (int x = 0; x < width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red + c.Green + c.Blue < 200) dark++;
                if (seen.Add((uint)c)) distinct++;
            }
        Assert.True(dark > 100, $"only {dark} dark pixels: the image looks blank");
        Assert.True(distinct > 5, $"only {distinct} colours: the image looks blank");
    }

    [Fact]
    public void Lines_writes_a_png_of_the_requested_size()
    {
        string path = Path.Combine(_dir, "loss.png");
        Chart.Lines(path, [new Series("sgd", [1.0, 0.5, 0.25, 0.2]), new Series("adam", [1.0, 0.3, 0.1, 0.05])], "loss per epoch");
        AssertDrawnPng(path, 800, 500);
    }

    [Fact]
    public void Lines_with_a_log_axis_and_custom_size()
    {
        string path = Path.Combine(_dir, "sub", "log.png");
        Chart.Lines(path, [new Series("loss", Enumerable.Range(1, 50).Select(i => Math.Exp(-0.2 * i)).ToArray())], "decay", logY: true, width: 640, height: 480);
        AssertDrawnPng(path, 640, 480);
    }

    [Fact]
    public void Lines_writes_svg_by_extension()
    {
        string path = Path.Combine(_dir, "loss.svg");
        Chart.Lines(path, [new Series("loss", [3.0, 2.0, 1.0])], "loss");
        string text = File.ReadAllText(path);
        var svg = System.Xml.Linq.XDocument.Parse(text).Root!;
        Assert.Equal("svg", svg.Name.LocalName);
        Assert.Equal("800", (string?)svg.Attribute("width"));
        Assert.Equal("500", (string?)svg.Attribute("height"));
        Assert.Contains("loss", text);
    }

    [Fact]
    public void ScatterWithLine_draws_points_and_fit()
    {
        string path = Path.Combine(_dir, "fit.png");
        var xs = Enumerable.Range(0, 50).Select(i => i / 10.0).ToArray();
        var ys = xs.Select(x => 3 * x + 1 + Math.Sin(x * 7) * 0.3).ToArray();
        Chart.ScatterWithLine(path, xs, ys, 3, 1, "y = 3x + 1");
        AssertDrawnPng(path, 800, 500);
    }

    [Fact]
    public void Heatmap_draws_a_grid_with_labels()
    {
        string path = Path.Combine(_dir, "heat.png");
        var values = new double[,] { { 0.1, 0.5, 0.9 }, { 0.2, 0.4, 0.8 } };
        Chart.Heatmap(path, values, ["lr 0.1", "lr 1"], ["1", "10", "100"], "final loss", "epochs", "learning rate");
        AssertDrawnPng(path, 800, 600);
    }

    [Fact]
    public void Bad_arguments_throw_and_write_nothing()
    {
        string path = Path.Combine(_dir, "bad.png");
        Assert.Throws<ArgumentException>(() => Chart.Lines(path, [], "x"));
        Assert.Throws<ArgumentException>(() => Chart.Lines(path, [new Series("a", [])], "x"));
        Assert.Throws<ArgumentException>(() => Chart.Lines(Path.Combine(_dir, "a.jpg"), [new Series("a", [1.0])], "x"));
        Assert.Throws<ArgumentException>(() => Chart.ScatterWithLine(path, [1.0, 2.0], [1.0], 1, 0, "x"));
        Assert.Throws<ArgumentException>(() => Chart.Heatmap(path, new double[2, 2], ["a"], ["a", "b"], "t", "x", "y"));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.Exists(_dir) ? Directory.GetFiles(_dir, "*", SearchOption.AllDirectories) : []);
    }

    [Fact]
    public void Overwriting_replaces_the_whole_file_and_leaves_no_temporary_file()
    {
        string path = Path.Combine(_dir, "again.png");
        Chart.Lines(path, [new Series("a", [1.0, 2.0])], "first");
        Chart.Lines(path, [new Series("b", [2.0, 1.0])], "second", width: 300, height: 200);
        AssertDrawnPng(path, 300, 200);
        Assert.Single(Directory.GetFiles(_dir));
    }
}
