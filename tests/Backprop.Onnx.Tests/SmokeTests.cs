using Backprop.NN;

namespace Backprop.Onnx.Tests;

public class SmokeTests
{
    [Fact]
    public void Mlp_runs_in_onnx_runtime()
    {
        Tensor.ManualSeed(0);
        var model = new Sequential(new Flatten(), new Linear(784, 256), new ReLU(), new Linear(256, 10));
        var x = Tensor.Randn([3, 1, 28, 28]);
        var bytes = Onnx.ExportToBytes(model, [x]);
        var y = OnnxRuntimeRunner.Run(bytes, x);
        Tensor expected;
        using (Autograd.NoGrad()) expected = model.Forward(x);
        Assert.Equal(expected.Shape.ToArray(), y.Shape.ToArray());
        Assert.True(expected.Sub(y).Abs().Max().Item() < 1e-5);
    }
}
