using Backprop;
using Backprop.Data;

namespace Backprop.Tests.Data;

[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class RandomSplitTests
{
    private sealed class Range(int n) : Dataset<int>
    {
        public override int Count => n;
        public override int Get(int index) { CheckIndex(index); return index; }
    }

    private static int[] Items(Dataset<int> ds) => Enumerable.Range(0, ds.Count).Select(ds.Get).ToArray();

    [Fact]
    public void Splits_have_the_given_lengths_and_partition_the_dataset()
    {
        var parts = Dataset.RandomSplit(new Range(100), [70, 20, 10], new Generator(0));
        Assert.Equal([70, 20, 10], parts.Select(p => p.Count));
        var all = parts.SelectMany(Items).ToArray();
        Assert.Equal(Enumerable.Range(0, 100), all.Order());
        Assert.NotEqual(Enumerable.Range(0, 100), all);   // shuffled, not sliced in order
    }

    [Theory]
    [InlineData(10, new[] { 0.33, 0.33, 0.34 }, new[] { 4, 3, 3 })]   // torch: random_split(range(10), [0.33, 0.33, 0.34])
    [InlineData(7, new[] { 0.5, 0.5 }, new[] { 4, 3 })]
    [InlineData(10, new[] { 0.25, 0.25, 0.25, 0.25 }, new[] { 3, 3, 2, 2 })]
    public void Fractions_floor_each_length_and_deal_the_remainder_in_order_as_PyTorch(int n, double[] fractions, int[] expected)
    {
        var parts = Dataset.RandomSplit(new Range(n), fractions, new Generator(0));
        Assert.Equal(expected, parts.Select(p => p.Count));
        Assert.Equal(Enumerable.Range(0, n), parts.SelectMany(Items).Order());
    }

    [Fact]
    public void The_same_seed_gives_the_same_split()
    {
        var a = Dataset.RandomSplit(new Range(30), [0.5, 0.5], new Generator(9));
        var b = Dataset.RandomSplit(new Range(30), [0.5, 0.5], new Generator(9));
        var c = Dataset.RandomSplit(new Range(30), [0.5, 0.5], new Generator(10));
        Assert.Equal(a[0].Indices, b[0].Indices);
        Assert.NotEqual(a[0].Indices, c[0].Indices);
    }

    [Fact]
    public void Lengths_that_do_not_add_up_throw()
    {
        var ex = Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(new Range(10), [5, 4]));
        Assert.Contains("sum of input lengths (9) does not equal the length of the input dataset (10)", ex.Message);
        Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(new Range(10), [0.5, 0.4]));
        Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(new Range(10), [11, -1]));
    }

    [Fact]
    public void A_subset_of_a_tensor_dataset_feeds_a_data_loader()
    {
        var ds = new TensorDataset(Tensor.From(Enumerable.Range(0, 10).Select(i => (long)i).ToArray()));
        var parts = Dataset.RandomSplit(ds, [8, 2], new Generator(4));
        var seen = new DataLoader(parts[1], batchSize: 5).Single()[0].ToArray<long>();
        Assert.Equal(parts[1].Indices.Select(i => (long)i), seen);
    }

    [Fact]
    public void A_subset_index_out_of_range_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Subset<int>(new Range(3), [0, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Subset<int>(new Range(3), [0, 1]).Get(2));
    }
}
