using System.Globalization;
using System.Text.RegularExpressions;

namespace Backprop.Lab.Tests;

/// <summary>two-layer beyond the golden records: the gradient sources, --explain's chain-rule lines, random initial weights.</summary>
public partial class TwoLayerTests
{
    private static double[] GoldenGrads() => JsonCompare.Doubles(JsonCompare.Parse(File.ReadAllText(Lab.TestFile("Golden/two-layer.default.json")))
        .GetProperty("first").GetProperty("grads"));

    [Theory]
    [InlineData("manual", 1e-9)]
    [InlineData("numeric", 1e-6)]
    [InlineData("compare", 1e-9)]
    public void Every_gradient_source_trains_to_pytorch_s_record(string source, double tolerance)
    {
        var expected = JsonCompare.Parse(File.ReadAllText(Lab.TestFile("Golden/two-layer.mse-10.json")));
        var actual = Lab.Run("two-layer", "--loss", "mse", "--epochs", "10", "--gradients", source, "--json").Json();
        JsonCompare.Equal(expected, actual, tolerance);
    }

    [Theory]
    [InlineData("relu", "cross-entropy")]
    [InlineData("tanh", "mse")]
    public void Hand_derived_formulas_follow_the_activation_and_the_loss(string activation, string loss)
    {
        var auto = Lab.Run("two-layer", "--activation", activation, "--loss", loss, "--epochs", "5", "--json").Json();
        var manual = Lab.Run("two-layer", "--activation", activation, "--loss", loss, "--epochs", "5", "--gradients", "manual", "--json").Json();
        JsonCompare.Equal(auto, manual, 1e-12);
    }

    [Fact]
    public void Compare_shows_the_three_gradients_and_their_largest_differences()
    {
        using var dir = new TempDir();
        var run = Lab.Run("two-layer", "--gradients", "compare", "--out", dir.Path);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("finite differences", run.Stdout);
        var match = Regex.Match(run.Stdout, @"largest difference: hand-derived (\S+), finite differences (\S+)");
        Assert.True(match.Success, run.Stdout);
        Assert.True(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) < 1e-15);
        Assert.True(double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) < 1e-9);
    }

    [GeneratedRegex(@"^\s*dL/dw(\d) = .*\n\s+= (?:.*\n\s+= )?(.*) = (\S+)$", RegexOptions.Multiline)]
    private static partial Regex ChainRuleLine();

    [Fact]
    public void Explain_prints_each_weight_s_chain_rule_product_with_pytorch_s_numbers()
    {
        using var dir = new TempDir();
        var run = Lab.Run("two-layer", "--explain", "--out", dir.Path);
        Assert.Equal(0, run.ExitCode);
        string text = run.Stdout;
        // The forward values, as PyTorch computes them (h1 = sigmoid(0.25), o1 and o2 from the golden record).
        Assert.Contains("in_h1 = w1·x1 + w3·x2 = 0.2·0.5 + 0.5·0.3 = 0.25", text);
        Assert.Contains("h1 = sigmoid(in_h1) = 0.562177", text);
        Assert.Contains("o1 = sigmoid(in_o1) = 0.476946", text);
        Assert.Contains("o2 = sigmoid(in_o2) = 0.528696", text);
        Assert.Contains("L = ½(o1 - y1)² + ½(o2 - y2)² = 0.20971", text);
        // The brief's example: dL/dw5 = (o1 - y1) · o1(1 - o1) · h1 = ... with its numbers.
        Assert.Contains("dL/dw5 = dL/do1 · do1/din_o1 · din_o1/dw5 = (o1 - y1) · o1(1 - o1) · h1", text);
        Assert.Contains("= (0.476946 - 0.23) · 0.476946·(1 - 0.476946) · 0.562177 = 0.034633", text);
        Assert.Contains("dL/dw1 = (dL/do1 · do1/din_o1 · w5 + dL/do2 · do2/din_o2 · w6) · dh1/din_h1 · x1", text);

        var golden = GoldenGrads();
        var found = ChainRuleLine().Matches(text).ToDictionary(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            m => double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
        Assert.Equal(8, found.Count);
        for (int i = 1; i <= 8; i++)
            Assert.True(Math.Abs(found[i] - golden[i - 1]) <= 1e-5 * Math.Abs(golden[i - 1]), $"dL/dw{i}: printed {found[i]}, PyTorch {golden[i - 1]}");
        // The update with lr 1: w5 = 0.1 - 1 · 0.034633 = 0.065367 (PyTorch's final w5 is 0.06536701071316228).
        Assert.Contains("w5 = 0.1 - 1 · 0.034633 = 0.065367", text);
    }

    [Fact]
    public void Explain_writes_the_activation_s_slope_and_the_loss_s_derivative()
    {
        using var dir = new TempDir();
        string relu = Lab.Run("two-layer", "--explain", "--activation", "relu", "--out", dir.Path).Stdout;
        Assert.Contains("do1/din_o1 = [o1 > 0]", relu);
        string ce = Lab.Run("two-layer", "--explain", "--loss", "cross-entropy", "--out", dir.Path).Stdout;
        Assert.Contains("dL/do1 = (p1(y1 + y2) - y1)", ce);
        Assert.Contains("p = softmax(o1, o2)", ce);
    }

    [Fact]
    public void Random_init_draws_torch_rand_after_manual_seed()
    {
        // torch.manual_seed(0); [torch.rand(1).item() for _ in range(8)] in PyTorch 1.13.
        double[] torchRand = [0.49625658988952637, 0.7682217955589294, 0.08847743272781372, 0.13203048706054688,
                              0.30742281675338745, 0.6340786814689636, 0.4900934100151062, 0.8964447379112244];
        var json = Lab.Run("two-layer", "--init", "random", "--seed", "0", "--lr", "0", "--json").Json();
        var final = JsonCompare.Doubles(json.GetProperty("final_weights"));
        Assert.Equal(torchRand, final);
    }
}
