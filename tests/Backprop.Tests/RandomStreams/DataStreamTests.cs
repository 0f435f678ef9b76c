using System.Text.Json;
using Backprop;
using Backprop.Data;

namespace Backprop.Tests.RandomStreams;

// DataLoader shuffling and random_split after the same seed as PyTorch 1.13: the same index orders, epoch after epoch,
// and the generators left where torch leaves them.
[Collection("DefaultGenerator")]
public class DataStreamTests
{
    public static TheoryData<string> ShuffleCases => StreamReference.Ids("dataloader_shuffle");

    public static TheoryData<string> SplitCases => StreamReference.Ids("random_split", "random_split_fractions");

    /// <summary>range(n) as a dataset: sample i is the Int64 scalar i.</summary>
    private static TensorDataset Range(int n) => new(Tensor.Arange(n));

    private static Tensor Epoch(DataLoader loader, int batchSize)
    {
        var order = new List<long>();
        var batches = loader.ToList();
        for (int b = 0; b < batches.Count; b++)
        {
            if (b < batches.Count - 1) Assert.Equal(batchSize, batches[b][0].Numel);
            order.AddRange(batches[b][0].ToArray<long>());
        }
        return Tensor.From(order.ToArray());
    }

    [Theory]
    [MemberData(nameof(ShuffleCases))]
    public void DataLoader_shuffles_in_torchs_order(string id)
    {
        var c = StreamReference.Case(id);
        ulong seed = c.GetProperty("seed").GetUInt64();
        int n = c.GetProperty("n").GetInt32(), batchSize = c.GetProperty("batch_size").GetInt32();
        bool explicitGenerator = c.GetProperty("explicit_generator").GetBoolean();
        Tensor.ManualSeed(seed);
        var g = explicitGenerator ? new Generator(seed) : null;
        var loader = new DataLoader(Range(n), batchSize, shuffle: true, generator: g);
        var epochs = c.GetProperty("result");
        for (int e = 0; e < epochs.GetArrayLength(); e++)
            StreamReference.Exact(epochs[e], Epoch(loader, batchSize), $"{id} epoch {e}");
        Assert.Equal(c.GetProperty("state").GetString(), StreamReference.StateTag(Generator.Default));
        if (g is not null) Assert.Equal(c.GetProperty("generator_state").GetString(), StreamReference.StateTag(g));
    }

    private static Subset<Tensor[]>[] Split(JsonElement c, Generator? generator)
    {
        var dataset = Range(c.GetProperty("n").GetInt32());
        if (c.TryGetProperty("fractions", out var fractions))
            return Dataset.RandomSplit(dataset, fractions.EnumerateArray().Select(f => f.GetDouble()).ToArray(), generator);
        return Dataset.RandomSplit(dataset, c.GetProperty("lengths").EnumerateArray().Select(l => l.GetInt32()).ToArray(), generator);
    }

    private static void AssertSplit(JsonElement c, Subset<Tensor[]>[] parts, string id)
    {
        var expected = c.GetProperty("result");
        Assert.Equal(expected.GetArrayLength(), parts.Length);
        for (int k = 0; k < parts.Length; k++)
            StreamReference.Exact(expected[k], Tensor.From(parts[k].Indices.Select(i => (long)i).ToArray()), $"{id} part {k}");
    }

    [Theory]
    [MemberData(nameof(SplitCases))]
    public void RandomSplit_deals_torchs_indices(string id)
    {
        var c = StreamReference.Case(id);
        ulong seed = c.GetProperty("seed").GetUInt64();
        Tensor.ManualSeed(seed);
        bool explicitGenerator = c.TryGetProperty("explicit_generator", out var e) && e.GetBoolean();
        AssertSplit(c, Split(c, explicitGenerator ? new Generator(seed) : null), id);
        Assert.Equal(c.GetProperty("state").GetString(), StreamReference.StateTag(Generator.Default));
    }

    [Theory]
    [MemberData(nameof(SplitCases))]
    public void RandomSplit_from_an_explicit_generator_deals_the_same_indices(string id)
    {
        var c = StreamReference.Case(id);
        AssertSplit(c, Split(c, new Generator(c.GetProperty("seed").GetUInt64())), id);
    }
}
