using Backprop;

namespace Backprop.Tests.Ops;

// GELU's backward is one op, g·(Φ(x) + x·φ(x)) (torch's gelu_backward), itself differentiable, and bit for bit the
// composed ops it replaced.
public class GeluBackwardTests
{
    [Fact]
    public void Gelu_gradient_matches_torch_in_float32()
    {
        var x = Tensor.From(new[] { 0.3f, -1.7f, 2.5f, 4.0f }).RequiresGrad_();
        x.Gelu().Backward(Tensor.From(new[] { 1f, -2f, 0.5f, 3f }));
        Assert.Equal(DType.Float32, x.Grad!.DType);
        TensorAssert.Close([0.7323277592658997, 0.23063594102859497, 0.5188055038452148, 3.0015110969543457], x.Grad);
    }

    [Fact]
    public void Second_derivative_of_gelu_matches_torch_and_its_graph()
    {
        // PyTorch 1.13: gx.grad_fn is GeluBackwardBackward0 with next_functions ((None, 0), (AccumulateGrad, 0)).
        var x = Tensor.From(new[] { 0.3, -1.7, 2.5 }).RequiresGrad_();
        var gx = Autograd.Grad([x.Gelu().Sum()], [x], createGraph: true)[0]!;
        Assert.Equal("GeluBackwardBackward0", gx.GradFn!.Name);
        Assert.Null(gx.GradFn.NextFunctions[0]);
        Assert.IsType<AccumulateGrad>(gx.GradFn.NextFunctions[1]);
        var gg = Autograd.Grad([gx.Sum()], [x])[0]!;
        TensorAssert.Close([0.728450727529601, -0.08370367886542934, -0.07449527709766629], gg, rtol: 1e-12);
        // through the output gradient: d/dw of Σ d(Σ gelu(x)·w)/dx = Φ(x) + x·φ(x)
        var w = Tensor.From(new[] { 0.7, -1.1, 0.4 }).RequiresGrad_();
        var gxw = Autograd.Grad([x.Gelu().Mul(w).Sum()], [x], createGraph: true)[0]!;
        TensorAssert.Close([0.7323277668271099, -0.11531796878216474, 1.037611085908145], Autograd.Grad([gxw.Sum()], [w])[0]!, rtol: 1e-12);
    }

    [Fact]
    public void Gelu_gradients_of_first_and_second_order_pass_gradcheck()
    {
        TensorAssert.GradCheckActivation(x => x.Gelu());
    }

    [Fact]
    public void The_fused_gradient_is_bit_for_bit_the_composed_ops()
    {
        // The ops the backward ran before it was one: several chunks and a tail, float32 and float64.
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Tensor.Arange(1003).To(dtype).Mul(0.0123).Sub(6.1).Detach();
            var g = Tensor.Arange(1003).To(dtype).Mul(0.37).Sin().Detach();
            var cdf = x.Div(Math.Sqrt(2)).Erf().Add(1).Mul(0.5);
            var pdf = x.Mul(x).Mul(-0.5).Exp().Div(Math.Sqrt(2 * Math.PI));
            var composed = g.Mul(cdf.Add(x.Mul(pdf)));
            var leaf = x.Clone().RequiresGrad_();
            leaf.Gelu().Backward(g);
            Assert.Equal(composed.To(DType.Float64).ToArray<double>(), leaf.Grad!.To(DType.Float64).ToArray<double>());
        }
    }
}
