using Backprop;
using Backprop.NN;
using Backprop.Optim;

namespace Backprop.Tests.Optim;

/// <summary>
/// The seeds' training runs through the library's modules and optimizers (no hand-written updates), against
/// ../shared/peer/lab_torch.py's goldens: two-layer --optimizer adam --activation tanh --epochs 100 (lr 0.5: the
/// setting that reproduces that golden), and three-by-three with Adam (1 step, lr 1e-3) and SGD (20 steps, lr 0.1).
/// </summary>
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class GoldenTrainingTests
{
    private const double Tolerance = 1e-9;

    /// <summary>Seed 000's network as two Linear(2, 2, bias: false) layers: row i of a weight holds the weights into unit i.</summary>
    private static Sequential TwoLayer(Module<Tensor, Tensor> activation)
    {
        var hidden = new Linear(2, 2, bias: false, dtype: DType.Float64);
        var output = new Linear(2, 2, bias: false, dtype: DType.Float64);
        hidden.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = Tensor.From(new[,] { { 0.2, 0.5 }, { -0.4, 0.6 } }) });   // [[w1, w3], [w2, w4]]
        output.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = Tensor.From(new[,] { { 0.1, -0.3 }, { -0.5, 0.8 } }) });  // [[w5, w7], [w6, w8]]
        return new Sequential(hidden, activation, output, activation);
    }

    [Fact]
    public void Two_layer_tanh_network_trained_100_steps_with_Adam_matches_PyTorch()
    {
        var golden = GoldenFile.Read("two-layer.adam-tanh-100.json");
        var model = TwoLayer(new Tanh());
        var optimizer = new Adam(model.Parameters(), lr: 0.5);
        var x = Tensor.From(new[] { 0.5, 0.3 });
        var y = Tensor.From(new[] { 0.23, -0.07 });
        var loss = new MSELoss();   // the mean over two outputs is the seeds' ½Σ(o − y)²
        var losses = new List<double>();
        for (int epoch = 0; epoch < 100; epoch++)
        {
            optimizer.ZeroGrad();
            var l = loss.Forward(model.Forward(x), y);
            l.Backward();
            losses.Add(l.Item());
            optimizer.Step();
        }
        var expectedLosses = GoldenFile.Doubles(golden.GetProperty("losses"));
        for (int i = 0; i < expectedLosses.Length; i++)
            Assert.True(Math.Abs(expectedLosses[i] - losses[i]) <= Tolerance * Math.Abs(expectedLosses[i]),
                $"loss {i}: expected {expectedLosses[i]:R}, got {losses[i]:R}");
        var w = GoldenFile.Doubles(golden.GetProperty("final_weights"));   // w1..w8
        var state = model.StateDict();
        TensorAssert.Close([w[0], w[2], w[1], w[3]], state["0.weight"], Tolerance, 1e-15);
        TensorAssert.Close([w[4], w[6], w[5], w[7]], state["2.weight"], Tolerance, 1e-15);
    }

    private static (Sequential Model, Linear Layer) ThreeByThree()
    {
        var layer = new Linear(3, 3, bias: false, dtype: DType.Float64);
        layer.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = Tensor.From(new[] { 0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 0.9 }, 3, 3) });
        return (new Sequential(layer, new Sigmoid()), layer);
    }

    [Theory]
    [InlineData("three-by-three.default.json", "adam", 1e-3)]
    [InlineData("three-by-three.sgd-20.json", "sgd", 0.1)]
    public void Three_by_three_layer_trained_with_the_librarys_optimizer_matches_PyTorch(string file, string optimizerName, double lr)
    {
        var golden = GoldenFile.Read(file);
        var (model, layer) = ThreeByThree();
        Optimizer optimizer = optimizerName == "adam" ? new Adam(model.Parameters(), lr: lr) : new SGD(model.Parameters(), lr: lr);
        var x = Tensor.From(new[] { -0.5, 0.1, 1.1 }, 1, 3);
        var y = Tensor.From(new[] { 0.1, 0.2, 9.9 }, 1, 3);
        var expectedLosses = GoldenFile.Doubles(golden.GetProperty("losses"));
        for (int step = 0; step < expectedLosses.Length; step++)
        {
            optimizer.ZeroGrad();
            var loss = F.MseLoss(model.Forward(x), y);
            loss.Backward();
            if (step == 0) TensorAssert.Close(GoldenFile.Doubles(golden.GetProperty("first_grad")), layer.Weight.Grad!, Tolerance, 1e-15);
            TensorAssert.Close(expectedLosses[step], loss, Tolerance, 0);
            optimizer.Step();
        }
        TensorAssert.Close([3, 3], GoldenFile.Doubles(golden.GetProperty("final_weights")), layer.Weight, Tolerance, 1e-15);
    }
}
