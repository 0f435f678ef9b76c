using System.Text.Json;
using Backprop;

namespace Backprop.Tests.RandomStreams;

// Every random tensor function, for seeds 0, 1, 42, 12345 and sizes 1 … 1000, against PyTorch 1.13 element for element
// (float32 and float64 bit for bit), and the generator left where torch's is (its state hash after the call).
// The default generator is global: these tests run in the non-parallel DefaultGenerator collection.
[Collection("DefaultGenerator")]
public class TensorStreamTests
{
    public static TheoryData<string> Cases => StreamReference.Ids("rand", "randn", "uniform_", "normal_", "bernoulli_", "randint", "randperm");

    /// <summary>Runs a case's call, drawing from generator (null: the default generator, as torch.manual_seed then the call).</summary>
    private static Tensor Draw(JsonElement c, Generator? generator)
    {
        int n = c.GetProperty("n").GetInt32();
        DType Dt() => StreamReference.DTypeOf(c);
        switch (c.GetProperty("kind").GetString())
        {
            case "rand": return Tensor.Rand([n], Dt(), generator);
            case "randn": return Tensor.Randn([n], Dt(), generator);
            case "uniform_":
                return Tensor.Zeros([n], Dt()).Uniform_(c.GetProperty("low").GetDouble(), c.GetProperty("high").GetDouble(), generator);
            case "normal_":
                return Tensor.Zeros([n], Dt()).Normal_(c.GetProperty("mean").GetDouble(), c.GetProperty("std").GetDouble(), generator);
            case "bernoulli_":
                var b = Tensor.Zeros([n], Dt()).Bernoulli_(c.GetProperty("p").GetDouble(), generator);
                Assert.All(b.ToDoubleArray(), v => Assert.True(v is 0 or 1, "bernoulli_ gives only 0 and 1"));
                return b.Ne(0);
            case "randint":
                return Tensor.RandInt(c.GetProperty("low").GetInt64(), c.GetProperty("high").GetInt64(), [n], generator: generator);
            case "randperm": return Tensor.RandPerm(n, generator);
            default: throw new ArgumentException(c.GetRawText());
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_default_generator_after_ManualSeed_gives_torchs_values_and_stream_position(string id)
    {
        var c = StreamReference.Case(id);
        Tensor.ManualSeed(c.GetProperty("seed").GetUInt64());
        StreamReference.Exact(c.GetProperty("result"), Draw(c, null), id);
        Assert.Equal(c.GetProperty("state").GetString(), StreamReference.StateTag(Generator.Default));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_explicit_generator_gives_the_same_values_and_leaves_the_default_alone(string id)
    {
        var c = StreamReference.Case(id);
        Tensor.ManualSeed(99);
        var before = Generator.Default.GetState();
        var g = new Generator(c.GetProperty("seed").GetUInt64());
        StreamReference.Exact(c.GetProperty("result"), Draw(c, g), id);
        Assert.Equal(c.GetProperty("state").GetString(), StreamReference.StateTag(g));
        Assert.Equal(before, Generator.Default.GetState());
    }
}
