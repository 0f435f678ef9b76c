using Backprop;
using Backprop.Data;

namespace Backprop.Tests.Data;

public class TensorDatasetTests
{
    [Fact]
    public void Samples_are_rows_of_every_tensor_as_views()
    {
        var x = Tensor.From(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        var y = Tensor.From(new long[] { 7, 8, 9 });
        var ds = new TensorDataset(x, y);
        Assert.Equal(3, ds.Count);
        var sample = ds[1];
        Assert.Equal(2, sample.Length);
        TensorAssert.Close([2], [3, 4], sample[0]);
        TensorAssert.Shape([], sample[1]);
        Assert.Equal(8, sample[1].Item<long>());
        Assert.True(sample[0].SharesStorageWith(x));
        Assert.Same(x, ds.Tensors[0]);
    }

    [Fact]
    public void Tensors_with_different_first_dims_throw_naming_the_shapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.Zeros(3, 2), Tensor.Zeros(4)));
        Assert.Contains("size mismatch between tensors", ex.Message);
        Assert.Contains("[3, 2]", ex.Message);
        Assert.Contains("tensor 1 has shape [4]", ex.Message);
    }

    [Fact]
    public void A_0d_tensor_or_no_tensor_at_all_throws()
    {
        Assert.Contains("0-d", Assert.Throws<ArgumentException>(() => new TensorDataset(Tensor.From(1f))).Message);
        Assert.Throws<ArgumentException>(() => new TensorDataset());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void An_index_out_of_range_throws(int index)
    {
        var ds = new TensorDataset(Tensor.Zeros(3));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ds.Get(index));
        Assert.Contains($"index {index} is out of bounds for a dataset of size 3", ex.Message);
    }
}
