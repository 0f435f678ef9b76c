namespace Backprop.Lab.Tests;

/// <summary>manual-vs-autograd: the verdict on seed 003's first formulas is computed, and right.</summary>
public class ManualVsAutogradTests
{
    /// <summary>The course's first back_propagate, in plain doubles here (independently of the lab's tensors).</summary>
    private static double[] FirstFormulas(double[] w, double x1 = 0.5, double x2 = 0.3, double y1 = 0.23, double y2 = -0.07)
    {
        static double S(double z) => 1 / (1 + Math.Exp(-z));
        double h1 = S(w[0] * x1 + w[2] * x2), h2 = S(w[1] * x1 + w[3] * x2);
        double o1 = S(w[4] * h1 + w[6] * h2), o2 = S(w[5] * h1 + w[7] * h2);
        double d_w5 = (o1 - y1) * o1 * (1 - o1) * h1, d_w7 = (o1 - y1) * o1 * (1 - o1) * h2;
        double d_w6 = (o2 - y2) * o2 * (1 - o2) * h1, d_w8 = (o2 - y2) * o2 * (1 - o2) * h2;
        return [(d_w5 + d_w6) * h1 * (1 - h1) * x1, (d_w7 + d_w8) * h2 * (1 - h2) * x1,
                (d_w5 + d_w6) * h1 * (1 - h1) * x2, (d_w7 + d_w8) * h2 * (1 - h2) * x2, d_w5, d_w6, d_w7, d_w8];
    }

    [Fact]
    public void The_first_formulas_are_wrong_on_w1_to_w4_and_autograd_agrees_with_finite_differences()
    {
        var json = Lab.Run("manual-vs-autograd", "--json").Json();
        var autograd = JsonCompare.Doubles(json.GetProperty("autograd"));
        var golden = JsonCompare.Doubles(JsonCompare.Parse(File.ReadAllText(Lab.TestFile("Golden/two-layer.default.json"))).GetProperty("first").GetProperty("grads"));
        for (int i = 0; i < 8; i++) Assert.Equal(golden[i], autograd[i], 1e-15);

        var first = JsonCompare.Doubles(json.GetProperty("first_formulas"));
        var expected = FirstFormulas([0.2, -0.4, 0.5, 0.6, 0.1, -0.5, -0.3, 0.8]);
        for (int i = 0; i < 8; i++) Assert.Equal(expected[i], first[i], 1e-15);
        var errors = JsonCompare.Doubles(json.GetProperty("first_formulas_errors"));
        for (int i = 0; i < 8; i++) Assert.Equal(Math.Abs(expected[i] - golden[i]), errors[i], 1e-15);

        Assert.Equal(["w1", "w2", "w3", "w4"], json.GetProperty("first_formulas_disagree").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(0, json.GetProperty("corrected_formulas_disagree").GetArrayLength());
        Assert.True(json.GetProperty("autograd_matches_numeric").GetBoolean());
        var corrected = JsonCompare.Doubles(json.GetProperty("seed_correction"));
        for (int i = 0; i < 8; i++) Assert.Equal(golden[i], corrected[i], 1e-15);
        string verdict = json.GetProperty("verdict").GetString()!;
        Assert.Contains("disagree with autograd on w1, w2, w3, w4", verdict);
        Assert.Contains("autograd and the corrected formulas are right", verdict);
    }

    [Fact]
    public void The_verdict_follows_the_numbers_when_the_settings_change()
    {
        // With w5 = w6 = h1-like values the bug would hide; here w6 = w8 = 0 and w5 = w7 = 1: only the missing weights differ.
        var json = Lab.Run("manual-vs-autograd", "--weights", "0.3,0.2,-0.1,0.4,1,0,1,0", "--json").Json();
        var expected = FirstFormulas([0.3, 0.2, -0.1, 0.4, 1, 0, 1, 0]);
        var first = JsonCompare.Doubles(json.GetProperty("first_formulas"));
        for (int i = 0; i < 8; i++) Assert.Equal(expected[i], first[i], 1e-15);
        var autograd = JsonCompare.Doubles(json.GetProperty("autograd"));
        var disagree = json.GetProperty("first_formulas_disagree").EnumerateArray().Select(e => e.GetString()).ToList();
        for (int i = 0; i < 8; i++)
            Assert.Equal(Math.Abs(first[i] - autograd[i]) > 1e-7 * Math.Max(1, Math.Abs(autograd[i])), disagree.Contains($"w{i + 1}"));
    }

    [Fact]
    public void The_human_report_shows_the_table_and_the_verdict()
    {
        var run = Lab.Run("manual-vs-autograd");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("d_w1 = (d_w5 + d_w6) * out_h1 * (1 - out_h1) * x1", run.Stdout);
        Assert.Contains("verdict: the first hand-derived formulas disagree with autograd on w1, w2, w3, w4", run.Stdout);
    }
}
