namespace Backprop.Data;

/// <summary>
/// A collection of samples that can be counted and read by index: the thing a <see cref="DataLoader"/> draws
/// batches from. Subclasses implement <see cref="Count"/> and <see cref="Get"/>. Like torch.utils.data.Dataset.
/// </summary>
/// <typeparam name="T">The type of one sample, e.g. Tensor[] for (input, target) pairs.</typeparam>
public abstract class Dataset<T>
{
    /// <summary>The number of samples; like len(dataset).</summary>
    public abstract int Count { get; }

    /// <summary>The sample at index (0 ≤ index &lt; Count); like dataset[index] (__getitem__).</summary>
    public abstract T Get(int index);

    /// <summary>The sample at index; same as <see cref="Get"/>.</summary>
    public T this[int index] => Get(index);

    /// <summary>Throws unless 0 ≤ index &lt; Count, in PyTorch's words.</summary>
    protected void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"{GetType().Name}: index {index} is out of bounds for a dataset of size {Count}");
    }
}

/// <summary>The samples of another dataset at the given indices, in that order; like torch.utils.data.Subset.</summary>
/// <typeparam name="T">The sample type.</typeparam>
public sealed class Subset<T> : Dataset<T>
{
    private readonly int[] _indices;

    /// <summary>A view of dataset restricted to indices (each must be a valid index of dataset); like Subset(dataset, indices).</summary>
    public Subset(Dataset<T> dataset, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(indices);
        _indices = [.. indices];
        foreach (int i in _indices)
            if ((uint)i >= (uint)dataset.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), i,
                    $"Subset: index {i} is out of bounds for a dataset of size {dataset.Count}");
        Dataset = dataset;
    }

    /// <summary>The underlying dataset; like subset.dataset.</summary>
    public Dataset<T> Dataset { get; }

    /// <summary>The indices into <see cref="Dataset"/>; like subset.indices.</summary>
    public IReadOnlyList<int> Indices => _indices;

    /// <inheritdoc/>
    public override int Count => _indices.Length;

    /// <inheritdoc/>
    public override T Get(int index)
    {
        CheckIndex(index);
        return Dataset.Get(_indices[index]);
    }
}

/// <summary>Operations on whole datasets.</summary>
public static class Dataset
{
    /// <summary>
    /// Splits dataset into non-overlapping random subsets of the given lengths, which must add up to its Count;
    /// like torch.utils.data.random_split(dataset, lengths, generator). Without a generator, draws from
    /// <see cref="Generator.Default"/>.
    /// </summary>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, int[] lengths, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(lengths);
        long total = 0;
        foreach (int length in lengths)
        {
            if (length < 0) throw new ArgumentException($"RandomSplit: lengths must be non-negative, got [{string.Join(", ", lengths)}]");
            total += length;
        }
        if (total != dataset.Count)
            throw new ArgumentException(
                $"RandomSplit: sum of input lengths ({total}) does not equal the length of the input dataset ({dataset.Count})");
        var order = Permutation.Random(dataset.Count, generator ?? Generator.Default);
        var subsets = new Subset<T>[lengths.Length];
        int offset = 0;
        for (int k = 0; k < lengths.Length; k++)
        {
            subsets[k] = new Subset<T>(dataset, new ArraySegment<int>(order, offset, lengths[k]));
            offset += lengths[k];
        }
        return subsets;
    }

    /// <summary>
    /// Splits dataset by fractions that sum to 1: each split gets floor(Count·fraction) samples, and the
    /// remainder is dealt one at a time to the splits in order, as PyTorch does; like random_split(dataset, [0.8, 0.2]).
    /// </summary>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, double[] fractions, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(fractions);
        if (fractions.Length == 0) throw new ArgumentException("RandomSplit: at least one fraction is needed");
        double sum = 0;
        foreach (double f in fractions)
        {
            if (!(f >= 0 && f <= 1)) throw new ArgumentException($"RandomSplit: fraction {f} is not between 0 and 1");
            sum += f;
        }
        if (Math.Abs(sum - 1) > 1e-9)   // math.isclose(sum, 1) with its default rel_tol
            throw new ArgumentException($"RandomSplit: fractions must sum to 1, got {sum}");
        var lengths = new int[fractions.Length];
        int assigned = 0;
        for (int k = 0; k < fractions.Length; k++)
        {
            lengths[k] = (int)Math.Floor(dataset.Count * fractions[k]);
            assigned += lengths[k];
        }
        for (int i = 0; i < dataset.Count - assigned; i++) lengths[i % lengths.Length]++;
        return RandomSplit(dataset, lengths, generator);
    }
}
