using System.Text.Json;
using Backprop;

namespace Backprop.Tests.RandomStreams;

// Multinomial against torch.multinomial's CPU draws under torch.manual_seed (Reference/sampling.json, by
// tests/reference/sampling_reference.py): the indices of two calls in a row, so the numbers each draw consumes match too.
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class MultinomialTests
{
    private static readonly JsonElement Root =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "sampling.json"))).RootElement;

    public static TheoryData<string> Cases
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in Root.GetProperty("multinomial").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Multinomial_draws_torchs_indices(string name)
    {
        var c = Root.GetProperty("multinomial").EnumerateArray().First(e => e.GetProperty("name").GetString() == name);
        var shape = c.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var p = Tensor.From(c.GetProperty("p").EnumerateArray().Select(e => e.GetDouble()).ToArray(), shape)
            .To(c.GetProperty("dtype").GetString() == "float32" ? DType.Float32 : DType.Float64);
        int n = c.GetProperty("num_samples").GetInt32();
        bool replacement = c.GetProperty("replacement").GetBoolean();
        var generator = new Generator((ulong)c.GetProperty("seed").GetInt32());
        var first = p.Multinomial(n, replacement, generator);
        var second = p.Multinomial(n, replacement, generator);
        Assert.Equal(c.GetProperty("out_shape").EnumerateArray().Select(e => e.GetInt32()), first.Shape.ToArray());
        Assert.Equal(DType.Int64, first.DType);
        Assert.Equal(c.GetProperty("first").EnumerateArray().Select(e => e.GetInt64()), first.ToArray<long>());
        Assert.Equal(c.GetProperty("second").EnumerateArray().Select(e => e.GetInt64()), second.ToArray<long>());
    }

    [Fact]
    public void Multinomial_uses_the_default_generator_after_ManualSeed_and_never_draws_a_zero_probability()
    {
        var p = Tensor.From(new[] { 0.0, 1, 0, 2, 0 });
        Tensor.ManualSeed(5);
        var a = p.Multinomial(200, replacement: true);
        Tensor.ManualSeed(5);
        Assert.Equal(a.ToArray<long>(), p.Multinomial(200, replacement: true).ToArray<long>());
        Assert.All(a.ToArray<long>(), i => Assert.True(i is 1 or 3));
        Assert.Equal([1L, 3], p.Multinomial(2).ToArray<long>().Order());
    }

    [Fact]
    public void Multinomial_refuses_bad_distributions_as_torch_does()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.From(new[] { 0.5, 0.5 }).Multinomial(3));
        Assert.Equal("Multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement (3 > 2)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.From(new[] { 0.5, -0.1 }).Multinomial(1));
        Assert.Equal("Multinomial: probability tensor contains either `inf`, `nan` or element < 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 3], DType.Float64).Multinomial(1));
        Assert.Equal("Multinomial: invalid multinomial distribution (sum of probabilities <= 0)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 2, 2]).Multinomial(1));
        Assert.Equal("Multinomial: prob_dist must be 1 or 2 dim, got 3", e.Message);
    }

    [Fact]
    public void Log1p_matches_torch_to_the_last_bits_and_passes_gradcheck()
    {
        var log1p = Root.GetProperty("log1p");
        var x = Tensor.From(log1p.GetProperty("x").EnumerateArray().Select(e => e.GetDouble()).ToArray());
        TensorAssert.Close(log1p.GetProperty("y").EnumerateArray().Select(e => e.GetDouble()).ToArray(), x.Log1p(), rtol: 4e-16, atol: 0);
        Assert.Equal(double.NegativeInfinity, Tensor.From(-1.0).Log1p().Item());
        Assert.True(double.IsNaN(Tensor.From(-2.0).Log1p().Item()));
        Assert.Equal(DType.Float32, Tensor.From(new long[] { 1, 2 }).Log1p().DType);
        TensorAssert.GradCheck(a => a[0].Log1p(), Tensor.From(new[] { 0.3, 1e-3, 2.5, -0.5 }).RequiresGrad_());
        TensorAssert.GradCheck(a => a[0].Square(), Tensor.From(new[] { 0.3, -1.5, 2.5 }).RequiresGrad_());
        Assert.Equal([4.0, 9], Tensor.From(new[] { -2.0, 3 }).Square().ToArray<double>());
    }
}
