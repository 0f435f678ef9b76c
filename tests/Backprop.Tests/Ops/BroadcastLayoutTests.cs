using Backprop.Kernels;

namespace Backprop.Tests.Ops;

// Elementwise.Coalesce turns a broadcast walk into as few, as long rows as the strides allow.
public class BroadcastLayoutTests
{
    private static (int[] Shape, int[] A, int[] B) Coalesced(int[] shape, int[] a, int[] b)
    {
        Span<int> s = stackalloc int[shape.Length], ca = stackalloc int[shape.Length], cb = stackalloc int[shape.Length];
        int m = Elementwise.Coalesce(shape, a, b, s, ca, cb);
        return (s[..m].ToArray(), ca[..m].ToArray(), cb[..m].ToArray());
    }

    [Fact]
    public void Column_plus_broadcast_scalar_is_one_row()
    {
        var (shape, a, b) = Coalesced([500, 1], [1, 1], [0, 0]);
        Assert.Equal([500], shape);
        Assert.Equal([1], a);
        Assert.Equal([0], b);
    }

    [Fact]
    public void Contiguous_dims_merge_and_broadcast_rows_stay_apart()
    {
        // [4, 3, 5] contiguous plus a [5] bias: the bias restarts every row of 5, so only the outer dims merge.
        var (shape, a, b) = Coalesced([4, 3, 5], [15, 5, 1], [0, 0, 1]);
        Assert.Equal([12, 5], shape);
        Assert.Equal([5, 1], a);
        Assert.Equal([0, 1], b);
        // A transposed operand cannot merge with its neighbour.
        (shape, a, b) = Coalesced([3, 4], [1, 3], [4, 1]);
        Assert.Equal([3, 4], shape);
        Assert.Equal([1, 3], a);
        Assert.Equal([4, 1], b);
        // All dims of size 1: a single element.
        Assert.Empty(Coalesced([1, 1, 1], [1, 1, 1], [0, 0, 0]).Shape);
    }

    [Fact]
    public void Broadcast_ops_over_size_one_dims_give_the_right_values()
    {
        var x = Tensor.Arange(6.0).Reshape(6, 1);
        var b = Tensor.From([10.0]);
        Assert.Equal([10.0, 11, 12, 13, 14, 15], x.Add(b).ToDoubleArray());
        Assert.Equal([6, 1], x.Add(b).Shape.ToArray());
        // [2, 1, 3] − [1, 4, 1]: broadcast both ways across a size-1 dim.
        var p = Tensor.Arange(6.0).Reshape(2, 1, 3);
        var q = Tensor.Arange(4.0).Reshape(1, 4, 1);
        var r = p.Sub(q);
        Assert.Equal([2, 4, 3], r.Shape.ToArray());
        var expected = new double[24];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 4; j++) for (int k = 0; k < 3; k++) expected[(i * 4 + j) * 3 + k] = i * 3 + k - j;
        Assert.Equal(expected, r.ToDoubleArray());
        // A transposed operand with a size-1 dim in the middle.
        var t = Tensor.Arange(12.0).Reshape(3, 4).T.Unsqueeze(1);   // [4, 1, 3], strides [1, ·, 4]
        var u = t.Mul(Tensor.From([1.0, 2, 3]));
        var tv = t.Contiguous().ToDoubleArray();
        Assert.Equal(new[] { 1.0, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3 }.Select((m, i) => m * tv[i]).ToArray(), u.ToDoubleArray());
    }
}
