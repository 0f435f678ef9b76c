using Backprop;
using Backprop.NN;

namespace Backprop.Tests.Sequence;

// MultiheadAttention, TransformerEncoderLayer and TransformerEncoder against PyTorch 1.13 (Reference/seq_layers.json,
// "attention" and "encoder"): initial weights under torch.manual_seed, outputs, attention weights, every gradient;
// gradchecks in Float64; names, masks and errors.
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class AttentionTests
{
    public static TheoryData<string> AttentionCases => SeqReference.Names("attention");

    public static TheoryData<string> EncoderCases => SeqReference.Names("encoder");

    [Theory]
    [MemberData(nameof(AttentionCases))]
    public void MultiheadAttention_matches_torch(string name)
    {
        var c = SeqReference.Case("attention", name);
        var o = c.GetProperty("options");
        Tensor.ManualSeed((ulong)c.GetProperty("seed").GetInt32());
        var mha = new MultiheadAttention(8, 2, bias: !o.TryGetProperty("bias", out var b) || b.GetBoolean(),
            batchFirst: o.TryGetProperty("batch_first", out var bf) && bf.GetBoolean(), dtype: DType.Float64);
        SeqReference.CheckAndLoadParams(mha, c);
        var q = SeqReference.Tensor(c.GetProperty("q"), requiresGrad: true);
        bool self = c.GetProperty("kind").GetString() == "self";
        var k = self ? q : SeqReference.Tensor(c.GetProperty("k"), requiresGrad: true);
        var v = self ? q : SeqReference.Tensor(c.GetProperty("v"), requiresGrad: true);
        var kpm = c.TryGetProperty("key_padding_mask", out var p) ? SeqReference.Bool(p) : null;
        Tensor? mask = null;
        if (c.TryGetProperty("attn_mask", out var m))
            mask = name.Contains("bool", StringComparison.Ordinal) ? SeqReference.Bool(m) : SeqReference.Tensor(m);
        var (output, weights) = mha.Forward(q, k, v, kpm, needWeights: true, mask, c.GetProperty("average").GetBoolean());
        SeqReference.AssertClose(c.GetProperty("out"), output);
        SeqReference.AssertClose(c.GetProperty("weights"), weights!);
        output.Mul(SeqReference.Tensor(c.GetProperty("gout"))).Sum().Backward();
        SeqReference.AssertClose(c.GetProperty("gq"), q.Grad!);
        if (!self)
        {
            SeqReference.AssertClose(c.GetProperty("gk"), k.Grad!);
            SeqReference.AssertClose(c.GetProperty("gv"), v.Grad!);
        }
        SeqReference.CheckGrads(mha, c);
    }

    [Theory]
    [MemberData(nameof(EncoderCases))]
    public void TransformerEncoder_matches_torch(string name)
    {
        var c = SeqReference.Case("encoder", name);
        var o = c.GetProperty("options");
        bool batchFirst = o.TryGetProperty("batch_first", out var bf) && bf.GetBoolean();
        bool normFirst = o.TryGetProperty("norm_first", out var nf) && nf.GetBoolean();
        Func<Tensor, Tensor>? activation = o.TryGetProperty("activation", out var a) && a.GetString() == "gelu" ? x => F.Gelu(x) : null;
        Tensor.ManualSeed((ulong)c.GetProperty("seed").GetInt32());
        var layer = new TransformerEncoderLayer(8, 2, 16, 0.0, activation, batchFirst: batchFirst, normFirst: normFirst, dtype: DType.Float64);
        int layers = c.GetProperty("layers").GetInt32();
        var encoder = layers == 1 ? null : new TransformerEncoder(layer, layers, new LayerNorm(8, dtype: DType.Float64));
        Module module = encoder is null ? layer : encoder;
        SeqReference.CheckAndLoadParams(module, c);
        var input = SeqReference.Tensor(c.GetProperty("x"), requiresGrad: true);
        var kpm = c.TryGetProperty("key_padding_mask", out var p) ? SeqReference.Bool(p) : null;
        var mask = c.GetProperty("causal").GetBoolean() ? TransformerEncoder.GenerateSquareSubsequentMask(5, DType.Float64) : null;
        var output = encoder is null ? layer.Forward(input, mask, kpm) : encoder.Forward(input, mask, kpm);
        SeqReference.AssertClose(c.GetProperty("out"), output);
        output.Mul(SeqReference.Tensor(c.GetProperty("gout"))).Sum().Backward();
        SeqReference.AssertClose(c.GetProperty("gx"), input.Grad!);
        SeqReference.CheckGrads(module, c);
    }

    [Fact]
    public void A_causal_layer_equals_the_layer_with_the_causal_mask_and_ignores_the_future()
    {
        var layer = new TransformerEncoderLayer(4, 2, 8, 0.0, batchFirst: true, normFirst: true, dtype: DType.Float64);
        var x = TensorAssert.Leaf(1, 3, 4).Detach();
        var causal = layer.Forward(x, isCausal: true);
        Assert.True(causal.AllClose(layer.Forward(x, TransformerEncoder.GenerateSquareSubsequentMask(3, DType.Float64)), 0, 0));
        var changedLast = x.Clone();
        using (Autograd.NoGrad()) changedLast.Select(1, 2).Fill_(7);
        var after = layer.Forward(changedLast, isCausal: true);
        Assert.True(after.Narrow(1, 0, 2).AllClose(causal.Narrow(1, 0, 2), 0, 0));   // positions 0 and 1 never see position 2
        Assert.Equal([0.0, double.NegativeInfinity, 0, 0], TransformerEncoder.GenerateSquareSubsequentMask(2, DType.Float64).ToArray<double>());
    }

    [Fact]
    public void Attention_and_encoder_pass_gradcheck()
    {
        var mha = new MultiheadAttention(4, 2, dtype: DType.Float64);
        var mask = Tensor.From(new[] { false, true, false, false, false, true }, 2, 3);
        TensorAssert.GradCheck(a => mha.Forward(a[0], a[1], a[1], attnMask: mask).Output.Pow(2).Sum(), TensorAssert.Leaf(2, 1, 4), TensorAssert.Leaf(3, 1, 4));
        var layer = new TransformerEncoderLayer(4, 2, 6, 0.0, x => F.Gelu(x), normFirst: true, dtype: DType.Float64);
        TensorAssert.GradCheck(a => layer.Forward(a[0], isCausal: true).Pow(2).Sum(), TensorAssert.Leaf(3, 2, 4));
        var x0 = TensorAssert.Leaf(3, 1, 4).Detach();
        TensorAssert.GradCheck(_ => layer.Forward(x0).Pow(2).Sum(), layer.SelfAttn.InProjWeight, layer.Linear1.Weight, layer.Norm2.Weight!);
    }

    [Fact]
    public void Attention_names_are_torchs_and_copies_share_nothing()
    {
        var mha = new MultiheadAttention(8, 2);
        Assert.Equal(["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"], mha.StateDict().Keys);
        var encoder = new TransformerEncoder(new TransformerEncoderLayer(8, 2, 16), 2);
        Assert.Equal(24, encoder.StateDict().Count);
        Assert.Contains("layers.1.self_attn.out_proj.bias", encoder.StateDict().Keys);
        var w0 = encoder.StateDict()["layers.0.linear1.weight"];
        var w1 = encoder.StateDict()["layers.1.linear1.weight"];
        Assert.True(w0.AllClose(w1, 0, 0));
        using (Autograd.NoGrad()) w0.Fill_(1);
        Assert.False(w1.AllClose(w0));
    }

    [Fact]
    public void Attention_refuses_bad_masks_naming_the_shapes()
    {
        var mha = new MultiheadAttention(4, 2);
        var x = Tensor.Zeros(3, 2, 4);
        var e = Assert.Throws<ArgumentException>(() => mha.Forward(x, x, x, attnMask: Tensor.Zeros(3, 2)));
        Assert.Equal("MultiheadAttention: The shape of the 2D attn_mask is [3, 2], but should be (3, 3).", e.Message);
        e = Assert.Throws<ArgumentException>(() => mha.Forward(x, x, x, keyPaddingMask: Tensor.Zeros([3, 2], DType.Bool)));
        Assert.Equal("MultiheadAttention: expecting key_padding_mask shape of (2, 3), but got [3, 2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new MultiheadAttention(5, 2));
        Assert.Equal("MultiheadAttention: embed_dim must be divisible by num_heads (got 5 and 2)", e.Message);
    }
}
