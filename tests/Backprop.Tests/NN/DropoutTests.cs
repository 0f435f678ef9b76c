using Backprop;
using Backprop.NN;
using static Backprop.Tests.NN.NNReference;

namespace Backprop.Tests.NN;

/// <summary>nn.Dropout: torch's masks after the same seed, scaling by 1/(1 − p), identity in evaluation mode.</summary>
[Collection("DefaultGenerator")]
public class DropoutTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Training_output_and_gradient_equal_torchs_after_the_same_seed(int index)
    {
        var c = Layers.GetProperty("dropout")[index];
        var dtype = DTypeOf(c.GetProperty("dtype"));
        var x = Tensor.From(Doubles(c.GetProperty("input")), Ints(c.GetProperty("shape"))).To(dtype).RequiresGrad_();
        Tensor.ManualSeed(c.GetProperty("seed").GetUInt64());
        var y = new Dropout(c.GetProperty("p").GetDouble()).Forward(x);
        Assert.Equal(Doubles(c.GetProperty("output")), y.ToDoubleArray());
        y.Backward(Tensor.OnesLike(y));
        Assert.Equal(Doubles(c.GetProperty("grad_input")), x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void Eval_mode_returns_the_input_itself()
    {
        var dropout = new Dropout(0.5);
        dropout.Eval();
        var x = Tensor.Ones(3, 4);
        Assert.Same(x, dropout.Forward(x));
        Assert.Same(x, F.Dropout(x, 0.5, training: false));
        Assert.Same(x, new Dropout(0).Forward(x));
    }

    [Fact]
    public void Kept_elements_are_scaled_by_one_over_keep_probability_and_the_rate_is_p()
    {
        var x = Tensor.Ones([100, 100], DType.Float64);
        var y = F.Dropout(x, 0.3, generator: new Generator(5)).ToArray<double>();
        int kept = 0;
        foreach (var v in y)
        {
            Assert.True(v == 0 || v == 1 / (1 - 0.3), $"element {v}");
            if (v != 0) kept++;
        }
        Assert.InRange(kept / 10000.0, 0.68, 0.72);
    }

    [Fact]
    public void P_one_zeroes_everything_and_the_mask_is_deterministic_under_a_generator()
    {
        Assert.All(F.Dropout(Tensor.Ones(5), 1).ToArray<float>(), v => Assert.Equal(0f, v));
        var a = new Dropout(0.5, new Generator(9)).Forward(Tensor.Ones(50)).ToArray<float>();
        var b = new Dropout(0.5, new Generator(9)).Forward(Tensor.Ones(50)).ToArray<float>();
        Assert.Equal(a, b);
    }

    [Fact]
    public void P_outside_zero_one_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dropout(1.5));
        Assert.Contains("dropout probability has to be between 0 and 1, but got 1.5", e.Message);
        Assert.Throws<ArgumentException>(() => F.Dropout(Tensor.Ones(2), -0.1));
    }
}
