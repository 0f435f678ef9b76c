using Backprop;

namespace Backprop.Tests.AutogradTests;

public class GradCheckTests
{
    [Fact]
    public void GradCheck_passes_for_a_correct_gradient()
    {
        Assert.True(Autograd.GradCheck(x => (x * x).Sin().Sum(), TensorAssert.Leaf(2, 3)));
    }

    [Fact]
    public void GradCheck_reports_the_first_disagreeing_input_and_element()
    {
        // x · detach(x): backward sees one path (gradient x), finite differences see both (2x).
        var a = TensorAssert.Leaf([1.0, 2.0], 2);
        var x = TensorAssert.Leaf([0.5, -1.5, 2.0], 3);
        var ex = Assert.Throws<GradCheckException>(() => Autograd.GradCheck(xs => xs[0].Sum() + (xs[1] * xs[1].Detach()).Sum(), [a, x]));
        Assert.Contains("with respect to input 1, element 0 (index [0])", ex.Message);
        Assert.False(Autograd.GradCheck(xs => xs[0].Sum() + (xs[1] * xs[1].Detach()).Sum(), [a, x], raiseException: false));
    }

    [Fact]
    public void GradCheck_needs_float64_inputs()
    {
        var x = Tensor.From(new[] { 1f }).RequiresGrad_();
        var ex = Assert.Throws<ArgumentException>(() => Autograd.GradCheck(t => t * 2, x));
        Assert.Contains("torch.float32", ex.Message);
    }

    [Fact]
    public void GradCheck_refuses_overlapping_inputs()
    {
        Tensor x;
        using (Autograd.NoGrad()) x = Tensor.From(new[] { 1.0 }).Expand(3);
        x.RequiresGrad_();
        var ex = Assert.Throws<ArgumentException>(() => Autograd.GradCheck(t => t * 2, x));
        Assert.Contains("stride 0", ex.Message);
    }

    [Fact]
    public void GradCheck_perturbs_non_contiguous_leaves_element_by_element()
    {
        var x = TensorAssert.Leaf(3, 2).Detach().T.RequiresGrad_();   // a transposed leaf
        Assert.False(x.IsContiguous);
        Assert.True(Autograd.GradCheck(t => (t * Tensor.From(new[] { 1.0, 2.0, 3.0 })).Exp().Sum(1), x));
    }
}
