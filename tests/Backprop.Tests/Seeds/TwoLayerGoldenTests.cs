using Backprop;

namespace Backprop.Tests.Seeds;

/// <summary>
/// Seeds 000 and 003: the 2-2-2 sigmoid network, against PyTorch's numbers from ../shared/peer/lab_torch.py
/// (copied into Golden/: two-layer.default.json is `lab_torch.py two-layer`, the others add the options in their names).
/// </summary>
public class TwoLayerGoldenTests
{
    private static readonly double[] Inputs = [0.5, 0.3];
    private static readonly double[] Targets = [0.23, -0.07];
    private static readonly double[] SeedWeights = [0.2, -0.4, 0.5, 0.6, 0.1, -0.5, -0.3, 0.8];

    private const double Float64Tolerance = 1e-9;

    [Fact]
    public void Forward_gives_pytorchs_hidden_values_and_outputs()
    {
        var golden = GoldenFile.Read("two-layer.default.json").GetProperty("first");
        var net = new Network(DType.Float64, Activation.Sigmoid);
        var (h1, h2, o1, o2, _) = net.Forward(Loss.HalfSquaredError);

        // torch.sigmoid(w1*x1 + w3*x2), torch.sigmoid(w2*x1 + w4*x2) in float64
        TensorAssert.Close(0.5621765008857981, h1, Float64Tolerance, 0);
        TensorAssert.Close(0.4950001666600003, h2, Float64Tolerance, 0);
        var outputs = GoldenFile.Doubles(golden.GetProperty("outputs"));
        TensorAssert.Close(outputs[0], o1, Float64Tolerance, 0);
        TensorAssert.Close(outputs[1], o2, Float64Tolerance, 0);
    }

    [Fact]
    public void Half_squared_error_loss_matches_pytorch()
    {
        var golden = GoldenFile.Read("two-layer.default.json");
        var loss = new Network(DType.Float64, Activation.Sigmoid).Forward(Loss.HalfSquaredError).Loss;
        Assert.Equal(DType.Float64, loss.DType);
        Assert.Equal(0, loss.Dim);
        TensorAssert.Close(golden.GetProperty("first").GetProperty("loss").GetDouble(), loss, Float64Tolerance, 0);
        TensorAssert.Close(golden.GetProperty("losses")[0].GetDouble(), loss, Float64Tolerance, 0);
    }

    [Fact]
    public void Backward_gives_pytorchs_gradients_for_all_eight_weights()
    {
        var expected = GoldenFile.Doubles(GoldenFile.Read("two-layer.default.json").GetProperty("first").GetProperty("grads"));
        var net = new Network(DType.Float64, Activation.Sigmoid);
        net.Forward(Loss.HalfSquaredError).Loss.Backward();
        for (int i = 0; i < 8; i++)
        {
            Assert.True(net.W[i].Grad is not null, $"w{i + 1} has no gradient");
            AssertClose(expected[i], net.W[i].Grad!.Item(), Float64Tolerance, $"dL/dw{i + 1}");
        }
    }

    [Fact]
    public void Gradients_agree_with_the_seeds_hand_derived_chain_rule()
    {
        // Seed 003's corrected back_propagate, in plain doubles: δo = (o − y)·o(1 − o), δh = Σ δo·w·h(1 − h).
        double x1 = Inputs[0], x2 = Inputs[1], y1 = Targets[0], y2 = Targets[1];
        double w1 = SeedWeights[0], w2 = SeedWeights[1], w3 = SeedWeights[2], w4 = SeedWeights[3];
        double w5 = SeedWeights[4], w6 = SeedWeights[5], w7 = SeedWeights[6], w8 = SeedWeights[7];
        double h1 = 1 / (1 + Math.Exp(-(w1 * x1 + w3 * x2))), h2 = 1 / (1 + Math.Exp(-(w2 * x1 + w4 * x2)));
        double o1 = 1 / (1 + Math.Exp(-(w5 * h1 + w7 * h2))), o2 = 1 / (1 + Math.Exp(-(w6 * h1 + w8 * h2)));
        double d1 = (o1 - y1) * o1 * (1 - o1), d2 = (o2 - y2) * o2 * (1 - o2);
        double e1 = (d1 * w5 + d2 * w6) * h1 * (1 - h1), e2 = (d1 * w7 + d2 * w8) * h2 * (1 - h2);
        double[] byHand = [e1 * x1, e2 * x1, e1 * x2, e2 * x2, d1 * h1, d2 * h1, d1 * h2, d2 * h2];

        var net = new Network(DType.Float64, Activation.Sigmoid);
        net.Forward(Loss.HalfSquaredError).Loss.Backward();
        for (int i = 0; i < 8; i++) AssertClose(byHand[i], net.W[i].Grad!.Item(), 1e-12, $"dL/dw{i + 1}");
    }

