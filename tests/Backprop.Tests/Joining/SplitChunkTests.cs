using Backprop;

namespace Backprop.Tests.Joining;

// Piece sizes as torch.split / torch.chunk give them (PyTorch 1.13).
public class SplitChunkTests
{
    private static int[] Sizes(Tensor[] pieces, int dim) => pieces.Select(p => p.Shape[dim]).ToArray();

    [Fact]
    public void Split_by_size_makes_views_with_a_smaller_last_piece()
    {
        var x = Tensor.From(Enumerable.Range(0, 10).Select(i => (double)i).ToArray(), 2, 5);
        var pieces = x.Split(2, 1);
        Assert.Equal([2, 2, 1], Sizes(pieces, 1));
        Assert.All(pieces, p => Assert.True(p.SharesStorageWith(x)));
        TensorAssert.Close([2, 2], [2.0, 3, 7, 8], pieces[1]);
        TensorAssert.Close([2, 1], [4.0, 9], pieces[2]);
    }

    [Fact]
    public void Split_by_sizes_follows_the_list()
    {
        var x = Tensor.From(Enumerable.Range(0, 6).Select(i => (double)i).ToArray());
        var pieces = x.Split([1, 0, 5]);
        Assert.Equal([1, 0, 5], Sizes(pieces, 0));
        TensorAssert.Close([1.0, 2, 3, 4, 5], pieces[2]);
        Assert.Equal("SplitWithSizesBackward0", TensorAssert.Leaf(6).Split([1, 5])[0].GradFn!.Name);
        Assert.Equal("SplitBackward0", TensorAssert.Leaf(6).Split(4)[1].GradFn!.Name);
    }

    [Fact]
    public void Chunk_uses_ceil_sizes_and_may_return_fewer_chunks()
    {
        Assert.Equal([2, 2, 1], Sizes(Tensor.Zeros(5).Chunk(4), 0));
        Assert.Equal([2, 2, 2], Sizes(Tensor.Zeros(6).Chunk(4), 0));
        Assert.Equal([0, 0, 0], Sizes(Tensor.Zeros(0).Chunk(3), 0));
        Assert.Equal([1, 1, 1], Sizes(Tensor.Zeros(2, 3).Chunk(3, -1), 1));
    }

    [Fact]
    public void Split_and_chunk_errors_name_the_problem()
    {
        Assert.Contains("split_size can only be 0 if dimension size is 0, but got dimension size of 3",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).Split(0)).Message);
        Assert.Contains("split expects split_size be non-negative, but got split_size=-1",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).Split(-1)).Message);
        Assert.Contains("split_with_sizes expects split_sizes to sum exactly to 3 (input tensor's size at dimension 0), but got split_sizes=[1, 1]",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).Split([1, 1])).Message);
        Assert.Contains("chunk expects `chunks` to be greater than 0, got: 0",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).Chunk(0)).Message);
        Assert.Contains("at least a 1-dimensional tensor", Assert.Throws<ArgumentException>(() => Tensor.From(1f).Split(1)).Message);
    }

    [Fact]
    public void Gradient_flows_through_split_and_chunk_views()
    {
        TensorAssert.GradCheck(xs =>
        {
            var p = xs[0].Split(2, 1);
            return Tensor.Cat([p[2] * 3, p[0].Pow(2), p[1]], 1);
        }, TensorAssert.Leaf(2, 5));
        TensorAssert.GradCheck(xs =>
        {
            var c = xs[0].T.Chunk(2);
            return c[0].Sum() * c[1].Pow(3).Sum();
        }, TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(xs => xs[0].Split([1, 3], -1)[1].Mul(2), TensorAssert.Leaf(2, 4));
    }
}
