using System.Collections;

namespace Backprop.Data;

/// <summary>
/// Iterates over a dataset in batches: each <c>foreach</c> is one epoch that visits every sample once (in order,
/// or in a fresh random order with shuffle), groups them batchSize at a time and stacks each group with
/// <see cref="Collate.Stack(IReadOnlyList{Tensor[]})"/>. The last, smaller batch is kept unless dropLast. Like torch.utils.data.DataLoader
/// (single process, default sampler and collation).
/// <para>
/// Random draws follow PyTorch 1.13, so that after the same seed the orders are torch's and the generators are left
/// where torch leaves them. Each epoch (each <c>foreach</c>) first draws a 63-bit base seed (two 32-bit words, as
/// <c>torch.empty((), dtype=torch.int64).random_()</c>) from the loader's generator, or from
/// <see cref="Backprop.Generator.Default"/> when it has none, even without shuffle (torch seeds its worker processes
/// with it). With shuffle, the first batch then draws the epoch's order: with a generator,
/// <c>randperm(n, generator)</c>; without one, a second such seed from the default generator and
/// <c>randperm(n)</c> from a fresh generator seeded with it (torch's RandomSampler with generator=None). When the
/// epoch's indices run out (while the last partial batch is formed, or on the call after the last full batch),
/// torch's sampler draws one more, unused <c>randperm(n)</c> from the loader's generator, and so does this one: the
/// next epoch's order depends on it.
/// </para>
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
    /// reproducible; without one it is drawn from <see cref="Generator.Default"/> (see the class remarks for the
    /// exact draws).
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

    /// <summary>
    /// One epoch of batches; each field of a batch is a tensor with the batch in dim 0. Draws as torch 1.13's
    /// iter(loader) and first next() draw, so the generators end where PyTorch's do: see <see cref="DataLoader"/>.
    /// </summary>
    public IEnumerator<Tensor[]> GetEnumerator()
    {
        // torch's _BaseDataLoaderIter draws a base seed for its worker processes as the epoch starts, shuffled or not:
        // one int64 random_() from the loader's generator or the default one. There are no workers here, but the
        // draw keeps the stream where torch's is.
        (Generator ?? Generator.Default).NextSeed();
        return Batches();
    }

    // Batches as torch's BatchSampler forms them: up to BatchSize indices from the sampler, then the samples. The
    // sampler draws its order at the first index and runs dry (drawing what torch draws then) only when asked past
    // its end: while forming a last partial batch, or on the call after the last full one.
    private IEnumerator<Tensor[]> Batches()
    {
        int n = Dataset.Count;
        using var sampler = (Shuffle ? Permutation.Sampler(n, Generator) : Enumerable.Range(0, n)).GetEnumerator();
        var indices = new List<int>(BatchSize);
        var samples = new List<Tensor[]>(BatchSize);
        while (true)
        {
            indices.Clear();
            while (indices.Count < BatchSize && sampler.MoveNext()) indices.Add(sampler.Current);
            if (indices.Count == BatchSize || (indices.Count > 0 && !DropLast))
            {
                samples.Clear();
                foreach (int i in indices) samples.Add(Dataset.Get(i));
                yield return Collate.Stack(samples);
            }
            if (indices.Count < BatchSize) yield break;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
