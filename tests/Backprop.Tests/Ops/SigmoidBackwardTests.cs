using Backprop;

namespace Backprop.Tests.Ops;

// The sigmoid's backward is one op, g·(1 − y)·y (torch's sigmoid_backward), itself differentiable.
public class SigmoidBackwardTests
{
    [Fact]
    public void Sigmoid_gradient_matches_torch_in_float32()
    {
        var x = Tensor.From(new[] { 0.3f, -1.7f, 2.5f, 4.0f }).RequiresGrad_();
        x.Sigmoid().Backward(Tensor.From(new[] { 1f, -2f, 0.5f, 3f }));
        Assert.Equal(DType.Float32, x.Grad!.DType);
        TensorAssert.Close([0.24445831775665283, -0.26121148467063904, 0.0350518561899662, 0.052988201379776], x.Grad);   // within float32 rounding of the forward
    }

    [Fact]
    public void Second_derivative_of_sigmoid_matches_torch_and_its_graph()
    {
        var x = Tensor.From(new[] { 0.3, -1.7, 2.5 }).RequiresGrad_();
        var y = x.Sigmoid();
        var gx = Autograd.Grad([y.Sum()], [x], createGraph: true)[0]!;
        Assert.Equal("SigmoidBackwardBackward0", gx.GradFn!.Name);
        Assert.Null(gx.GradFn.NextFunctions[0]);                       // the ones of Sum's backward need no gradient
        Assert.Same(y.GradFn, gx.GradFn.NextFunctions[1]);
        var gg = Autograd.Grad([gx.Sum()], [x])[0]!;
        TensorAssert.Close([-0.03639618395557626, 0.09025764431307129, -0.05946783584543401], gg, rtol: 1e-12);
    }

    [Fact]
    public void Sigmoid_gradients_of_first_and_second_order_pass_gradcheck()
    {
        TensorAssert.GradCheckActivation(x => x.Sigmoid());
    }

    [Fact]
    public void A_long_sigmoid_gradient_is_computed_in_chunks_with_the_same_values()
    {
        int n = 1000;   // several chunks and a tail
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (i % 37 - 18) / 5f;
        var x = Tensor.From(values).RequiresGrad_();
        var y = x.Sigmoid();
        y.Backward(Tensor.OnesLike(y).Mul(0.5));
        var yv = y.ToArray<float>();
        var grad = x.Grad!.ToArray<float>();
        for (int i = 0; i < n; i++) Assert.Equal(0.5f * (1 - yv[i]) * yv[i], grad[i]);
    }
}
