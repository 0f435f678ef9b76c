using System.Collections;

namespace Backprop.Data;

/// <summary>
/// Iterates over a dataset in batches: each <c>foreach</c> is one epoch that visits every sample once (in order,
/// or in a fresh random order with shuffle), groups them batchSize at a time and stacks each group with
/// <see cref="Collate.Stack(IReadOnlyList{Tensor[]})"/>. The last, smaller batch is kept unless dropLast. Like torch.utils.data.DataLoader
/// (single process, default sampler and collation).
/// </summary>
/// <example><code>
/// var loader = new DataLoader(new TensorDataset(x, y), batchSize: 64, shuffle: true, generator: new Generator(0));
/// foreach (var (xb, yb) in loader) { ... }
/// </code></example>
public sealed class DataLoader : IEnumerable<Tensor[]>
{
    /// <summary>
    /// A loader over dataset; like DataLoader(dataset, batch_size, shuffle, drop_last=..., generator=...).
    /// The shuffled order is drawn from generator at the start of each epoch, so a seeded generator makes a run
    /// reproducible; without one it is drawn from <see cref="Generator.Default"/>.
    /// </summary>
    public DataLoader(Dataset<Tensor[]> dataset, int batchSize = 1, bool shuffle = false, bool dropLast = false, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"DataLoader: batch_size should be a positive integer value, but got batch_size={batchSize}");
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        Generator = generator;
    }

    /// <summary>The dataset batches come from; like loader.dataset.</summary>
    public Dataset<Tensor[]> Dataset { get; }

    /// <summary>Samples per batch; like loader.batch_size.</summary>
    public int BatchSize { get; }

    /// <summary>True when each epoch visits the samples in a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>True when a last batch smaller than <see cref="BatchSize"/> is skipped; like loader.drop_last.</summary>
    public bool DropLast { get; }

    /// <summary>The generator shuffling draws from (null: <see cref="Generator.Default"/>); like loader.generator.</summary>
    public Generator? Generator { get; }

    /// <summary>The number of batches per epoch; like len(loader).</summary>
    public int Count => DropLast ? Dataset.Count / BatchSize : (int)(((long)Dataset.Count + BatchSize - 1) / BatchSize);

    /// <summary>One epoch of batches; each field of a batch is a tensor with the batch in dim 0.</summary>
    public IEnumerator<Tensor[]> GetEnumerator()
    {
        int n = Dataset.Count;
        var order = Shuffle ? Permutation.Random(n, Generator ?? Generator.Default) : null;
        int batches = Count;
        var samples = new List<Tensor[]>(BatchSize);
        for (int b = 0; b < batches; b++)
        {
            samples.Clear();
            int end = Math.Min(n, (b + 1) * BatchSize);
            for (int i = b * BatchSize; i < end; i++) samples.Add(Dataset.Get(order is null ? i : order[i]));
            yield return Collate.Stack(samples);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
