using System.Security.Cryptography;
using Backprop;

namespace Backprop.Tests.RandomTests;

// The global default generator is shared, so the tests that seed it run in one collection, one at a time.
[Collection("DefaultGenerator")]
public class GeneratorTests
{
    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public void ManualSeed_makes_the_default_stream_repeat()
    {
        Tensor.ManualSeed(1234);
        var a = Tensor.Rand(10).ToArray<float>();
        var b = Tensor.Randn(20).ToArray<float>();
        Tensor.ManualSeed(1234);
        Assert.Equal(a, Tensor.Rand(10).ToArray<float>());
        Assert.Equal(b, Tensor.Randn(20).ToArray<float>());
        Assert.Equal(1234UL, Tensor.InitialSeed());
    }

    [Fact]
    public void Torch_manual_seed_0_then_rand_5_matches_torch()
    {
        Tensor.ManualSeed(0);
        Assert.Equal([0.49625658988952637, 0.7682217955589294, 0.08847743272781372, 0.13203048706054688, 0.30742281675338745],
            Tensor.Rand(5).ToDoubleArray());
    }

    [Fact]
    public void ManualSeed_returns_the_default_generator() => Assert.Same(Generator.Default, Tensor.ManualSeed(3));

    [Fact]
    public void State_bytes_are_torch_get_rng_state_bytes()
    {
        // sha256 of bytes(torch.get_rng_state()) after torch.manual_seed(0) and the given draws
        var g = new Generator(0);
        Assert.Equal(Generator.StateSize, g.GetState().Length);
        Assert.Equal("1ccf17250133dec5e96478acd63e13d728d0dbbabb30389415a302c6f872f81f", Sha256(g.GetState()));
        Tensor.Rand([5], generator: g);
        Assert.Equal("1faa3ad719bc111cdf3fcbf3b78196eba12b4fb22485c3398368548cb6a52f9f", Sha256(g.GetState()));
        Assert.Equal("b490599dab13390430f05196b204970d2d726eda36e95d565862c7e473b0b07c", Sha256(new Generator(0).Let(x => Tensor.Randn([1], generator: x)).GetState()));
        Assert.Equal("f912cc5bd4fc9a7df3dd4b1565d7ef4e36ddf24d24e2aeddce27d27ae2d374b2", Sha256(new Generator(0).Let(x => Tensor.Rand([700], generator: x)).GetState()));
    }

    [Fact]
    public void Saving_and_restoring_the_state_reproduces_the_stream()
    {
        var g = new Generator(99);
        Tensor.Randn([3], generator: g);                      // leaves a cached normal in the state
        var saved = g.GetState();
        var first = Tensor.Randn([5], DType.Float64, g).ToArray<double>();
        var firstInts = Tensor.RandInt(0, 1000, [700], generator: g).ToArray<long>();   // crosses a twist
        g.SetState(saved);
        Assert.Equal(first, Tensor.Randn([5], DType.Float64, g).ToArray<double>());
        Assert.Equal(firstInts, Tensor.RandInt(0, 1000, [700], generator: g).ToArray<long>());

        var other = new Generator();
        other.SetState(saved);
        Assert.Equal(first, Tensor.Randn([5], DType.Float64, other).ToArray<double>());
        Assert.Equal(99UL, other.InitialSeed);
    }

    [Fact]
    public void Default_rng_state_round_trips()
    {
        Tensor.ManualSeed(5);
        var state = Tensor.GetRngState();
        var a = Tensor.Randn(7).ToArray<float>();
        Tensor.SetRngState(state);
        Assert.Equal(a, Tensor.Randn(7).ToArray<float>());
    }

    [Fact]
    public void Clone_continues_the_same_stream_independently()
    {
        var g = new Generator(8);
        Tensor.Rand([3], generator: g);
        var c = g.Clone();
        Assert.Equal(Tensor.Rand([4], generator: g).ToArray<float>(), Tensor.Rand([4], generator: c).ToArray<float>());
    }

    [Fact]
    public void Seeds_above_32_bits_use_the_low_32_bits_but_report_the_full_seed()
    {
        var g = new Generator((1UL << 40) + 7);
        Assert.Equal((1UL << 40) + 7, g.InitialSeed);
        Assert.Equal(Tensor.Rand([4], generator: new Generator(7)).ToArray<float>(), Tensor.Rand([4], generator: g).ToArray<float>());
    }

    [Fact]
    public void A_new_generator_uses_torchs_default_seed()
    {
        Assert.Equal(67280421310721UL, new Generator().InitialSeed);
        var g = new Generator(1);
        var reseeded = g.ManualSeed(0);
        Assert.Same(g, reseeded);
        Assert.Equal(0UL, g.InitialSeed);
    }

    [Fact]
    public void SetState_rejects_a_wrong_size()
    {
        var e = Assert.Throws<ArgumentException>(() => new Generator().SetState(new byte[10]));
        Assert.Contains("wrong size", e.Message);
    }
}

internal static class GeneratorTestExtensions
{
    public static Generator Let(this Generator g, Action<Generator> action)
    {
        action(g);
        return g;
    }
}

/// <summary>Tests that seed or draw from the global default generator run alone, after the parallel ones.</summary>
[CollectionDefinition("DefaultGenerator", DisableParallelization = true)]
public class DefaultGeneratorCollection;
