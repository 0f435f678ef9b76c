using System.Runtime.CompilerServices;

namespace Backprop;

/// <summary>Shape and stride arithmetic shared by every op: sizes, contiguous strides, broadcasting, dim checks.</summary>
internal static class Shapes
{
    public static readonly int[] Scalar = [];

    // Shape and stride arrays are immutable once a tensor holds them (code that needs a variant clones first),
    // so tensors of one shape share one array and a 1-d contiguous tensor shares these strides.
    private static readonly int[] UnitStride = [1];

    // The strides [n, 1] of contiguous matrices with rows of n < 1024, made on first use (a race makes an equal array).
    private static readonly int[]?[] MatrixStrides = new int[]?[1024];

    // Numel and IsContiguous run for every tensor made: inlined, with the rare throw kept out of line.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var s in shape) n *= s;
        return n <= Array.MaxLength ? (int)n : ThrowTooManyElements(shape, n);
    }

    private static int ThrowTooManyElements(ReadOnlySpan<int> shape, long n) =>
        throw new ArgumentException($"a tensor of shape {Format(shape)} has {n} elements, more than one .NET array can hold");

    /// <summary>
    /// The number of elements of a shape read from a file, or null when it is more than one array can hold:
    /// checked before anything is allocated, so a corrupt header cannot ask for gigabytes.
    /// </summary>
    public static long? CheckedNumel(ReadOnlySpan<int> shape)
    {
        if (shape.IndexOf(0) >= 0) return 0;
        long numel = 1;
        foreach (int s in shape)
        {
            numel *= s;   // numel ≤ Array.MaxLength before each step, so the product stays below 2^62
            if (numel > Array.MaxLength) return null;
        }
        return numel;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // every result asks; most are of rank 0 to 2
    public static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        if (shape.Length == 0) return Scalar;
        if (shape.Length == 1) return UnitStride;
        return ContiguousStridesOfRank2Up(shape);
    }

    private static int[] ContiguousStridesOfRank2Up(ReadOnlySpan<int> shape)
    {
        if (shape.Length == 2 && (uint)shape[1] < (uint)MatrixStrides.Length)
            return MatrixStrides[shape[1]] ??= [Math.Max(shape[1], 1), 1];
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= Math.Max(shape[i], 1);
        }
        return strides;
    }

    /// <summary>True when a row-major walk of shape with these strides visits consecutive elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsContiguous(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides)
    {
        int expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    // A plain loop: shapes have a handful of dims, where SequenceEqual's call and vector set-up cost more than the
    // compares (every op compares shapes, and a small network's step makes some eighty of them).
    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (a[i] != b[i]) return false;
        return true;
    }

    public static bool Equal(int[] a, int[] b) => ReferenceEquals(a, b) || Equal(a.AsSpan(), b.AsSpan());

    /// <summary>The broadcast shape of two tensors' shapes: a itself (not a copy) when b equals it.</summary>
    public static int[] Broadcast(string op, int[] a, int[] b) => Equal(a, b) ? a : Broadcast(op, a.AsSpan(), b.AsSpan());

    /// <summary>PyTorch's broadcasting: align from the right; sizes equal, one of them 1, or missing.</summary>
    public static int[] Broadcast(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        if (a.SequenceEqual(b)) return a.ToArray();
        int n = Math.Max(a.Length, b.Length);
        var result = new int[n];
        for (int i = 0; i < n; i++)
        {
            int ai = i - (n - a.Length), bi = i - (n - b.Length);
            int sa = ai >= 0 ? a[ai] : 1, sb = bi >= 0 ? b[bi] : 1;
            if (sa != sb && sa != 1 && sb != 1)
                throw new ArgumentException(
                    $"{op}: The size of tensor a ({sa}) must match the size of tensor b ({sb}) at non-singleton dimension {i} " +
                    $"(shapes {Format(a)} and {Format(b)})");
            result[i] = sa == 1 ? sb : sa;
        }
        return result;
    }

    /// <summary>Strides that read a tensor of (shape, strides) as the broadcast shape target: its own strides when the shapes are equal.</summary>
    public static int[] BroadcastStrides(int[] shape, int[] strides, int[] target)
        => Equal(shape, target) ? strides : BroadcastStrides(shape.AsSpan(), strides.AsSpan(), target.AsSpan());

    /// <summary>Strides that read a tensor of (shape, strides) as if it had the broadcast shape target: 0 where expanded.</summary>
    public static int[] BroadcastStrides(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, ReadOnlySpan<int> target)
    {
        if (target.Length == 0) return Scalar;
        var result = new int[target.Length];
        int lead = target.Length - shape.Length;
        for (int i = 0; i < shape.Length; i++)
            result[lead + i] = shape[i] == 1 && target[lead + i] != 1 ? 0 : strides[i];
        return result;
    }

    /// <summary>Wraps a negative dim (PyTorch's -1 = last) and checks the range.</summary>
    public static int NormalizeDim(string op, int dim, int ndim)
    {
        int rank = Math.Max(ndim, 1);   // a 0-d tensor accepts dim 0 and -1, as in PyTorch
        if (dim < -rank || dim >= rank)
            throw new ArgumentException(
                $"{op}: dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got {dim})");
        return dim < 0 ? dim + rank : dim;
    }

    /// <summary>Normalised, de-duplicated dims, or all dims when dims is empty.</summary>
    public static bool[] ReducedDims(string op, ReadOnlySpan<int> dims, int ndim)
    {
        var mask = new bool[ndim];
        if (dims.Length == 0)
        {
            Array.Fill(mask, true);
            return mask;
        }
        foreach (var d in dims)
        {
            int nd = NormalizeDim(op, d, ndim);
            if (ndim == 0) continue;
            if (mask[nd]) throw new ArgumentException($"{op}: dim {nd} appears multiple times in the list of dims");
            mask[nd] = true;
        }
        return mask;
    }
}
