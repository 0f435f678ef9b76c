using Backprop;

namespace Backprop.Tests.AutogradTests;

public class SmokeTests
{
    [Fact]
    public void Mul_backward_gives_the_other_operand()
    {
        var a = Tensor.From(new[] { 2.0, 3.0 }).RequiresGrad_();
        var b = Tensor.From(new[] { 5.0, 7.0 });
        (a * b).Sum().Backward();
        TensorAssert.Close([5.0, 7.0], a.Grad!);
    }
}
