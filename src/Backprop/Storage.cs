using System.Runtime.CompilerServices;

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

    /// <summary>
    /// For a storage an op made for its result, its place in the order such storages were made
    /// (<see cref="PassBegun"/>): every pooled one, and every other one made while a backward pass runs; 0 for the
    /// rest (a caller's array, a small result made outside backward). An ownership fact the op layer gives the
    /// engine: a backward pass takes as a leaf's Grad, without a copy, a gradient whose storage was born during the
    /// pass, so nothing made before the pass can share it. Numbers only grow; storages made at once may share one.
    /// </summary>
    public long Birth { get; private protected init; }

    private static long _born;

    // Backward passes running in the process (Engine): while any runs, small results are numbered too, so that a
    // small parameter's gradient is taken as its Grad without a copy (eight copies a step in the 2-2-2 network).
    // Outside backward a small result costs nothing; inside, a plain read: it takes the number of the newest birth
    // or pass start, which is enough to tell it from everything made before a pass began.
    private static int _passesRunning;

    /// <summary>
    /// Called by the engine as a pass begins; returns the pass's own number, unique to it, which every storage born
    /// from now on reaches or passes and no storage born before does (<see cref="BornBefore"/>), and how many passes
    /// run now, this one included.
    /// </summary>
    public static long PassBegun(out int running)
    {
        running = Interlocked.Increment(ref _passesRunning);
        if (CountSmallBirths) Interlocked.Increment(ref _passNumbers);
        return Interlocked.Increment(ref _born);
    }

    /// <summary>Called by the engine as a pass ends.</summary>
    public static void PassEnded() => Interlocked.Decrement(ref _passesRunning);

    /// <summary>True when this storage was made before the pass that <see cref="PassBegun"/> numbered passNumber.</summary>
    public bool BornBefore(long passNumber) => Birth < passNumber;

    /// <summary>The next birth number.</summary>
    private protected static long NextBirth() => Interlocked.Increment(ref _born);

    /// <summary>
    /// While set, a small result made during backward takes a number of its own, so that <see cref="BornSoFar"/>
    /// counts it: for tests that count what a pass makes (they run alone). Off, it costs no atomic increment.
    /// </summary>
    internal static bool CountSmallBirths;

    private static long _passNumbers;   // numbers given to passes while CountSmallBirths is set

    /// <summary>With <see cref="CountSmallBirths"/> set, how many storages have been numbered (the passes' numbers left out).</summary>
    internal static long BornSoFar => Volatile.Read(ref _born) - Volatile.Read(ref _passNumbers);

    /// <summary>The birth number of a small (unpooled) result: the newest number while a backward pass runs, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected static long BirthOfSmall()
        => Volatile.Read(ref _passesRunning) == 0 ? 0 : CountSmallBirths ? NextBirth() : Volatile.Read(ref _born);

    /// <summary>A storage of length elements, zero-filled unless clear is false (for callers that write every element).</summary>
    public static Storage Allocate(DType dtype, int length, bool clear = true) => dtype switch
    {
        DType.Bool => Storage<bool>.Allocate(length, clear),
        DType.Int64 => Storage<long>.Allocate(length, clear),
        DType.Float32 => Storage<float>.Allocate(length, clear),
        DType.Float64 => Storage<double>.Allocate(length, clear),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };
}

internal class Storage<T>(T[] data) : Storage(DTypeOf<T>.Value) where T : unmanaged
{
    public readonly T[] Data = data;

    /// <summary>A storage of an op's small result, with its birth number.</summary>
    private Storage(T[] data, long birth) : this(data) => Birth = birth;

    public override int Length => Data.Length;

    /// <summary>Large arrays come from <see cref="StoragePool"/> and go back to it when the storage dies.</summary>
    public static Storage<T> Allocate(int length, bool clear)
    {
        if (StoragePool.IsPooled<T>(length)) return StoragePool.Allocate<T>(length, clear);
        return new Storage<T>(clear ? new T[length] : GC.AllocateUninitializedArray<T>(length), BirthOfSmall());
    }
}

/// <summary>A storage over an array lent by <see cref="StoragePool"/>, which takes the array back once this storage is unreachable.</summary>
internal sealed class PooledStorage<T> : Storage<T> where T : unmanaged
{
    public PooledStorage(T[] data) : base(data) => Birth = NextBirth();
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
