using Backprop;
using Backprop.Data;

namespace Backprop.Tests.Data;

[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class DataLoaderTests
{
    /// <summary>n samples: x[i] = [i, 10i, 100i] (Float32), y[i] = i (Int64), so every row says which sample it is.</summary>
    private static TensorDataset Numbered(int n)
    {
        var x = new float[n * 3];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            x[3 * i] = i; x[3 * i + 1] = 10 * i; x[3 * i + 2] = 100 * i;
            y[i] = i;
        }
        return new TensorDataset(Tensor.From(x, n, 3), Tensor.From(y, n));
    }

    private static List<long[]> Epoch(DataLoader loader)
    {
        var batches = new List<long[]>();
        foreach (var batch in loader) batches.Add(batch[1].ToArray<long>());
        return batches;
    }

    private static long[] Flat(List<long[]> batches) => batches.SelectMany(b => b).ToArray();

    [Fact]
    public void Batches_stack_samples_along_a_new_first_dim_and_keep_the_last_partial_batch()
    {
        var loader = new DataLoader(Numbered(10), batchSize: 4);
        var batches = loader.ToList();
        Assert.Equal(3, batches.Count);
        Assert.Equal(3, loader.Count);
        TensorAssert.Shape([4, 3], batches[0][0]);
        TensorAssert.Shape([4], batches[0][1]);
        TensorAssert.Shape([2, 3], batches[2][0]);
        TensorAssert.Shape([2], batches[2][1]);
        Assert.Equal(DType.Float32, batches[0][0].DType);
        Assert.Equal(DType.Int64, batches[0][1].DType);
        TensorAssert.Close([8, 80, 800, 9, 90, 900], batches[2][0]);
        Assert.Equal([8L, 9L], batches[2][1].ToArray<long>());
    }

    [Fact]
    public void Without_shuffle_samples_come_in_dataset_order()
    {
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), Flat(Epoch(new DataLoader(Numbered(10), batchSize: 3))));
    }

    [Fact]
    public void DropLast_skips_the_partial_batch()
    {
        var loader = new DataLoader(Numbered(10), batchSize: 4, dropLast: true);
        Assert.Equal(2, loader.Count);
        var batches = Epoch(loader);
        Assert.Equal(2, batches.Count);
        Assert.All(batches, b => Assert.Equal(4, b.Length));
    }

    [Theory]
    [InlineData(10, 1, false, 10)]
    [InlineData(10, 5, false, 2)]
    [InlineData(10, 5, true, 2)]
    [InlineData(10, 3, false, 4)]
    [InlineData(10, 3, true, 3)]
    [InlineData(10, 11, false, 1)]
    [InlineData(10, 11, true, 0)]
    [InlineData(0, 4, false, 0)]
    public void Count_is_the_number_of_batches_an_epoch_yields(int n, int batchSize, bool dropLast, int expected)
    {
        var loader = new DataLoader(Numbered(n), batchSize, shuffle: true, dropLast: dropLast, generator: new Generator(1));
        Assert.Equal(expected, loader.Count);
        Assert.Equal(expected, Epoch(loader).Count);
    }

    [Fact]
    public void Shuffle_visits_every_sample_exactly_once_per_epoch()
    {
        var loader = new DataLoader(Numbered(103), batchSize: 8, shuffle: true, generator: new Generator(7));
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var seen = Flat(Epoch(loader));
            Assert.Equal(Enumerable.Range(0, 103).Select(i => (long)i), seen.Order());
        }
    }

    [Fact]
    public void Shuffled_batches_keep_the_fields_of_a_sample_together()
    {
        foreach (var (x, y) in new DataLoader(Numbered(20), batchSize: 6, shuffle: true, generator: new Generator(3)))
        {
            var ids = y.ToArray<long>();
            var rows = x.ToArray<float>();
            for (int i = 0; i < ids.Length; i++)
                Assert.Equal(new float[] { ids[i], 10 * ids[i], 100 * ids[i] }, rows.AsSpan(3 * i, 3).ToArray());
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_order_and_different_seeds_differ()
    {
        List<long[]> Run(ulong seed) => Epoch(new DataLoader(Numbered(50), batchSize: 7, shuffle: true, generator: new Generator(seed)));
        var a = Flat(Run(42));
        Assert.Equal(a, Flat(Run(42)));
        Assert.NotEqual(a, Flat(Run(43)));
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => (long)i), a);
    }

    [Fact]
    public void Each_epoch_draws_a_new_order_and_a_reseeded_generator_replays_them()
    {
        var generator = new Generator(5);
        var loader = new DataLoader(Numbered(40), batchSize: 10, shuffle: true, generator: generator);
        var first = Flat(Epoch(loader));
        var second = Flat(Epoch(loader));
        Assert.NotEqual(first, second);
        generator.ManualSeed(5);
        Assert.Equal(first, Flat(Epoch(loader)));
        Assert.Equal(second, Flat(Epoch(loader)));
    }

    [Fact]
    public void Batches_copy_from_non_contiguous_source_tensors()
    {
        var x = Tensor.From(Enumerable.Range(0, 12).Select(i => (double)i).ToArray(), 3, 4).T;   // [4, 3], strides [1, 4]
        var mask = Tensor.From(new[] { true, false, true, true });
        var batches = new DataLoader(new TensorDataset(x, mask), batchSize: 3).ToList();
        TensorAssert.Close([3, 3], [0, 4, 8, 1, 5, 9, 2, 6, 10], batches[0][0]);
        Assert.Equal([true, false, true], batches[0][1].ToArray<bool>());
        TensorAssert.Close([1, 3], [3, 7, 11], batches[1][0]);
        Assert.Equal(DType.Float64, batches[0][0].DType);
    }

    [Fact]
    public void A_batch_is_a_copy_not_a_view_of_the_dataset()
    {
        var x = Tensor.Zeros(4, 2);
        var batch = new DataLoader(new TensorDataset(x), batchSize: 4).First();
        Assert.False(batch[0].SharesStorageWith(x));
    }

    [Fact]
    public void Deconstruction_of_a_batch_with_the_wrong_number_of_tensors_throws()
    {
        var loader = new DataLoader(new TensorDataset(Tensor.Zeros(4, 2)), batchSize: 2);
        var ex = Assert.Throws<ArgumentException>(() => { foreach (var (a, b) in loader) { } });
        Assert.Contains("has 1 tensors", ex.Message);
    }

    [Fact]
    public void A_batch_size_below_one_throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(Numbered(4), batchSize: 0));
        Assert.Contains("batch_size should be a positive integer value, but got batch_size=0", ex.Message);
    }

    private sealed class Ragged : Dataset<Tensor[]>
    {
        public override int Count => 3;
        public override Tensor[] Get(int index) => [Tensor.Zeros(index == 2 ? 3 : 2)];
    }

    [Fact]
    public void Collating_samples_of_different_shapes_throws_naming_both()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DataLoader(new Ragged(), batchSize: 3).ToList());
        Assert.Contains("stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 2", ex.Message);
    }

    [Fact]
    public void Collate_stacks_0d_samples_into_a_vector()
    {
        var batch = Collate.Stack([[Tensor.From(1.5)], [Tensor.From(-2.0)]]);
        TensorAssert.Close([2], [1.5, -2.0], batch[0]);
    }
}
