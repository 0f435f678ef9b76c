using Backprop;

namespace Backprop.Tests.Sequence;

// Tril/Triu against PyTorch 1.13 (Reference/seq_layers.json, "triangle"), gradcheck, dtype and errors.
public class TriangularTests
{
    public static TheoryData<string> Cases => SeqReference.Names("triangle");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Triangle_matches_torch(string name)
    {
        var c = SeqReference.Case("triangle", name);
        var x = SeqReference.Tensor(c.GetProperty("x"));
        int d = c.GetProperty("diagonal").GetInt32();
        var y = c.GetProperty("kind").GetString() == "tril" ? x.Tril(d) : x.Triu(d);
        SeqReference.AssertClose(c.GetProperty("out"), y, 0, 0);
    }

    [Fact]
    public void Tril_and_Triu_pass_gradcheck_and_pass_the_gradient_through_the_triangle_only()
    {
        TensorAssert.GradCheck(a => a[0].Tril(1), TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(a => a[0].Triu(-1).Mul(a[0]), TensorAssert.Leaf(2, 3, 3));
        var x = Tensor.Ones([2, 2], DType.Float64).RequiresGrad_();
        x.Tril().Sum().Backward();
        Assert.Equal([1.0, 0, 1, 1], x.Grad!.ToArray<double>());
    }

    [Fact]
    public void Triangle_keeps_the_dtype_and_refuses_vectors()
    {
        var ints = Tensor.From(new long[] { 1, 2, 3, 4 }, 2, 2);
        Assert.Equal(DType.Int64, ints.Triu().DType);
        Assert.Equal([1L, 2, 0, 4], ints.Triu().ToArray<long>());
        Assert.Equal([true, false, true, true], Tensor.Ones([2, 2], DType.Bool).Tril().ToArray<bool>());
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).Tril());
        Assert.Equal("Tril: input tensor must have at least 2 dimensions, got 1", e.Message);
    }
}
