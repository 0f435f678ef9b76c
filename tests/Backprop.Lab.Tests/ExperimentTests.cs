namespace Backprop.Lab.Tests;

/// <summary>The lab's own experiments (broadcast, sweep) and the human reports of lab_torch.py's.</summary>
public class ExperimentTests
{
    [Fact]
    public void Broadcast_runs_the_seed_s_examples_and_failing_cases()
    {
        var cases = Lab.Run("broadcast", "--json").Json().GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal("[1,2,3]", cases[0].GetProperty("a").GetString());
        Assert.Equal("[[1],[2],[3]]", cases[0].GetProperty("b").GetString());
        Assert.Equal([3, 3], cases[0].GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        // print(a + b) in the seed: tensor([[2., 3., 4.], [3., 4., 5.], [4., 5., 6.]]), and b + a the same.
        double[][] table = [[2, 3, 4], [3, 4, 5], [4, 5, 6]];
        for (int c = 0; c < 2; c++)
            Assert.Equal(table, cases[c].GetProperty("result").EnumerateArray().Select(r => JsonCompare.Doubles(r)).ToArray());
        // PyTorch's messages for a + torch.Tensor([2,3]) and a + torch.Tensor([]).
        Assert.False(cases[2].GetProperty("ok").GetBoolean());
        Assert.Contains("The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0", cases[2].GetProperty("error").GetString());
        Assert.Contains("The size of tensor a (3) must match the size of tensor b (0) at non-singleton dimension 0", cases[3].GetProperty("error").GetString());
        Assert.True(cases[4].GetProperty("ok").GetBoolean());
    }

    [Fact]
    public void Broadcast_takes_any_two_nested_lists()
    {
        var c = Lab.Run("broadcast", "--a", "[[1],[2]]", "--b", "[10, 20, 30]", "--op", "mul", "--json").Json().GetProperty("cases")[0];
        Assert.Equal([2, 3], c.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.Equal([[10.0, 20, 30], [20.0, 40, 60]], c.GetProperty("result").EnumerateArray().Select(r => JsonCompare.Doubles(r)).ToArray());
        var human = Lab.Run("broadcast", "--a", "[[1,2,3],[4,5,6]]", "--b", "[1,2]");
        Assert.Equal(0, human.ExitCode);
        Assert.Contains("dim 1: 3 vs 2: different and neither is 1: cannot broadcast", human.Stdout);
        Assert.Contains("error: Add: The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1", human.Stdout);
        var scalar = Lab.Run("broadcast", "--a", "5", "--b", "[[1],[2]]", "--json").Json().GetProperty("cases")[0];
        Assert.Equal([[6.0], [7.0]], scalar.GetProperty("result").EnumerateArray().Select(r => JsonCompare.Doubles(r)).ToArray());
    }

    [Fact]
    public void Sweep_records_every_comparison_with_its_own_keys()
    {
        var json = Lab.Run("sweep", "--lrs", "1,1000", "--epochs-list", "1,10", "--epochs", "12", "--seeds", "0,1", "--json").Json();
        Assert.Equal(["experiment", "lr_epochs", "activations", "losses", "init"], json.EnumerateObject().Select(p => p.Name).ToArray());
        var grid = json.GetProperty("lr_epochs");
        Assert.Equal(2, grid.GetProperty("loss_after").GetArrayLength());
        // lr 1, 1 epoch: the loss after one SGD step of the seeds' network (0.195033..., as manual-vs-autograd finds).
        Assert.Equal(0.195033, grid.GetProperty("loss_after")[0][0].GetDouble(), 1e-6);
        // lr 1000 saturates the sigmoids: the loss stays at ½(y1² + y2²) = 0.0289.
        Assert.Equal(0.0289, grid.GetProperty("loss_after")[1][1].GetDouble(), 1e-9);
        var activations = json.GetProperty("activations").GetProperty("curves");
        Assert.Equal(["sigmoid", "relu", "tanh"], activations.EnumerateObject().Select(p => p.Name).ToArray());
        // The relu curve is the golden relu-10 record's losses.
        var relu = JsonCompare.Doubles(JsonCompare.Parse(File.ReadAllText(Lab.TestFile("Golden/two-layer.relu-10.json"))).GetProperty("losses"));
        var sweepRelu = JsonCompare.Doubles(activations.GetProperty("relu"));
        for (int i = 0; i < 10; i++) Assert.Equal(relu[i], sweepRelu[i], 1e-12);
        var grads = json.GetProperty("losses").GetProperty("first_grads");
        var half = JsonCompare.Doubles(grads.GetProperty("half-mse"));
        var perOutput = JsonCompare.Doubles(grads.GetProperty("mse-per-output"));
        for (int i = 0; i < 8; i++) Assert.Equal(2 * half[i], perOutput[i], 1e-15);
        Assert.Equal(2, json.GetProperty("init").GetProperty("random").GetArrayLength());
    }

    [Fact]
    public void Three_by_three_shows_the_hand_written_gradient_and_optimizers_agreeing()
    {
        using var dir = new TempDir();
        var run = Lab.Run("three-by-three", "--steps", "4", "--out", dir.Path);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("hand-written (transposed)", run.Stdout);
        Assert.Contains("largest difference between the library's Adam and the hand-written one over all steps: 0.00E+00", run.Stdout);
        var sgd = Lab.Run("three-by-three", "--optimizer", "sgd", "--steps", "3", "--out", dir.Path);
        Assert.Contains("the library's SGD and the hand-written one", sgd.Stdout);
    }

    [Fact]
    public void Linear_regression_and_graph_print_their_reports()
    {
        using var dir = new TempDir();
        var linear = Lab.Run("linear", "--out", dir.Path);
        Assert.Equal(0, linear.ExitCode);
        Assert.Contains("predict before: x = 4, y = 4", linear.Stdout);
        Assert.Contains("predict after: x = 4, y = 7.99999", linear.Stdout);
        var regression = Lab.Run("regression", "--points", "100", "--iters", "300", "--out", dir.Path);
        Assert.Equal(0, regression.ExitCode);
        Assert.Contains("(the data were made with w = 3, b = 1)", regression.Stdout);
        var graph = Lab.Run("graph", "--out", dir.Path);
        Assert.Contains("dJ/db", graph.Stdout);
        Assert.Contains("3 · 1 · c = 3·3", graph.Stdout);
    }
}
