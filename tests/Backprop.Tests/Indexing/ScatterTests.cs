using System.Text.Json;
using Backprop;

namespace Backprop.Tests.Indexing;

/// <summary>
/// Scatter against PyTorch 1.13 (Reference/scatter.json, by tests/reference/scatter_reference.py): values with a src
/// tensor and with a number, reduce Add and Multiply, the gradients of sum(out · gout); gradcheck in Float64; errors.
/// </summary>
public class ScatterTests
{
    private static readonly JsonElement Root =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "scatter.json"))).RootElement;

    public static TheoryData<string> Cases
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in Root.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
            return data;
        }
    }

    private static JsonElement Case(string name) => Root.GetProperty("cases").EnumerateArray().First(c => c.GetProperty("name").GetString() == name);

    private static int[] Shape(JsonElement t) => t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private static Tensor Float(JsonElement t) => Tensor.From(t.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray(), Shape(t));

    private static Tensor Long(JsonElement t) => Tensor.From(t.GetProperty("data").EnumerateArray().Select(e => e.GetInt64()).ToArray(), Shape(t));

    private static void Close(JsonElement expected, Tensor actual) =>
        TensorAssert.Close(Shape(expected), expected.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray(), actual, 1e-12, 1e-14);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Values_and_gradients_match_torch(string name)
    {
        var c = Case(name);
        int dim = c.GetProperty("dim").GetInt32();
        var index = Long(c.GetProperty("index"));
        var x = Float(c.GetProperty("x")).RequiresGrad_();
        var src = Float(c.GetProperty("src")).RequiresGrad_();
        var gout = Float(c.GetProperty("gout"));
        var y = x.Scatter(dim, index, src);
        Assert.Equal("ScatterBackward0", y.GradFn!.Name);
        Close(c.GetProperty("out"), y);
        y.Mul(gout).Sum().Backward();
        Close(c.GetProperty("gx"), x.Grad!);
        if (c.GetProperty("gsrc").ValueKind != JsonValueKind.Null) Close(c.GetProperty("gsrc"), src.Grad!);
        TensorAssert.GradCheck(xs => xs[0].Scatter(dim, index, xs[1]).Mul(gout), x.Detach().RequiresGrad_(), src.Detach().RequiresGrad_());

        var xv = Float(c.GetProperty("x")).RequiresGrad_();
        var yv = xv.Scatter(dim, index, c.GetProperty("value").GetDouble());
        Assert.Equal("ScatterBackward1", yv.GradFn!.Name);
        Close(c.GetProperty("value_out"), yv);
        yv.Mul(gout).Sum().Backward();
        Close(c.GetProperty("value_gx"), xv.Grad!);

        var plain = Float(c.GetProperty("x"));
        Close(c.GetProperty("add_out"), plain.Scatter(dim, index, src.Detach(), ScatterReduce.Add));
        Close(c.GetProperty("multiply_out"), plain.Scatter(dim, index, src.Detach(), ScatterReduce.Multiply));
    }

    [Fact]
    public void Second_derivatives_flow_through_scatter_and_gather()
    {
        var index = Tensor.From(new long[,] { { 2, 0 }, { 1, 1 } });
        TensorAssert.GradCheck(xs => xs[0].Scatter(1, index, xs[1].Pow(2)).Pow(2), TensorAssert.Leaf(2, 3), TensorAssert.Leaf(2, 2));
        // torch gives the overwritten src[1][0] the gradient of position [1][1]; the true derivative is zero
        var src = TensorAssert.Leaf(2, 2);
        TensorAssert.Leaf(2, 3).Scatter(1, index, src).Sum().Backward();
        TensorAssert.Close([1.0, 1, 0, 1], src.Grad!);
        Assert.True(Autograd.GradGradCheck(xs => xs[0].Scatter(1, index, xs[1].Pow(2)).Pow(2), [TensorAssert.Leaf(2, 3), TensorAssert.Leaf(2, 2)]));
    }

    [Fact]
    public void A_strided_src_and_a_transposed_self_are_read_in_place()
    {
        var x = TensorAssert.Seq(4, 3).T;    // [3, 4], strides (1, 3)
        var src = TensorAssert.Seq(4, 2).T;  // [2, 4]
        var index = Tensor.From(new long[,] { { 0, 1, 2, 0 }, { 2, 0, 0, 1 } });
        TensorAssert.Close(x.Contiguous().Scatter(0, index, src.Contiguous()).ToDoubleArray(), x.Scatter(0, index, src));
        // a position written twice keeps the later value (row-major order of the index), as torch's CPU kernel does
        TensorAssert.Close([3.0, 0, 0, 0], Tensor.Zeros([1, 4], DType.Float64).Scatter(1, Tensor.From(new long[,] { { 0, 0, 0 } }), Tensor.From(new[,] { { 1.0, 2, 3 } })));
    }

    [Fact]
    public void Other_dtypes_and_zero_dim_tensors_scatter_as_torch_does()
    {
        var b = Tensor.Zeros([3], DType.Bool).Scatter(0, Tensor.From(new long[] { 1 }), 1.0);
        Assert.Equal([false, true, false], b.ToArray<bool>());
        var l = Tensor.From(new long[] { 1, 2, 3 }).Scatter(0, Tensor.From(new long[] { 2, 0 }), Tensor.From(new long[] { 7, 8 }));
        Assert.Equal([8L, 2, 7], l.ToArray<long>());
        TensorAssert.Close([], [5.0], Tensor.From(2.0).Scatter(0, Tensor.From(0L), Tensor.From(5.0)));
        var f = Tensor.Ones(2, 2).Scatter(1, Tensor.From(new long[,] { { 1 }, { 1 } }), Tensor.From(new[,] { { 2f }, { 3f } }), ScatterReduce.Multiply);
        TensorAssert.Close([1.0, 2, 1, 3], f);
    }

    [Fact]
    public void In_place_scatter_writes_self_and_records_when_needed()
    {
        var x = Tensor.Zeros([2, 3], DType.Float64);
        var same = x.Scatter_(1, Tensor.From(new long[,] { { 2 }, { 0 } }), Tensor.From(new[,] { { 1.0 }, { 2.0 } }));
        Assert.Same(x, same);
        TensorAssert.Close([0, 0, 1.0, 2, 0, 0], x);
        x.Scatter_(0, Tensor.From(new long[,] { { 1, 1, 1 } }), -1.0);
        TensorAssert.Close([0, 0, 1.0, -1, -1, -1], x);

        var leaf = TensorAssert.Leaf(2, 3);
        var src = TensorAssert.Leaf(2, 1);
        var h = leaf.Mul(2);
        h.Scatter_(1, Tensor.From(new long[,] { { 2 }, { 0 } }), src);
        Assert.Equal("ScatterBackward0", h.GradFn!.Name);
        h.Sum().Backward();
        TensorAssert.Close([2.0, 2, 0, 0, 2, 2], leaf.Grad!);
        TensorAssert.Close([1.0, 1], src.Grad!);
        Assert.Contains("a leaf Variable that requires grad is being used in an in-place operation",
            Assert.Throws<InvalidOperationException>(() => TensorAssert.Leaf(2, 3).Scatter_(1, Tensor.From(new long[,] { { 0 } }), 1.0)).Message);
    }

    [Fact]
    public void Multiply_has_no_derivative_and_says_so_at_backward()
    {
        var x = TensorAssert.Leaf(2, 2);
        var y = x.Scatter(0, Tensor.From(new long[,] { { 1, 0 } }), Tensor.Ones(1, 2).To(DType.Float64), ScatterReduce.Multiply);
        var e = Assert.Throws<NotSupportedException>(() => y.Sum().Backward());
        Assert.Contains("Scatter: the derivative of Scatter with ScatterReduce.Multiply is not implemented", e.Message);
    }

    [Fact]
    public void Bad_operands_get_torchs_messages_with_the_shapes()
    {
        var x = Tensor.Zeros(3, 4);
        Assert.Equal("Scatter: Expected index [1, 5] to be smaller than self [3, 4] apart from dimension 0 and to be smaller size than src [1, 5]",
            Assert.Throws<ArgumentException>(() => x.Scatter(0, Tensor.Zeros([1, 5], DType.Int64), Tensor.Ones(1, 5))).Message);
        Assert.Equal("Scatter: Expected index [2, 2] to be smaller than self [3, 4] apart from dimension 1 and to be smaller size than src [1, 4]",
            Assert.Throws<ArgumentException>(() => x.Scatter(1, Tensor.Zeros([2, 2], DType.Int64), Tensor.Ones(1, 4))).Message);
        Assert.Equal("Scatter: index 3 is out of bounds for dimension 0 with size 3",
            Assert.Throws<ArgumentException>(() => x.Scatter(0, Tensor.From(new long[,] { { 0, 1, 3, 0 } }), Tensor.Ones(1, 4))).Message);
        Assert.Equal("Scatter: scatter(): Expected self.dtype to be equal to src.dtype (got torch.float32 and torch.float64)",
            Assert.Throws<ArgumentException>(() => x.Scatter(0, Tensor.Zeros([1, 4], DType.Int64), Tensor.Ones([1, 4], DType.Float64))).Message);
        Assert.Equal("Scatter: Index tensor must have the same number of dimensions as self tensor and src tensor (self [3, 4], index [4], src [1, 4])",
            Assert.Throws<ArgumentException>(() => x.Scatter(0, Tensor.Zeros([4], DType.Int64), Tensor.Ones(1, 4))).Message);
        Assert.Equal("Scatter: scatter(): Expected dtype int64 for index, but got torch.float32",
            Assert.Throws<ArgumentException>(() => x.Scatter(0, Tensor.Zeros(1, 4), 1.0)).Message);
        Assert.Contains("Scatter: dimension out of range",
            Assert.Throws<ArgumentException>(() => x.Scatter(2, Tensor.Zeros([1, 4], DType.Int64), Tensor.Ones(1, 4))).Message);
    }
}
