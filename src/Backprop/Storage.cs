namespace Backprop;

/// <summary>
/// The flat array behind one or more tensor views. Every in-place write bumps <see cref="Version"/>,
/// so autograd can tell when a tensor it saved for backward was modified since (PyTorch's version counter).
/// </summary>
internal abstract class Storage(DType dtype)
{
    public DType DType { get; } = dtype;

    public abstract int Length { get; }

    /// <summary>Bumped by every in-place operation on any view of this storage.</summary>
    public int Version;

    public static Storage Allocate(DType dtype, int length) => dtype switch
    {
        DType.Bool => new Storage<bool>(new bool[length]),
        DType.Int64 => new Storage<long>(new long[length]),
        DType.Float32 => new Storage<float>(new float[length]),
        DType.Float64 => new Storage<double>(new double[length]),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };
}

internal sealed class Storage<T>(T[] data) : Storage(DTypeOf<T>.Value) where T : unmanaged
{
    public readonly T[] Data = data;

    public override int Length => Data.Length;
}

/// <summary>Maps a CLR element type to its <see cref="DType"/> at JIT time.</summary>
internal static class DTypeOf<T>
{
    public static readonly DType Value =
        typeof(T) == typeof(float) ? DType.Float32 :
        typeof(T) == typeof(double) ? DType.Float64 :
        typeof(T) == typeof(long) ? DType.Int64 :
        typeof(T) == typeof(bool) ? DType.Bool :
        throw new NotSupportedException($"{typeof(T).Name} is not a tensor element type; use float, double, long or bool");
}
