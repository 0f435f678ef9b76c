namespace Backprop.Tests.Ops;

// Broadcast walks coalesce dims (Kernels.Layout); the values must not notice.
public class BroadcastLayoutTests
{
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
