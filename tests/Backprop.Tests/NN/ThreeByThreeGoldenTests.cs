using Backprop;
using Backprop.NN;

namespace Backprop.Tests.NN;

/// <summary>
/// Seed 004 through the library's modules: Linear(3, 3, bias: false) in Float64, Sigmoid and MSELoss, against
/// ../shared/peer/lab_torch.py three-by-three (copied into Golden/: three-by-three.default.json is one Adam step with
/// lr 1e-3, three-by-three.sgd-20.json is `--optimizer sgd --steps 20`, lr 0.1). The updates are written by hand here.
/// </summary>
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class ThreeByThreeGoldenTests
{
    private static readonly double[] X = [-0.5, 0.1, 1.1];
    private static readonly double[] Y = [0.1, 0.2, 9.9];
    private static readonly double[] InitialWeights = [0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 0.9];
    private const double Tolerance = 1e-9;

    /// <summary>The seed's network: weights loaded from the golden initial values through the state dict.</summary>
    private static (Sequential Model, Linear Layer) Network()
    {
        var layer = new Linear(3, 3, bias: false, dtype: DType.Float64);
        layer.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = Tensor.From(InitialWeights, 3, 3) });
        return (new Sequential(layer, new Sigmoid()), layer);
    }

    private static Tensor Loss(Sequential model) =>
        new MSELoss().Forward(model.Forward(Tensor.From(X, 1, 3)), Tensor.From(Y, 1, 3));

    [Fact]
    public void First_loss_and_gradient_match_pytorch()
    {
        var golden = GoldenFile.Read("three-by-three.default.json");
        var (model, layer) = Network();
        var loss = Loss(model);
        loss.Backward();
        Assert.Equal(DType.Float64, loss.DType);
        TensorAssert.Close(golden.GetProperty("losses")[0].GetDouble(), loss, Tolerance, 0);
        TensorAssert.Close([3, 3], GoldenFile.Doubles(golden.GetProperty("first_grad")), layer.Weight.Grad!, Tolerance, 1e-15);
    }

    [Fact]
    public void Twenty_sgd_steps_give_pytorchs_losses_and_final_weights()
    {
        var golden = GoldenFile.Read("three-by-three.sgd-20.json");
        var expectedLosses = GoldenFile.Doubles(golden.GetProperty("losses"));
        var (model, layer) = Network();
        for (int step = 0; step < 20; step++)
        {
            model.ZeroGrad();
            var loss = Loss(model);
            loss.Backward();
            if (step == 0) TensorAssert.Close(GoldenFile.Doubles(golden.GetProperty("first_grad")), layer.Weight.Grad!, Tolerance, 1e-15);
            TensorAssert.Close(expectedLosses[step], loss, Tolerance, 0);
            using (Autograd.NoGrad()) layer.Weight.Sub_(layer.Weight.Grad!, alpha: 0.1);   // torch.optim.SGD(lr=0.1): w −= lr·g
        }
        TensorAssert.Close(GoldenFile.Doubles(golden.GetProperty("final_weights")), layer.Weight, Tolerance, 1e-15);
    }

    [Fact]
    public void One_adam_step_gives_pytorchs_final_weights()
    {
        // torch.optim.Adam(lr=1e-3) at step 1: m = (1 − β1)·g, v = (1 − β2)·g², then
        // w −= lr/(1 − β1) · m / (√v/√(1 − β2) + ε), as torch's _single_tensor_adam computes it.
        var golden = GoldenFile.Read("three-by-three.default.json");
        var (model, layer) = Network();
        Loss(model).Backward();
        const double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        var g = layer.Weight.Grad!;
        using (Autograd.NoGrad())
        {
            var m = g.Mul(1 - beta1);
            var v = g.Mul(g).Mul(1 - beta2);
            var denom = v.Sqrt().Div(Math.Sqrt(1 - beta2)).Add(eps);
            layer.Weight.Sub_(m.Div(denom), alpha: lr / (1 - beta1));
        }
        TensorAssert.Close(GoldenFile.Doubles(golden.GetProperty("final_weights")), layer.Weight, Tolerance, 1e-15);
    }
}
