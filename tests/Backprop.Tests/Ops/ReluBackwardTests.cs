using Backprop;

namespace Backprop.Tests.Ops;

// ReLU's backward: one fused pass (g where y > 0) when the backward is not recorded, Where(y > 0, g, 0) under
// createGraph; both against the definition g·[y > 0].
public class ReluBackwardTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Relu_fused_and_recorded_backward_match_the_definition(DType dtype)
    {
        double nan = double.NaN;
        var x = Tensor.From(new[] { -1.5, 0, 2, nan, 3, -0.0, 1e-30, -2, 4, 5, -6, 0.5 }, 3, 4).To(dtype).RequiresGrad_();
        var g = Tensor.From(new[] { 1.0, 2, nan, 4, 5, 6, 7, 8, nan, 10, 11, 12 }, 4, 3).To(dtype).T;   // transposed: not contiguous
        // g·[y > 0]: y = relu(x) is NaN where x is, and NaN > 0 is false.
        double[] gt = g.ToDoubleArray(), xs = x.ToDoubleArray();
        var expected = new double[12];
        for (int i = 0; i < 12; i++) expected[i] = xs[i] > 0 ? gt[i] : 0;
        var y = x.Relu();
        var fused = Autograd.Grad([y], [x], [g], retainGraph: true)[0]!;
        Assert.Null(fused.GradFn);
        Assert.Equal(dtype, fused.DType);
        TensorAssert.Close(expected, fused, 0, 0);
        var recorded = Autograd.Grad([y], [x], [g.Detach().RequiresGrad_()], createGraph: true)[0]!;
        Assert.NotNull(recorded.GradFn);
        TensorAssert.Close(expected, recorded, 0, 0);
        // Long enough for the vector loops, and their tails.
        var big = Tensor.From(Enumerable.Range(0, 111).Select(i => Math.Sin(0.61 * i)).ToArray(), 3, 37).To(dtype).RequiresGrad_();
        big.Relu().Sum().Backward();
        var bx = big.ToDoubleArray();
        TensorAssert.Close(bx.Select(v => v > 0 ? 1.0 : 0).ToArray(), big.Grad!, 0, 0);
    }
}
