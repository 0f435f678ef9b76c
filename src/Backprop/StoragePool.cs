using System.Runtime.CompilerServices;

namespace Backprop;

/// <summary>
/// Recycles the arrays of large tensors. A large .NET array lands on the large object heap, whose allocations are
/// paid for with fresh pages and full (gen 2) collections: allocating and filling a 4 MB result measured ~4 ms here
/// against ~0.1 ms for refilling an existing array. A training loop makes the same sizes over and over, so a storage
/// whose array came from here gives the array back when the storage dies (its finalizer), and the next tensor of that
/// length reuses it.
/// </summary>
/// <remarks>
/// Only a collection finds dead storages. When a request finds no free array and more than a budget of pooled bytes
/// has been handed out since the last collection, the pool collects once (blocking, then waiting for finalizers) and
/// retries; when such a collection gives back little, the budget doubles, so a program whose large tensors really are
/// alive is not collected over and over. An array must not be used after its storage is unreachable: code that takes a
/// tensor's array keeps the tensor alive (<see cref="GC.KeepAlive"/>) until it is done with the array
/// (docs/decisions.md, "Pooled storage").
/// </remarks>
internal static class StoragePool
{
    /// <summary>Arrays of at least this many bytes are pooled: those the runtime puts on the large object heap.</summary>
    public const int MinBytes = 85_000;

    private const long InitialBudget = 1L << 20;

    private static readonly Lock Gate = new();
    private static readonly long MaxIdleBytes = Math.Clamp(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8, 256L << 20, 4L << 30);
    private static readonly long MaxBudget = Math.Max(InitialBudget, MaxIdleBytes);

    private static long _idleBytes;
    private static long _handedOutSinceCollect;
    private static long _returnedSinceCollect;
    private static long _budget = InitialBudget;

    /// <summary>Bytes held in free arrays now (for tests and diagnostics).</summary>
    internal static long IdleBytes
    {
        get { lock (Gate) return _idleBytes; }
    }

    /// <summary>Whether an array of this many elements of T is pooled.</summary>
    public static bool IsPooled<T>(int length) where T : unmanaged => (long)length * Unsafe.SizeOf<T>() >= MinBytes;

    /// <summary>An array of exactly length elements: a free one when there is one (zeroed if clear), else a new one.</summary>
    public static T[] Rent<T>(int length, bool clear) where T : unmanaged
    {
        long bytes = (long)length * Unsafe.SizeOf<T>();
        if (TryTake(length, bytes, out T[]? array) || (CollectWhenOverBudget(bytes) && TryTake(length, bytes, out array)))
        {
            if (clear) Array.Clear(array!);
            return array!;
        }
        // Fresh memory from the runtime: new arrays come zeroed; skipping that is safe only when the caller overwrites.
        return clear ? new T[length] : GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Takes back the array of a dead storage; dropped (left to the collector) beyond the idle cap.</summary>
    public static void Return<T>(T[] array) where T : unmanaged
    {
        long bytes = (long)array.Length * Unsafe.SizeOf<T>();
        lock (Gate)
        {
            _returnedSinceCollect += bytes;
            if (_idleBytes + bytes > MaxIdleBytes) return;
            Free<T>.ByLength.TryGetValue(array.Length, out var stack);
            if (stack is null) Free<T>.ByLength[array.Length] = stack = new Stack<T[]>();
            stack.Push(array);
            _idleBytes += bytes;
        }
    }

    private static bool TryTake<T>(int length, long bytes, out T[]? array) where T : unmanaged
    {
        lock (Gate)
        {
            _handedOutSinceCollect += bytes;
            if (Free<T>.ByLength.TryGetValue(length, out var stack) && stack.TryPop(out array))
            {
                _idleBytes -= bytes;
                return true;
            }
        }
        array = null;
        return false;
    }

    // Returns true when it collected (so that a retry may find a free array).
    private static bool CollectWhenOverBudget(long bytes)
    {
        long handedOut;
        lock (Gate)
        {
            if (_handedOutSinceCollect < _budget) return false;
            handedOut = _handedOutSinceCollect;
            _handedOutSinceCollect = 0;
            _returnedSinceCollect = 0;
        }
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        GC.WaitForPendingFinalizers();
        lock (Gate)
        {
            // Little came back: the large tensors handed out are mostly alive, so collect less often; most came back:
            // a loop is recycling, and collecting sooner keeps fewer arrays in flight (and in cache).
            if (_returnedSinceCollect < handedOut / 4) _budget = Math.Min(_budget * 2, MaxBudget);
            else if (_returnedSinceCollect > handedOut / 2) _budget = Math.Max(_budget / 2, InitialBudget);
            _handedOutSinceCollect = bytes;
        }
        return true;
    }

    private static class Free<T>
    {
        public static readonly Dictionary<int, Stack<T[]>> ByLength = [];
    }
}
