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
}
