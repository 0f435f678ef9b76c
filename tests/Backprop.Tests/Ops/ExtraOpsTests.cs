using System.Text.Json;
using Backprop;
using Backprop.NN;

namespace Backprop.Tests.Ops;

// Conv1d, Repeat, Cumsum, Sort/Argsort/Topk and Pad against PyTorch 1.13 (Reference/ops_extra.json, by
// tests/reference/ops_reference.py): values and gradients of sum(out · gout); gradchecks in Float64; errors.
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class ExtraOpsTests
{
    private static readonly JsonElement Root =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "ops_extra.json"))).RootElement;

    private static TheoryData<string> Names(string section)
    {
        var data = new TheoryData<string>();
        foreach (var c in Root.GetProperty(section).EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    private static JsonElement Case(string section, string name) =>
        Root.GetProperty(section).EnumerateArray().First(c => c.GetProperty("name").GetString() == name);

    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    private static Tensor T(JsonElement t, bool grad = false) => Sequence.SeqReference.Tensor(t, grad);

    private static void Close(JsonElement expected, Tensor actual) => Sequence.SeqReference.AssertClose(expected, actual);

    /// <summary>out = f(x) and its gradient, against the stored ones.</summary>
    private static void CheckWithGrad(JsonElement c, Func<Tensor, Tensor> f)
    {
        var x = T(c.GetProperty("x"), grad: true);
        var y = f(x);
        Close(c.GetProperty("out"), y);
        y.Mul(T(c.GetProperty("gout"))).Sum().Backward();
        Close(c.GetProperty("gx"), x.Grad!);
    }

    public static TheoryData<string> ConvCases => Names("conv1d");
    public static TheoryData<string> RepeatCases => Names("repeat");
    public static TheoryData<string> CumsumCases => Names("cumsum");
    public static TheoryData<string> SortCases => Names("sort");
    public static TheoryData<string> TopkCases => Names("topk");
    public static TheoryData<string> PadCases => Names("pad");
    public static TheoryData<string> EinsumCases => Names("einsum");

    [Theory]
    [MemberData(nameof(EinsumCases))]
    public void Einsum_matches_torch(string name)
    {
        var c = Case("einsum", name);
        var xs = c.GetProperty("xs").EnumerateArray().Select(x => T(x, grad: true)).ToArray();
        var y = Tensor.Einsum(c.GetProperty("equation").GetString()!, xs);
        Close(c.GetProperty("out"), y);
        y.Mul(T(c.GetProperty("gout"))).Sum().Backward();
        var gxs = c.GetProperty("gxs").EnumerateArray().ToArray();
        for (int i = 0; i < xs.Length; i++) Close(gxs[i], xs[i].Grad!);
    }

    [Fact]
    public void Einsum_passes_gradcheck_and_names_bad_equations()
    {
        TensorAssert.GradCheck(a => Tensor.Einsum("bij,bjk->bik", a[0], a[1]).Pow(2), TensorAssert.Leaf(2, 2, 3), TensorAssert.Leaf(2, 3, 2));
        var e = Assert.Throws<ArgumentException>(() => Tensor.Einsum("ii->i", Tensor.Zeros(2, 2)));
        Assert.Equal("Einsum: subscript 'i' repeats in operand 0 (diagonals are not supported)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Einsum("ij,jk->ik", Tensor.Zeros(2, 3), Tensor.Zeros(4, 2)));
        Assert.Equal("Einsum: subscript 'j' has size 4 for operand 1 which does not broadcast with previously seen size 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Einsum("ij->k", Tensor.Zeros(2, 3)));
        Assert.Equal("Einsum: output subscript 'k' does not appear in the equation for any input operand", e.Message);
    }

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv1d_initialisation_output_and_gradients_match_torch(string name)
    {
        var c = Case("conv1d", name);
        var o = c.GetProperty("options");
        Tensor.ManualSeed((ulong)c.GetProperty("seed").GetInt32());
        ConvPadding padding = o.TryGetProperty("padding", out var p) ? (p.ValueKind == JsonValueKind.String ? p.GetString()! : p.GetInt32()) : 0;
        var conv = new Conv1d(o.GetProperty("in_channels").GetInt32(), o.GetProperty("out_channels").GetInt32(), o.GetProperty("kernel_size").GetInt32(),
            o.TryGetProperty("stride", out var s) ? s.GetInt32() : 1, padding, o.TryGetProperty("dilation", out var d) ? d.GetInt32() : 1,
            o.TryGetProperty("groups", out var g) ? g.GetInt32() : 1, !o.TryGetProperty("bias", out var b) || b.GetBoolean(), DType.Float64);
        Sequence.SeqReference.CheckAndLoadParams(conv, c);
        CheckWithGrad(c, conv.Forward);
        Sequence.SeqReference.CheckGrads(conv, c);
    }

    [Fact]
    public void Conv1d_passes_gradcheck_and_prints_as_torch()
    {
        var w = TensorAssert.Leaf(3, 2, 2);
        var bias = TensorAssert.Leaf(3);
        TensorAssert.GradCheck(a => F.Conv1d(a[0], a[1], a[2], stride: 2, padding: 1, dilation: 2), TensorAssert.Leaf(2, 2, 7), w, bias);
        Assert.Equal("Conv1d(4, 2, kernel_size=(3,), stride=(1,), padding=same, groups=2, bias=False)",
            new Conv1d(4, 2, 3, padding: "same", groups: 2, bias: false).ToString());
        var e = Assert.Throws<ArgumentException>(() => new Conv1d(2, 2, 3).Forward(Tensor.Zeros(2)));
        Assert.Equal("Conv1d: Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [2]", e.Message);
    }

    [Theory]
    [MemberData(nameof(RepeatCases))]
    public void Repeat_matches_torch(string name)
    {
        var c = Case("repeat", name);
        CheckWithGrad(c, x => x.Repeat(Ints(c.GetProperty("repeats"))));
    }

    [Theory]
    [MemberData(nameof(CumsumCases))]
    public void Cumsum_matches_torch(string name)
    {
        var c = Case("cumsum", name);
        CheckWithGrad(c, x => x.Cumsum(c.GetProperty("dim").GetInt32()));
    }

    [Fact]
    public void Cumsum_of_integers_and_of_float32_matches_torch_exactly()
    {
        var i = Root.GetProperty("cumsum_int");
        var ints = Tensor.From(i.GetProperty("x").GetProperty("data").EnumerateArray().Select(v => v.GetInt64()).ToArray(), 2, 3);
        Assert.Equal(i.GetProperty("out").GetProperty("data").EnumerateArray().Select(v => v.GetInt64()), ints.Cumsum(1).ToArray<long>());
        var f = Root.GetProperty("cumsum_float32");
        var x = T(f.GetProperty("x")).To(DType.Float32);
        Assert.Equal(f.GetProperty("out").GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble()), x.Cumsum(0).ToArray<float>());
        TensorAssert.GradCheck(a => a[0].Cumsum(1).Pow(2), TensorAssert.Leaf(2, 4));
    }

    [Theory]
    [MemberData(nameof(SortCases))]
    public void Sort_and_Argsort_match_torch(string name)
    {
        var c = Case("sort", name);
        var x = T(c.GetProperty("x"));
        int dim = c.GetProperty("dim").GetInt32();
        bool descending = c.GetProperty("descending").GetBoolean();
        var (values, indices) = x.Sort(dim, descending);
        Close(c.GetProperty("values"), values);
        var expected = c.GetProperty("indices").GetProperty("data").EnumerateArray().Select(v => v.GetInt64());
        Assert.Equal(expected, indices.ToArray<long>());
        Assert.Equal(expected, x.Argsort(dim, descending).ToArray<long>());
    }

    [Fact]
    public void Sort_puts_NaN_last_keeps_ties_in_order_and_passes_gradcheck()
    {
        var n = Root.GetProperty("sort_nan");
        var x = Tensor.From(new[] { 2.0, double.NaN, -1.0, 2.0, 0.5 });
        Assert.Equal(n.GetProperty("indices").EnumerateArray().Select(v => v.GetInt64()), x.Argsort().ToArray<long>());
        TensorAssert.GradCheck(a => a[0].Sort(1, descending: true).Values.Mul(Tensor.Arange(1.0, 5.0, 1.0, DType.Float64)), TensorAssert.Leaf(3, 4));
    }

    [Theory]
    [MemberData(nameof(TopkCases))]
    public void Topk_matches_torch(string name)
    {
        var c = Case("topk", name);
        int k = c.GetProperty("k").GetInt32(), dim = c.GetProperty("dim").GetInt32();
        bool largest = c.GetProperty("largest").GetBoolean();
        CheckWithGrad(c, x => x.Topk(k, dim, largest).Values);
        var (_, indices) = T(c.GetProperty("x")).Topk(k, dim, largest);
        Assert.Equal(c.GetProperty("indices").GetProperty("data").EnumerateArray().Select(v => v.GetInt64()), indices.ToArray<long>());
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).Topk(4));
        Assert.Equal("Topk: selected index k (4) out of range for a dimension of size 3", e.Message);
    }

    [Theory]
    [MemberData(nameof(PadCases))]
    public void Pad_matches_torch(string name)
    {
        var c = Case("pad", name);
        var mode = c.GetProperty("mode").GetString() switch { "reflect" => PadMode.Reflect, "replicate" => PadMode.Replicate, _ => PadMode.Constant };
        CheckWithGrad(c, x => F.Pad(x, Ints(c.GetProperty("pad")), mode, c.GetProperty("value").GetDouble()));
    }

    [Fact]
    public void Pad_Repeat_pass_gradcheck_and_refuse_bad_sizes()
    {
        TensorAssert.GradCheck(a => F.Pad(a[0], [2, 1, 1, 1], PadMode.Reflect).Pow(2), TensorAssert.Leaf(1, 3, 4));
        TensorAssert.GradCheck(a => F.Pad(a[0], [1, 2], PadMode.Replicate).Pow(2), TensorAssert.Leaf(2, 3));
        TensorAssert.GradCheck(a => a[0].Repeat(2, 1, 3).Pow(2), TensorAssert.Leaf(2, 2));
        var e = Assert.Throws<ArgumentException>(() => F.Pad(Tensor.Zeros(1, 3), [3, 0], PadMode.Reflect));
        Assert.Equal("Pad: Padding size should be less than the corresponding input dimension, but got: padding (3, 0) at dimension 1 of input [1, 3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 2).Repeat(2));
        Assert.Equal("Repeat: Number of dimensions of repeat dims (1) can not be smaller than number of dimensions of tensor (2)", e.Message);
    }
}
