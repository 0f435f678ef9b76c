using Backprop;
using Backprop.NN;
using static Backprop.Tests.NN.NNReference;

namespace Backprop.Tests.NN;

/// <summary>nn.Embedding: torch's N(0, 1) table after the same seed, lookups, and a padding row that gets no gradient.</summary>
[Collection("DefaultGenerator")]
public class EmbeddingTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Init_lookup_and_gradient_equal_torchs(int index)
    {
        var c = Layers.GetProperty("embedding")[index];
        var pad = c.GetProperty("padding_idx");
        Tensor.ManualSeed(c.GetProperty("seed").GetUInt64());
        var embedding = new Embedding(c.GetProperty("num").GetInt32(), c.GetProperty("dim").GetInt32(),
            pad.ValueKind == System.Text.Json.JsonValueKind.Null ? null : pad.GetInt32());
        Assert.Equal(Doubles(c.GetProperty("weight")), embedding.Weight.ToDoubleArray());
        var y = embedding.Forward(Packed(c.GetProperty("indices"), DType.Float32));
        TensorAssert.Shape([2, 3, embedding.EmbeddingDim], y);
        Assert.Equal(Doubles(c.GetProperty("output")), y.ToDoubleArray());
        int n = y.Numel;
        var g = Tensor.Linspace(0.5, 1.7, n).Reshape(y.ShapeArray);   // the script's grad_output_like
        y.Backward(g);
        TensorAssert.Close(Doubles(c.GetProperty("grad_weight")), embedding.Weight.Grad!, 1e-6, 1e-7);
    }

    [Fact]
    public void The_padding_row_is_zeroed_at_init_and_gets_no_gradient_even_when_set()
    {
        var embedding = new Embedding(4, 2, paddingIdx: -1, generator: new Generator(1));
        Assert.Equal(3, embedding.PaddingIdx);
        Assert.Equal([0f, 0f], embedding.Weight.Select(0, 3).ToArray<float>());
        using (Autograd.NoGrad()) embedding.Weight.Select(0, 3).Fill_(5);
        var y = embedding.Forward(Tensor.From(new long[] { 3, 1, 3 }));
        Assert.Equal([5f, 5f], y.Select(0, 0).ToArray<float>());   // returned as stored, as torch does
        y.Sum().Backward();
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f, 0f, 0f], embedding.Weight.Grad!.ToArray<float>());
    }

    [Fact]
    public void F_Embedding_gradchecks_and_repeated_indices_accumulate()
    {
        var w = TensorAssert.Leaf(5, 3);
        var idx = Tensor.From(new long[] { 0, 4, 4, 2, 0, 4 }, 2, 3);
        TensorAssert.GradCheck(xs => F.Embedding(idx, xs[0]), w);
        TensorAssert.GradCheck(xs => F.Embedding(idx.T, xs[0].T.Contiguous().T), w);
    }

    [Fact]
    public void Bad_indices_and_padding_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => F.Embedding(Tensor.From(new long[] { 1, 7 }), Tensor.Zeros(5, 2)));
        Assert.Contains("index out of range in self", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.Embedding(Tensor.From([1f]), Tensor.Zeros(5, 2)));
        Assert.Contains("'indices' to have one of the following scalar types: Long", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Embedding(3, 2, paddingIdx: 3));
        Assert.Contains("Padding_idx must be within num_embeddings", e.Message);
    }

    [Fact]
    public void The_weight_is_the_only_parameter()
    {
        var embedding = new Embedding(10, 3);
        Assert.Equal(["weight"], embedding.NamedParameters().Select(p => p.Name));
        Assert.Equal("Embedding(10, 3)", embedding.ToString());
    }
}
