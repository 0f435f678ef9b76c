namespace Backprop.Lab.Tests;

/// <summary>
/// Every golden record of lab_torch.py (copied from shared/peer/golden/ into Golden/) reproduced through --json, to 1e-9
/// relative. The settings are in the file names; the arguments are lab_torch.py's for the same run.
/// </summary>
public class GoldenTests
{
    public static TheoryData<string, string[]> Cases() => new()
    {
        { "two-layer.default.json", ["two-layer"] },
        { "two-layer.mse-10.json", ["two-layer", "--loss", "mse", "--epochs", "10"] },
        { "two-layer.ce-10.json", ["two-layer", "--loss", "cross-entropy", "--epochs", "10"] },
        { "two-layer.relu-10.json", ["two-layer", "--activation", "relu", "--epochs", "10"] },
        { "two-layer.adam-tanh-100.json", ["two-layer", "--activation", "tanh", "--optimizer", "adam", "--epochs", "100", "--lr", "0.5"] },
        { "three-by-three.default.json", ["three-by-three"] },
        { "three-by-three.sgd-20.json", ["three-by-three", "--optimizer", "sgd", "--steps", "20"] },
        { "linear.default.json", ["linear"] },
        { "graph.default.json", ["graph"] },
        { "regression.points-50.json", ["regression", "--data", "Golden/points-50.csv"] },
        { "regression.points-50.module.json", ["regression", "--data", "Golden/points-50.csv", "--mode", "module", "--iters", "3000", "--lr", "0.001"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Json_record_matches_lab_torch_to_1e_9(string golden, string[] args)
    {
        var expected = JsonCompare.Parse(File.ReadAllText(Lab.TestFile(Path.Combine("Golden", golden))));
        var actual = Lab.Run([.. args.Select(a => a.StartsWith("Golden/", StringComparison.Ordinal) ? Lab.TestFile(a) : a), "--json"]).Json();
        JsonCompare.Equal(expected, actual, 1e-9);
    }

    [Fact]
    public void Every_golden_file_has_a_case()
    {
        var covered = Cases().Select(row => (string)row[0]).ToHashSet();
        var files = Directory.GetFiles(Lab.TestFile("Golden"), "*.json").Select(Path.GetFileName).ToList();
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.Contains(f!, covered));
    }

    [Fact]
    public void An_equal_record_is_the_same_text_as_lab_torch_prints()
    {
        // Floats are laid out as Python's repr lays them out, keys and separators as json.dumps writes them.
        Assert.Equal(File.ReadAllText(Lab.TestFile("Golden/graph.default.json")).TrimEnd(), Lab.Run("graph", "--json").Stdout.TrimEnd());
    }

    [Theory]
    [InlineData("two-layer.mse-10.json", new[] { "two-layer", "--loss", "mse", "--epochs", "10" })]
    [InlineData("three-by-three.sgd-20.json", new[] { "three-by-three", "--optimizer", "sgd", "--steps", "20" })]
    [InlineData("two-layer.ce-10.json", new[] { "two-layer", "--loss", "cross-entropy", "--epochs", "10" })]
    public void Float32_runs_agree_with_the_float64_record_to_float32_precision(string golden, string[] args)
    {
        var expected = JsonCompare.Parse(File.ReadAllText(Lab.TestFile(Path.Combine("Golden", golden))));
        var actual = Lab.Run([.. args, "--dtype", "float32", "--json"]).Json();
        JsonCompare.Equal(expected, actual, 2e-4);
    }
}