    [Fact]
    public void Sgd_step_with_lr_1_gives_pytorchs_updated_weights()
    {
        var expected = GoldenFile.Doubles(GoldenFile.Read("two-layer.default.json").GetProperty("final_weights"));
        var net = new Network(DType.Float64, Activation.Sigmoid);
        net.Train(Loss.HalfSquaredError, lr: 1, steps: 1);
        for (int i = 0; i < 8; i++) AssertClose(expected[i], net.W[i].Item(), Float64Tolerance, $"w{i + 1}");
    }

    [Fact]
    public void Update_under_NoGrad_keeps_weights_as_leaves_and_zeroing_clears_gradients()
    {
        var net = new Network(DType.Float64, Activation.Sigmoid);
        net.Train(Loss.HalfSquaredError, lr: 1, steps: 1);
        foreach (var w in net.W)
        {
            Assert.True(w.IsLeaf);
            Assert.True(w.RequiresGrad);
            Assert.Null(w.GradFn);
            Assert.Equal(0.0, w.Grad!.Item());
        }
    }

    [Fact]
    public void Graph_nodes_carry_pytorchs_backward_names()
    {
        var (h1, _, o1, _, loss) = new Network(DType.Float64, Activation.Sigmoid).Forward(Loss.HalfSquaredError);
        Assert.Equal("SumBackward0", loss.GradFn!.Name);
        Assert.Equal("AddBackward0", loss.GradFn.NextFunctions[0]!.Name);
        Assert.Equal("SigmoidBackward0", o1.GradFn!.Name);
        Assert.Equal("SigmoidBackward0", h1.GradFn!.Name);
    }

    [Fact]
    public void Ten_sgd_steps_on_mean_squared_error_follow_pytorchs_losses_and_weights()
    {
        var golden = GoldenFile.Read("two-layer.mse-10.json");
        var net = new Network(DType.Float64, Activation.Sigmoid);
        var losses = net.Train(Loss.MeanSquaredError, lr: 1, steps: 10);
        AssertAllClose(GoldenFile.Doubles(golden.GetProperty("losses")), losses, Float64Tolerance, "loss");
        AssertAllClose(GoldenFile.Doubles(golden.GetProperty("final_weights")), net.Values(), Float64Tolerance, "w");
    }

    [Fact]
    public void Ten_sgd_steps_with_relu_follow_pytorch_including_dead_units()
    {
        var golden = GoldenFile.Read("two-layer.relu-10.json");
        var net = new Network(DType.Float64, Activation.Relu);
        var (_, _, o1, o2, _) = net.Forward(Loss.HalfSquaredError);
        var outputs = GoldenFile.Doubles(golden.GetProperty("first").GetProperty("outputs"));
        TensorAssert.Close(outputs[0], o1, Float64Tolerance, 0);
        TensorAssert.Close(outputs[1], o2, Float64Tolerance, 0);   // 0: o2's unit is dead, so w2, w4, w6, w8 never move

        var losses = net.Train(Loss.HalfSquaredError, lr: 1, steps: 10);
        AssertAllClose(GoldenFile.Doubles(golden.GetProperty("losses")), losses, Float64Tolerance, "loss");
        AssertAllClose(GoldenFile.Doubles(golden.GetProperty("final_weights")), net.Values(), Float64Tolerance, "w");
    }

