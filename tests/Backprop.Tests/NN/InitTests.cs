using System.Text.Json;
using Backprop;
using Backprop.NN;
using static Backprop.Tests.NN.NNReference;

namespace Backprop.Tests.NN;

/// <summary>torch.nn.init: exact values after the same seed, gains, fans, bounds and spreads, errors.</summary>
[Collection("DefaultGenerator")]
public class InitTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Layers.GetProperty("init").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    private static Nonlinearity NonlinearityOf(string name) => name switch
    {
        "leaky_relu" => Nonlinearity.LeakyRelu,
        "relu" => Nonlinearity.Relu,
        "tanh" => Nonlinearity.Tanh,
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Init_after_manual_seed_equals_torch_exactly(string name)
    {
        var c = Layers.GetProperty("init").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var p = c.GetProperty("params");
        var t = Tensor.Zeros(Ints(c.GetProperty("shape")), DTypeOf(c.GetProperty("dtype")));
        Tensor.ManualSeed(c.GetProperty("seed").GetUInt64());
        double P(string key) => p.GetProperty(key).GetDouble();
        FanMode Mode() => p.GetProperty("mode").GetString() == "fan_out" ? FanMode.FanOut : FanMode.FanIn;
        var result = name switch
        {
            "uniform" => Init.Uniform_(t, P("a"), P("b")),
            "normal" or "normal_large" => Init.Normal_(t, P("mean"), P("std")),
            "xavier_uniform" => Init.XavierUniform_(t, P("gain")),
            "xavier_normal" => Init.XavierNormal_(t, P("gain")),
            _ when name.StartsWith("kaiming_uniform") => Init.KaimingUniform_(t, P("a"), Mode(), NonlinearityOf(p.GetProperty("nonlinearity").GetString()!)),
            _ when name.StartsWith("kaiming_normal") => Init.KaimingNormal_(t, P("a"), Mode(), NonlinearityOf(p.GetProperty("nonlinearity").GetString()!)),
            _ => throw new ArgumentException(name),
        };
        Assert.Same(t, result);
        Assert.Equal(Doubles(c.GetProperty("values")), t.ToDoubleArray());
    }

    [Fact]
    public void CalculateGain_matches_torch()
    {
        var g = Layers.GetProperty("gains");
        Assert.Equal(g.GetProperty("linear").GetDouble(), Init.CalculateGain(Nonlinearity.Linear));
        Assert.Equal(g.GetProperty("conv2d").GetDouble(), Init.CalculateGain(Nonlinearity.Conv2d));
        Assert.Equal(g.GetProperty("sigmoid").GetDouble(), Init.CalculateGain(Nonlinearity.Sigmoid));
        Assert.Equal(g.GetProperty("tanh").GetDouble(), Init.CalculateGain(Nonlinearity.Tanh));
        Assert.Equal(g.GetProperty("relu").GetDouble(), Init.CalculateGain(Nonlinearity.Relu));
        Assert.Equal(g.GetProperty("leaky_relu").GetDouble(), Init.CalculateGain(Nonlinearity.LeakyRelu));
        Assert.Equal(g.GetProperty("leaky_relu_0.2").GetDouble(), Init.CalculateGain(Nonlinearity.LeakyRelu, 0.2));
        Assert.Equal(g.GetProperty("leaky_relu_sqrt5").GetDouble(), Init.CalculateGain(Nonlinearity.LeakyRelu, Math.Sqrt(5)));
        Assert.Equal(g.GetProperty("selu").GetDouble(), Init.CalculateGain(Nonlinearity.Selu));
    }

    [Fact]
    public void Fans_multiply_in_the_receptive_field_past_dim_1()
    {
        Assert.Equal((3, 4), Init.FanInAndFanOut(Tensor.Zeros(4, 3)));
        Assert.Equal((3 * 5 * 7, 4 * 5 * 7), Init.FanInAndFanOut(Tensor.Zeros(4, 3, 5, 7)));
        var e = Assert.Throws<ArgumentException>(() => Init.XavierUniform_(Tensor.Zeros(3)));
        Assert.Contains("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions", e.Message);
        Assert.Throws<ArgumentException>(() => Init.KaimingNormal_(Tensor.Zeros(3)));
    }

    [Fact]
    public void Uniform_inits_stay_within_their_bounds_and_fill_them()
    {
        var g = new Generator(11);
        var t = Tensor.Zeros(200, 100);   // fan_in 100, fan_out 200
        double xavier = Math.Sqrt(6.0 / 300);
        AssertWithin(Init.XavierUniform_(t, generator: g), xavier);
        double kaiming = Math.Sqrt(3) * Math.Sqrt(2) / Math.Sqrt(100);   // relu: gain √2
        AssertWithin(Init.KaimingUniform_(t, nonlinearity: Nonlinearity.Relu, generator: g), kaiming);
        AssertWithin(Init.KaimingUniform_(t, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu, generator: g), kaiming / Math.Sqrt(2));

        static void AssertWithin(Tensor t, double bound)
        {
            double max = t.Abs().Max().Item();
            Assert.True(max <= bound && max > 0.99 * bound, $"max |x| = {max}, bound {bound}");
        }
    }

    [Fact]
    public void Normal_inits_have_the_prescribed_spread()
    {
        var g = new Generator(12);
        var t = Tensor.Zeros(300, 200);
        AssertStd(Init.XavierNormal_(t, gain: 2, generator: g), 2 * Math.Sqrt(2.0 / 500));
        AssertStd(Init.KaimingNormal_(t, generator: g), Math.Sqrt(2) / Math.Sqrt(200));
        AssertStd(Init.KaimingNormal_(t, mode: FanMode.FanOut, nonlinearity: Nonlinearity.Tanh, generator: g), 5.0 / 3 / Math.Sqrt(300));
        AssertStd(Init.Normal_(t, 3, 0.5, g), 0.5);
        Assert.Equal(3, t.Mean().Item(), 2);

        static void AssertStd(Tensor t, double std)
        {
            double actual = t.Std().Item();
            Assert.True(Math.Abs(actual - std) < 0.02 * std, $"std {actual}, expected {std}");
        }
    }

    [Fact]
    public void Constant_zeros_and_ones_fill_parameters_without_recording()
    {
        var p = new Parameter(Tensor.Zeros(2, 2));
        Assert.Equal([2.5f, 2.5f, 2.5f, 2.5f], Init.Constant_(p, 2.5).ToArray<float>());
        Assert.True(p.IsLeaf);
        Assert.Null(p.GradFn);
        Assert.Equal([1f, 1f, 1f, 1f], Init.Ones_(p).ToArray<float>());
        Assert.Equal([0f, 0f, 0f, 0f], Init.Zeros_(p).ToArray<float>());
    }

    [Fact]
    public void Kaiming_on_a_zero_element_tensor_is_a_no_op()
    {
        var t = Tensor.Zeros(0, 3);
        Assert.Same(t, Init.KaimingUniform_(t));
        Assert.Same(t, Init.KaimingNormal_(t));
    }
}
