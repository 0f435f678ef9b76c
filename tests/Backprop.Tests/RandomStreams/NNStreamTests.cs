using System.Text.Json;
using Backprop;
using Backprop.NN;

namespace Backprop.Tests.RandomStreams;

// Linear's default initialisation and Dropout's masks after the same seed as PyTorch 1.13, bit for bit.
[Collection("DefaultGenerator")]
public class NNStreamTests
{
    public static TheoryData<string> LinearCases => StreamReference.Ids("linear");

    public static TheoryData<string> DropoutCases => StreamReference.Ids("dropout_mask");

    private static Linear MakeLinear(JsonElement c, Generator? generator) => new(
        c.GetProperty("in_features").GetInt32(), c.GetProperty("out_features").GetInt32(),
        dtype: StreamReference.DTypeOf(c), generator: generator);

    private static void AssertLinear(JsonElement c, Linear layer, string id)
    {
        StreamReference.Exact(c.GetProperty("result")[0], layer.Weight, id + " weight");
        StreamReference.Exact(c.GetProperty("result")[1], layer.Bias!, id + " bias");
    }

    [Theory]
    [MemberData(nameof(LinearCases))]
    public void Linear_after_ManualSeed_has_torchs_weight_and_bias(string id)
    {
        var c = StreamReference.Case(id);
        Tensor.ManualSeed(c.GetProperty("seed").GetUInt64());
        AssertLinear(c, MakeLinear(c, null), id);
        Assert.Equal(c.GetProperty("state").GetString(), StreamReference.StateTag(Generator.Default));
    }

    [Theory]
    [MemberData(nameof(LinearCases))]
    public void Linear_from_an_explicit_generator_has_the_same_values(string id)
    {
        var c = StreamReference.Case(id);
        var g = new Generator(c.GetProperty("seed").GetUInt64());
        AssertLinear(c, MakeLinear(c, g), id);
        Assert.Equal(c.GetProperty("state").GetString(), StreamReference.StateTag(g));
        // ResetParameters redraws from where the stream is: a second layer from the same generator continues it.
        var again = new Generator(c.GetProperty("seed").GetUInt64());
        var layer = MakeLinear(c, again);
        layer.ResetParameters(new Generator(c.GetProperty("seed").GetUInt64()));
        AssertLinear(c, layer, id + " reset");
    }

    private static Tensor Mask(JsonElement c, Generator? generator)
    {
        int n = c.GetProperty("n").GetInt32();
        double p = c.GetProperty("p").GetDouble();
        var y = F.Dropout(Tensor.Ones([n], StreamReference.DTypeOf(c)), p, training: true, generator);
        // survivors are scaled by 1/(1 − p), exactly as torch's noise.div_(1 − p)
        var kept = Tensor.Ones([1], StreamReference.DTypeOf(c)).Div(1 - p).ToDoubleArray()[0];
        Assert.All(y.ToDoubleArray(), v => Assert.True(v == 0 || v == kept));
        return y.Ne(0);
    }

    [Theory]
    [MemberData(nameof(DropoutCases))]
    public void Dropout_after_ManualSeed_keeps_torchs_elements(string id)
    {
        var c = StreamReference.Case(id);
        Tensor.ManualSeed(c.GetProperty("seed").GetUInt64());
        StreamReference.Exact(c.GetProperty("result"), Mask(c, null), id);
        Assert.Equal(c.GetProperty("state").GetString(), StreamReference.StateTag(Generator.Default));
    }

    [Theory]
    [MemberData(nameof(DropoutCases))]
    public void Dropout_module_with_an_explicit_generator_keeps_the_same_elements(string id)
    {
        var c = StreamReference.Case(id);
        var g = new Generator(c.GetProperty("seed").GetUInt64());
        var layer = new Dropout(c.GetProperty("p").GetDouble(), g);
        var y = layer.Forward(Tensor.Ones([c.GetProperty("n").GetInt32()], StreamReference.DTypeOf(c)));
        StreamReference.Exact(c.GetProperty("result"), y.Ne(0), id);
        Assert.Equal(c.GetProperty("state").GetString(), StreamReference.StateTag(g));
    }
}
