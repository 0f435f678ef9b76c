namespace Backprop.Data;

/// <summary>The random orders the data pipeline draws: one method, so it can become Tensor.RandPerm later.</summary>
internal static class Permutation
{
    /// <summary>
    /// A uniformly random permutation of 0..n-1 drawn from generator (its stream advances, so each call
    /// differs). Fisher-Yates (Knuth's Algorithm P): for i = n-1 down to 1, swap element i with a uniform
    /// j in [0, i]. Not PyTorch's randperm stream; same distribution.
    /// </summary>
    public static int[] Random(int n, Generator generator)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        lock (generator.Sync)
        {
            for (int i = n - 1; i > 0; i--)
            {
                int j = (int)Below(generator, (uint)i + 1);
                (p[i], p[j]) = (p[j], p[i]);
            }
        }
        return p;
    }

    /// <summary>
    /// A uniform integer in [0, bound): Lemire's multiply-shift with rejection (2019), which has no modulo bias:
    /// the high word of word·bound is uniform once the low words below 2^32 mod bound are rejected.
    /// </summary>
    private static uint Below(Generator generator, uint bound)
    {
        ulong m = (ulong)generator.NextUInt32() * bound;
        uint low = (uint)m;
        if (low < bound)
        {
            uint threshold = (0u - bound) % bound;
            while (low < threshold)
            {
                m = (ulong)generator.NextUInt32() * bound;
                low = (uint)m;
            }
        }
        return (uint)(m >> 32);
    }
}
