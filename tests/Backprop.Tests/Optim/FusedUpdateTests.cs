using Backprop.Optim;

namespace Backprop.Tests.Optim;

// SGD with momentum updates buffer and parameter in one fused pass when it can. It must round exactly as the
// composed in-place ops do (buffer.mul_(μ).add_(g, alpha=1−τ); param.add_(buffer, alpha=−lr)), bit for bit.
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class FusedUpdateTests
{
    [Theory]
    [InlineData(DType.Float32, 0.0)]
    [InlineData(DType.Float32, 0.25)]
    [InlineData(DType.Float64, 0.1)]
    public void Momentum_step_equals_the_composed_in_place_ops(DType dtype, double dampening)
    {
        const double lr = 0.05, momentum = 0.9;
        var p = Tensor.Randn([37, 41], dtype, new Generator(11)).RequiresGrad_();
        var expected = p.Detach().Clone();
        Tensor? buffer = null;
        var opt = new SGD([p], lr, momentum, dampening);
        for (int step = 0; step < 5; step++)
        {
            var g = Tensor.Randn([37, 41], dtype, new Generator((ulong)(100 + step)));
            p.Grad = g.Clone();
            opt.Step();

            if (buffer is null) buffer = g.Clone();
            else buffer.Mul_(momentum).Add_(g, 1 - dampening);
            expected.Add_(buffer, -lr);
            Assert.Equal(expected.ToDoubleArray(), p.Detach().ToDoubleArray());
        }
    }

    [Fact]
    public void Momentum_step_on_a_large_parameter_equals_the_composed_in_place_ops()
    {
        // Large enough for the elementwise ops of the composed form to run on two threads.
        var p = Tensor.Randn([300_001], generator: new Generator(3)).RequiresGrad_();
        var expected = p.Detach().Clone();
        var opt = new SGD([p], lr: 0.01, momentum: 0.5);
        var g1 = Tensor.Randn([300_001], generator: new Generator(4));
        var g2 = Tensor.Randn([300_001], generator: new Generator(5));
        p.Grad = g1.Clone();
        opt.Step();
        p.Grad = g2.Clone();
        opt.Step();
        var buffer = g1.Clone();
        expected.Add_(buffer, -0.01);
        buffer.Mul_(0.5).Add_(g2, 1.0);
        expected.Add_(buffer, -0.01);
        Assert.Equal(expected.ToArray<float>(), p.Detach().ToArray<float>());
    }
}
