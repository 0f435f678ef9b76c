namespace Backprop.Tests.Ops;

// Issue 15: no kernel may recurse once per dimension. A 30,000-dim tensor (all sizes 1 but two) goes through an
// elementwise op with broadcasting, a reduction, a strided copy and a backward without exhausting the stack.
public sealed class HighRankOpsTests
{
    private static int[] Shape(int rank, int first, int last)
    {
        var shape = Enumerable.Repeat(1, rank).ToArray();
        shape[0] = first;
        shape[^1] = last;
        return shape;
    }

    [Fact]
    public void Ops_on_a_30000_dim_tensor_do_not_recurse_per_dim()
    {
        const int rank = 30_000;
        var a = Tensor.Arange(0, 6, dtype: DType.Float64).Reshape(Shape(rank, 2, 3)).RequiresGrad_();
        var b = Tensor.From(new[] { 10.0, 20, 30 });                          // broadcast from the right
        var y = (a * b).Sum();
        Assert.Equal(0 * 10 + 1 * 20 + 2 * 30 + 3 * 10 + 4 * 20 + 5 * 30, y.Item());
        y.Backward();
        Assert.Equal(new[] { 10.0, 20, 30, 10, 20, 30 }, a.Grad!.ToDoubleArray());
        var t = a.Detach().Transpose(0, rank - 1).Contiguous();                 // a strided copy
        Assert.Equal(new[] { 0.0, 3, 1, 4, 2, 5 }, t.ToDoubleArray());
    }
}