    [Fact]
    public void Float32_run_matches_pytorch_to_single_precision()
    {
        var golden = GoldenFile.Read("two-layer.default.json");
        var first = golden.GetProperty("first");
        var net = new Network(DType.Float32, Activation.Sigmoid);
        var (_, _, o1, o2, loss) = net.Forward(Loss.HalfSquaredError);
        Assert.Equal(DType.Float32, loss.DType);
        Assert.Equal(DType.Float32, o1.DType);
        var outputs = GoldenFile.Doubles(first.GetProperty("outputs"));
        TensorAssert.Close(outputs[0], o1, 1e-6, 1e-7);
        TensorAssert.Close(outputs[1], o2, 1e-6, 1e-7);
        TensorAssert.Close(first.GetProperty("loss").GetDouble(), loss, 1e-6, 1e-7);

        loss.Backward();
        var grads = GoldenFile.Doubles(first.GetProperty("grads"));
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(DType.Float32, net.W[i].Grad!.DType);
            AssertClose(grads[i], net.W[i].Grad!.Item(), 1e-6, $"dL/dw{i + 1}", atol: 1e-7);
        }
        net.Update(lr: 1);
        AssertAllClose(GoldenFile.Doubles(golden.GetProperty("final_weights")), net.Values(), 1e-6, "w", atol: 1e-7);
    }

    private enum Activation { Sigmoid, Relu }

    private enum Loss { HalfSquaredError, MeanSquaredError }

    /// <summary>The seeds' network, built from the library's scalar tensors; w1..w8 wired as the seeds wire them.</summary>
    private sealed class Network
    {
        private readonly Tensor _x1, _x2, _y1, _y2;
        private readonly Activation _activation;
        public readonly Tensor[] W;

        public Network(DType dtype, Activation activation)
        {
            _activation = activation;
            (_x1, _x2) = (Scalar(Inputs[0], dtype), Scalar(Inputs[1], dtype));
            (_y1, _y2) = (Scalar(Targets[0], dtype), Scalar(Targets[1], dtype));
            W = new Tensor[8];
            for (int i = 0; i < 8; i++) W[i] = Scalar(SeedWeights[i], dtype).RequiresGrad_();
        }

        private static Tensor Scalar(double value, DType dtype) => dtype == DType.Float64 ? Tensor.From(value) : Tensor.From((float)value);

        private Tensor Act(Tensor z) => _activation == Activation.Sigmoid ? z.Sigmoid() : z.Relu();

        public (Tensor H1, Tensor H2, Tensor O1, Tensor O2, Tensor Loss) Forward(Loss kind)
        {
            var h1 = Act(W[0] * _x1 + W[2] * _x2);
            var h2 = Act(W[1] * _x1 + W[3] * _x2);
            var o1 = Act(W[4] * h1 + W[6] * h2);
            var o2 = Act(W[5] * h1 + W[7] * h2);
            var loss = kind == Loss.HalfSquaredError
                ? (0.5 * (o1 - _y1).Pow(2) + 0.5 * (o2 - _y2).Pow(2)).Sum()
                : ((o1 - _y1).Pow(2) + (o2 - _y2).Pow(2)) / 2;   // F.mse_loss over the two outputs
            return (h1, h2, o1, o2, loss);
        }

        public void Update(double lr)
        {
            using (Autograd.NoGrad())
                foreach (var w in W) w.Sub_(w.Grad! * lr);
            foreach (var w in W) w.ZeroGrad(setToNull: false);
        }

        public double[] Train(Loss kind, double lr, int steps)
        {
            var losses = new double[steps];
            for (int s = 0; s < steps; s++)
            {
                var loss = Forward(kind).Loss;
                loss.Backward();
                losses[s] = loss.Item();
                Update(lr);
            }
            return losses;
        }

        public double[] Values()
        {
            var values = new double[W.Length];
            for (int i = 0; i < W.Length; i++) values[i] = W[i].Item();
            return values;
        }
    }

    private static void AssertClose(double expected, double actual, double rtol, string what, double atol = 0)
        => Assert.True(Math.Abs(expected - actual) <= atol + rtol * Math.Abs(expected),
            $"{what}: expected {expected:R}, got {actual:R}");

    private static void AssertAllClose(double[] expected, double[] actual, double rtol, string what, double atol = 0)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) AssertClose(expected[i], actual[i], rtol, $"{what}[{i}]", atol);
    }
}
