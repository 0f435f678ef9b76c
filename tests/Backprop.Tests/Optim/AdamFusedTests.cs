using Backprop;
using Backprop.Optim;

namespace Backprop.Tests.Optim;

// Adam updates contiguous float parameters in one fused pass; it must round exactly as the separate in-place ops
// do, which a parameter whose gradient is a strided view still takes.
public class AdamFusedTests
{
    [Theory]
    [InlineData(DType.Float32, false)]
    [InlineData(DType.Float64, false)]
    [InlineData(DType.Float32, true)]
    public void The_fused_update_is_bit_identical_to_the_separate_ops(DType dtype, bool decoupled)
    {
        var values = new double[12];
        for (int i = 0; i < values.Length; i++) values[i] = Math.Sin(0.7 * i + 0.3) * (i % 3 + 1);
        var fused = Tensor.From(values, 3, 4).To(dtype).RequiresGrad_();
        var reference = Tensor.From(values, 3, 4).To(dtype).RequiresGrad_();
        Optimizer a = decoupled ? new AdamW([fused], lr: 0.01, weightDecay: 0.1) : new Adam([fused], lr: 0.01, betas: (0.8, 0.95), weightDecay: 0.05);
        Optimizer b = decoupled ? new AdamW([reference], lr: 0.01, weightDecay: 0.1) : new Adam([reference], lr: 0.01, betas: (0.8, 0.95), weightDecay: 0.05);
        for (int step = 0; step < 5; step++)
        {
            var g = Tensor.From(values, 4, 3).To(dtype).Mul(step + 1.5).Sin();
            fused.Grad = g.T.Contiguous();
            reference.Grad = g.T;                    // a transposed view: the op-by-op path
            Assert.False(reference.Grad.IsContiguous);
            a.Step();
            b.Step();
            Assert.Equal(reference.ToDoubleArray(), fused.ToDoubleArray());
            Assert.Equal(b.State(reference)["exp_avg"].ToDoubleArray(), a.State(fused)["exp_avg"].ToDoubleArray());
            Assert.Equal(b.State(reference)["exp_avg_sq"].ToDoubleArray(), a.State(fused)["exp_avg_sq"].ToDoubleArray());
        }
    }
}
