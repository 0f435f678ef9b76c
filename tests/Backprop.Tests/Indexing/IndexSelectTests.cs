using Backprop;

namespace Backprop.Tests.Indexing;

// Expected values printed by PyTorch 1.13 on the same inputs: TensorAssert.Seq(shape) is ((i·7) mod 11 − 5) / 4, row-major.
public class IndexSelectTests
{
    private static Tensor Positions(params long[] values) => Tensor.From(values);

    [Fact]
    public void IndexSelect_takes_slices_in_index_order_like_torch()
    {
        TensorAssert.Close([3, 3], [1.25, -1.25, 1.25, 0.0, 0.25, 0.0, -1.25, -1.0, -1.25], TensorAssert.Seq(3, 4).IndexSelect(1, Positions(3, 0, 3)));
        var transposed = TensorAssert.Seq(4, 3).T;   // a non-contiguous input gives what its contiguous copy gives
        TensorAssert.Close(transposed.Contiguous().IndexSelect(1, Positions(3, 0, 3)).ToDoubleArray(), transposed.IndexSelect(1, Positions(3, 0, 3)));
        TensorAssert.Shape([1, 4], TensorAssert.Seq(3, 4).IndexSelect(0, Tensor.From(1L)));   // a 0-d index counts as one position, as in torch
    }

    [Fact]
    public void IndexSelect_of_long_rows_from_a_recycled_array_writes_every_element()
    {
        // Rows of 384 and 1,024 bytes (the kernel prefetches rows of 256 bytes or more two ahead), picked out of order and
        // with a repeat, at dim 1 and dim 0, compared element by element with a plain loop. The 64-row gather's result
        // (64 KB) comes from the storage pool, whose free array of that length holds a dead tensor's 123s: the kernel,
        // not a zero fill, must write every element.
        var source = Tensor.Arange(3 * 50 * 96).Reshape(3, 50, 96).To(DType.Float32);
        long[] picks = [49, 0, 7, 7, 31, 48, 2];
        for (int round = 0; round < 3; round++)
        {
            using (Autograd.NoGrad()) _ = Tensor.Full([64 * 256], 123f);   // a dead pooled array of the second result's size
            GC.Collect();
            foreach (var (dim, count) in new[] { (1, picks.Length), (0, 1) })
            {
                long[] index = dim == 1 ? picks : [2];
                var selected = source.IndexSelect(dim, Tensor.From(index)).ToArray<float>();
                var expected = new List<float>();
                for (int a = 0; a < (dim == 1 ? 3 : count); a++)
                    for (int j = 0; j < (dim == 1 ? count : 50); j++)
                        for (int k = 0; k < 96; k++)
                            expected.Add(dim == 1 ? a * 50 * 96 + index[j] * 96 + k : index[0] * 50 * 96 + j * 96 + k);
                Assert.Equal(expected.ToArray(), selected);
            }
            var big = Tensor.Arange(1000 * 256).Reshape(1000, 256).To(DType.Float32);
            long[] rows = Enumerable.Range(0, 64).Select(i => (long)((i * 389) % 1000)).ToArray();
            var gathered = big.IndexSelect(0, Tensor.From(rows)).ToArray<float>();
            Assert.Equal(rows.SelectMany(r => Enumerable.Range(0, 256).Select(k => (float)(r * 256 + k))).ToArray(), gathered);
        }
    }

    [Fact]
    public void IndexSelect_errors_are_clear()
    {
        var x = TensorAssert.Seq(3, 4);
        Assert.Contains("index 3 is out of bounds for dimension 0 with size 3",
            Assert.Throws<ArgumentException>(() => x.IndexSelect(0, Positions(3))).Message);
        Assert.Contains("index -1 is out of bounds", Assert.Throws<ArgumentException>(() => x.IndexSelect(0, Positions(-1))).Message);
        Assert.Contains("Index is supposed to be a vector",
            Assert.Throws<ArgumentException>(() => x.IndexSelect(0, Tensor.Zeros([1, 1], DType.Int64))).Message);
        Assert.Contains("Expected dtype int64 for index", Assert.Throws<ArgumentException>(() => x.IndexSelect(0, Tensor.Ones(1))).Message);
    }

    [Fact]
    public void IndexSelect_gradient_index_adds_back_into_zeros()
    {
        TensorAssert.GradCheck(xs => xs[0].T.IndexSelect(0, Positions(2, 0, 2)).Pow(2), TensorAssert.Leaf(4, 3));
        var x = TensorAssert.Leaf(3, 2);
        x.IndexSelect(0, Positions(2, 0, 2)).Sum().Backward();
        TensorAssert.Close([1.0, 1, 0, 0, 2, 2], x.Grad!);
        Assert.Equal("IndexSelectBackward0", x.IndexSelect(0, Positions(1)).GradFn!.Name);
    }

    [Fact]
    public void IndexSelect_second_derivative_flows_through_index_add()
    {
        TensorAssert.GradCheck(xs =>
        {
            using var grad = Autograd.EnableGrad();
            var f = xs[0].IndexSelect(1, Positions(1, 1, 0)).Pow(3).Sum();
            return Autograd.Grad([f], [xs[0]], createGraph: true)[0]!;
        }, TensorAssert.Leaf(2, 3));
    }

    [Fact]
    public void IndexAdd_adds_source_slices_like_torch()
    {
        TensorAssert.Close([3, 4], [0.0, 0.75, 1.5, 2.25, 0.25, -0.75, 1.0, 0.0, -1.25, 4.0, 1.0, 0.75],
            TensorAssert.Seq(3, 4).IndexAdd(0, Positions(2, 0, 2), TensorAssert.Seq(3, 4) + 1));
        TensorAssert.Close([3, 4], [-1.25, -2.0, -0.5, 1.25, 0.25, 0.25, 1.0, 0.0, -1.0, -0.25, -0.25, -1.25],
            TensorAssert.Seq(3, 4).IndexAdd(1, Positions(1), TensorAssert.Seq(3, 1), alpha: 2));
    }

    [Fact]
    public void IndexAdd_errors_are_clear()
    {
        var x = TensorAssert.Seq(3, 4);
        Assert.Contains("Number of indices (1) should be equal to source.size(dim): (2), for dim: 0",
            Assert.Throws<ArgumentException>(() => x.IndexAdd(0, Positions(1), Tensor.Ones([2, 4], DType.Float64))).Message);
        Assert.Contains("self (torch.float64) and source (torch.float32) must have the same scalar type",
            Assert.Throws<ArgumentException>(() => x.IndexAdd(0, Positions(1), Tensor.Ones(1, 4))).Message);
        Assert.Contains("index 7 is out of bounds for dimension 0 with size 3",
            Assert.Throws<ArgumentException>(() => x.IndexAdd(0, Positions(7), Tensor.Ones([1, 4], DType.Float64))).Message);
        Assert.Contains("must match self shape [3, 4] except at dimension 0",
            Assert.Throws<ArgumentException>(() => x.IndexAdd(0, Positions(1), Tensor.Ones([1, 5], DType.Float64))).Message);
    }

    [Fact]
    public void IndexAdd_gradients_match_finite_differences()
    {
        TensorAssert.GradCheck(xs => xs[0].IndexAdd(1, Positions(0, 2, 0), xs[1].T, alpha: -1.5).Pow(2), TensorAssert.Leaf(2, 3), TensorAssert.Leaf(3, 2));
        Assert.Equal("IndexAddBackward0", TensorAssert.Leaf(2, 3).IndexAdd(1, Positions(0), TensorAssert.Leaf(2, 1)).GradFn!.Name);
    }
}
