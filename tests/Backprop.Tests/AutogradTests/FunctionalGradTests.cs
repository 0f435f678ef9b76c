using Backprop;

namespace Backprop.Tests.AutogradTests;

public class FunctionalGradTests
{
    [Fact]
    public void Grad_returns_gradients_without_touching_Grad()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var w = Tensor.From(new[] { 3.0, 4.0 }).RequiresGrad_();
        var y = (x * w).Sum();
        var grads = Autograd.Grad([y], [x, w]);
        TensorAssert.Close([3.0, 4.0], grads[0]!);
        TensorAssert.Close([1.0, 2.0], grads[1]!);
        Assert.Null(x.Grad);
        Assert.Null(w.Grad);
    }

    [Fact]
    public void Grad_of_an_intermediate_tensor()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var h = x * 2;
        var y = (h * h).Sum();
        var g = Autograd.Grad([y], [h])[0]!;
        TensorAssert.Close([4.0, 8.0], g);
    }

    [Fact]
    public void Grad_of_an_unused_input_throws_unless_allowed()
    {
        var x = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        var unused = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        var ex = Assert.Throws<InvalidOperationException>(() => Autograd.Grad([(x * 2).Sum()], [x, unused]));
        Assert.Contains("appears to not have been used in the graph", ex.Message);
        var grads = Autograd.Grad([(x * 2).Sum()], [x, unused], allowUnused: true);
        TensorAssert.Close([2.0], grads[0]!);
        Assert.Null(grads[1]);
    }

    [Fact]
    public void CreateGraph_gives_second_derivatives()
    {
        var x = Tensor.From(2.0).RequiresGrad_();
        var y = x * x * x;
        var dy = Autograd.Grad([y], [x], createGraph: true)[0]!;
        TensorAssert.Close(12.0, dy);
        Assert.True(dy.RequiresGrad);
        var d2y = Autograd.Grad([dy], [x], createGraph: true)[0]!;
        TensorAssert.Close(12.0, d2y);   // 6x
        var d3y = Autograd.Grad([d2y], [x])[0]!;
        TensorAssert.Close(6.0, d3y);
    }

    [Fact]
    public void Backward_with_createGraph_leaves_a_differentiable_Grad()
    {
        var x = Tensor.From(0.7).RequiresGrad_();
        x.Sin().Backward(createGraph: true);
        var g = x.Grad!;
        TensorAssert.Close(Math.Cos(0.7), g, rtol: 1e-12);
        var second = Autograd.Grad([g], [x])[0]!;
        TensorAssert.Close(-Math.Sin(0.7), second, rtol: 1e-12);
    }

    [Fact]
    public void Second_derivative_of_sigmoid_matches_the_formula()
    {
        var x = Tensor.From(new[] { -1.0, 0.3, 2.0 }).RequiresGrad_();
        var g = Autograd.Grad([x.Sigmoid().Sum()], [x], createGraph: true)[0]!;
        var h = Autograd.Grad([g.Sum()], [x])[0]!;
        var expected = new[] { -1.0, 0.3, 2.0 }.Select(v => { double s = 1 / (1 + Math.Exp(-v)); return s * (1 - s) * (1 - 2 * s); }).ToArray();
        TensorAssert.Close(expected, h, rtol: 1e-12);
    }

    [Fact]
    public void Hessian_vector_product_of_a_quadratic_form()
    {
        // f(x) = x·(A x) with A = [[2, 1], [1, 3]]: ∇f = (A + Aᵀ) x, H v = (A + Aᵀ) v
        var a = Tensor.From(new[,] { { 2.0, 1.0 }, { 1.0, 3.0 } });
        var x = Tensor.From(new[] { 1.0, -1.0 }).RequiresGrad_();
        var ax = (a * x).Sum(1);
        var f = (x * ax).Sum();
        var grad = Autograd.Grad([f], [x], createGraph: true)[0]!;
        TensorAssert.Close([2.0, -4.0], grad);
        var v = Tensor.From(new[] { 1.0, 2.0 });
        var hv = Autograd.Grad([(grad * v).Sum()], [x])[0]!;
        TensorAssert.Close([8.0, 14.0], hv);
    }

    [Fact]
    public void Grad_of_a_non_scalar_output_needs_gradOutputs()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var y = x * x;
        Assert.Throws<InvalidOperationException>(() => Autograd.Grad([y], [x]));
        var g = Autograd.Grad([y], [x], [Tensor.From(new[] { 1.0, 1.0 })])[0]!;
        TensorAssert.Close([2.0, 4.0], g);
    }

    [Fact]
    public void Grad_stops_at_the_requested_inputs()
    {
        // h's own history was freed by an earlier backward; Grad with respect to h must not walk into it.
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var h = x.Sigmoid();
        h.Sum().Backward();
        var g = Autograd.Grad([(h * h).Sum()], [h])[0]!;
        TensorAssert.Close([2 / (1 + Math.Exp(-1.0)), 2 / (1 + Math.Exp(-2.0))], g, rtol: 1e-12);
    }
}
