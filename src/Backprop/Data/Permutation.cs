namespace Backprop.Data;

/// <summary>The random orders the data pipeline draws, in one place.</summary>
internal static class Permutation
{
    /// <summary>A random permutation of 0..n-1 drawn as torch.randperm(n, generator=generator) draws it.</summary>
    public static int[] Random(int n, Generator generator)
    {
        var order = Tensor.RandPerm(n, generator).ToArray<long>();
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = (int)order[i];
        return p;
    }

    /// <summary>
    /// One epoch's indices of a shuffling loader, drawn lazily as torch 1.13's RandomSampler draws them. At the first
    /// index: with a generator, randperm(n) from it; without one, a seed from the default generator (an int64
    /// random_()) and randperm(n) from a fresh generator seeded with it. Asked past the last index, the sampler
    /// draws one more randperm(n) (torch's randperm(n)[:num_samples % n], an empty slice) before it ends.
    /// </summary>
    public static IEnumerable<int> Sampler(int n, Generator? generator)
    {
        var g = generator ?? new Generator((ulong)Generator.Default.NextSeed());
        foreach (int i in Random(n, g)) yield return i;
        // Only the loader's own generator sees this draw; a fresh one is dropped, so skip the work.
        if (generator is not null) Random(n, generator);
    }
}
