namespace Backprop.Lab.Tests;

/// <summary>The command line: --help everywhere, and bad input ending with a message naming the culprit and exit code 2.</summary>
public class CommandLineTests
{
    private static readonly string[] Names =
        ["two-layer", "manual-vs-autograd", "three-by-three", "linear", "regression", "graph", "broadcast", "sweep", "fashion-mnist", "all"];

    public static TheoryData<string> Experiments() => new(Names);

    [Theory]
    [MemberData(nameof(Experiments))]
    public void Help_on_every_experiment_lists_its_options_and_exits_0(string experiment)
    {
        var run = Lab.Run(experiment, "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"Backprop.Lab {experiment} [options]", run.Stdout);
        Assert.Contains("--json", run.Stdout);
        Assert.Contains("--out", run.Stdout);
    }

    [Fact]
    public void Help_at_the_top_lists_every_experiment()
    {
        var run = Lab.Run("--help");
        Assert.Equal(0, run.ExitCode);
        foreach (var experiment in Names) Assert.Contains(experiment, run.Stdout);
    }

    [Fact]
    public void Two_layer_help_names_every_lab_torch_option_and_the_lab_s_own()
    {
        var help = Lab.Run("two-layer", "--help").Stdout;
        foreach (var option in new[] { "--x", "--y", "--weights", "--activation", "--loss", "--optimizer", "--lr", "--epochs", "--init", "--seed",
                     "--gradients", "--explain", "--plot", "--dtype" })
            Assert.Contains(option, help);
        Assert.Contains("[default: 0.2,-0.4,0.5,0.6,0.1,-0.5,-0.3,0.8]", help);
    }

    private static void AssertBadInput(LabOutput run, params string[] messageParts)
    {
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        foreach (var part in messageParts) Assert.Contains(part, run.Stderr);
    }

    [Fact]
    public void Unknown_experiment_prints_the_usage_and_exits_2()
    {
        var run = Lab.Run("no-such-experiment");
        AssertBadInput(run, "'no-such-experiment'", "Usage:", "two-layer");
    }

    [Fact]
    public void Unknown_option_prints_the_experiment_s_usage_and_exits_2()
        => AssertBadInput(Lab.Run("two-layer", "--bogus", "1"), "'--bogus'", "Backprop.Lab two-layer [options]");

    [Theory]
    [InlineData("--lr", "abc", "--lr: 'abc' is not a number")]
    [InlineData("--epochs", "1.5", "--epochs: '1.5' is not a whole number")]
    [InlineData("--epochs", "0", "--epochs: must be at least 1")]
    [InlineData("--seed", "x", "--seed: 'x' is not a whole number")]
    [InlineData("--x", "0.5,abc", "--x: 'abc' (item 2 of '0.5,abc') is not a number")]
    [InlineData("--x", "0.5", "--x: expected 2 comma-separated numbers, got 1")]
    [InlineData("--weights", "0.2,-0.4,0.5,0.6,0.1,-0.5,-0.3", "--weights: expected 8 comma-separated numbers, got 7")]
    [InlineData("--activation", "softmax", "softmax")]
    [InlineData("--dtype", "float16", "float16")]
    public void Malformed_values_name_the_option_and_exit_2(string option, string value, string message)
        => AssertBadInput(Lab.Run("two-layer", option, value, "--json"), message);

    [Fact]
    public void A_setting_the_library_refuses_is_bad_input_too()
        => AssertBadInput(Lab.Run("two-layer", "--lr", "-1", "--json"), "SGD: Invalid learning rate: -1");

    [Fact]
    public void Nine_weights_in_three_by_three_are_counted()
        => AssertBadInput(Lab.Run("three-by-three", "--weights", "1,2,3,4,5,6,7,8"), "--weights: expected 9 comma-separated numbers, got 8");

    [Fact]
    public void Linear_needs_one_target_per_input()
        => AssertBadInput(Lab.Run("linear", "--x", "1,2"), "--x and --y: 2 inputs but 3 targets");

    [Fact]
    public void A_missing_csv_names_the_option_and_the_file()
        => AssertBadInput(Lab.Run("regression", "--data", "/no/such/points.csv", "--json"), "--data: cannot read '/no/such/points.csv'");

    [Fact]
    public void A_bad_csv_row_names_its_line()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.csv");
        File.WriteAllText(path, "x,y\n0.1,1.3\n0.2,oops\n");
        AssertBadInput(Lab.Run("regression", "--data", path, "--json"), "line 3", "'oops' is not a number");
        File.WriteAllText(path, "x,y\n0.1\n");
        AssertBadInput(Lab.Run("regression", "--data", path), "line 2", "expected two fields");
        File.WriteAllText(path, "x,y\n");
        AssertBadInput(Lab.Run("regression", "--data", path), "has no x,y rows");
    }

    [Fact]
    public void A_ragged_nested_list_names_the_option()
        => AssertBadInput(Lab.Run("broadcast", "--a", "[[1,2],[3]]"), "--a: ragged list", "Usage:");

    [Fact]
    public void Numbers_parse_in_the_invariant_culture_whatever_the_thread_culture()
    {
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            // A culture with a decimal comma (the build is globalization-invariant, so made by hand).
            var comma = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            comma.NumberFormat.NumberGroupSeparator = ".";
            System.Globalization.CultureInfo.CurrentCulture = comma;
            var run = Lab.Run("graph", "--a", "1.5", "--json");
            Assert.Equal(3 * (1.5 + 6), run.Json().GetProperty("J").GetDouble());
            Assert.Contains("\"J\": 22.5", run.Stdout);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }
}
