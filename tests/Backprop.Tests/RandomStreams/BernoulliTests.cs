using Backprop;

namespace Backprop.Tests.RandomStreams;

// Bernoulli_ beyond the reference streams: every dtype draws the same mask, and p outside [0, 1] is refused as torch does.
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class BernoulliTests
{
    [Fact]
    public void Bernoulli_draws_the_same_mask_in_every_dtype()
    {
        // torch.manual_seed(0); torch.empty(8).bernoulli_(0.5)  (one double uniform per element, whatever the dtype)
        bool[] expected = [false, false, true, false, false, false, true, true];
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Int64, DType.Bool })
        {
            var t = Tensor.Zeros([8], dtype).Bernoulli_(0.5, new Generator(0));
            Assert.Equal(dtype, t.DType);
            Assert.Equal(expected, t.Ne(0).ToArray<bool>());
        }
    }

    [Fact]
    public void Bernoulli_with_p_0_or_1_gives_all_zeros_or_all_ones_and_still_draws()
    {
        var g = new Generator(3);
        Assert.All(Tensor.Zeros(6).Bernoulli_(0, g).ToDoubleArray(), v => Assert.Equal(0, v));
        Assert.All(Tensor.Zeros(6).Bernoulli_(1, g).ToDoubleArray(), v => Assert.Equal(1, v));
        var h = new Generator(3);
        Tensor.Rand([12], DType.Float64, h);   // 12 double uniforms: what the two calls above drew
        Assert.Equal(h.GetState(), g.GetState());
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Bernoulli_rejects_p_outside_0_1(double p)
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).Bernoulli_(p, new Generator(0)));
        Assert.Contains("bernoulli_ expects p to be in [0, 1]", e.Message);
    }

    [Fact]
    public void Bernoulli_refuses_a_leaf_that_requires_grad()
    {
        var x = Tensor.Zeros(3).RequiresGrad_();
        Assert.Throws<InvalidOperationException>(() => x.Bernoulli_(0.5, new Generator(0)));
    }
}
