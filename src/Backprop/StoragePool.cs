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
/// Only a collection finds dead storages. When a request finds no free array, and enough has been handed out or
/// freshly allocated since the last collection (see the budgets below), the pool runs one full, blocking collection,
/// waits for the finalizers and retries; when a collection gives back little, the budgets double, so a program whose
/// large tensors really are alive is not collected over and over. An array must not be used after its storage is
/// unreachable: code that takes a tensor's array keeps the tensor alive (<see cref="GC.KeepAlive"/>) until it is done
/// with the array (docs/decisions.md, "Pooled storage for large tensors").
/// </remarks>
internal static class StoragePool
{
    /// <summary>Arrays of at least this many bytes are pooled: those the runtime puts on the large object heap.</summary>
    public const int MinBytes = 85_000;

    // When to collect, on a miss: once the bytes handed out (free or fresh) since the last collection reach the
    // handed-out budget, or at least four arrays of the size asked for, which bounds the arrays in flight and makes
    // a collection (a fraction of a millisecond) pay for itself many times over; or once the fresh bytes reach the
    // fresh budget, or one array of the size asked for: a loop starts recycling after its first fresh array, since
    // a fresh large array costs more than a collection here (several microseconds per KB: its pages are faulted in).
    private const long InitialHandedBudget = 8L << 20;
    private const long InitialFreshBudget = 0;

    private static readonly Lock Gate = new();
    private static readonly long MaxIdleBytes = Math.Clamp(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8, 256L << 20, 4L << 30);

    private static long _idleBytes;
    private static long _handedOut, _fresh, _returned;   // since the last collection the pool ran
    private static long _handedBudget = InitialHandedBudget, _freshBudget = InitialFreshBudget;

    /// <summary>Whether an array of this many elements of T is pooled.</summary>
    public static bool IsPooled<T>(int length) where T : unmanaged => (long)length * Unsafe.SizeOf<T>() >= MinBytes;

    /// <summary>An array of exactly length elements: a free one when there is one (zeroed if clear), else a new one.</summary>
    public static T[] Rent<T>(int length, bool clear) where T : unmanaged
    {
        long bytes = (long)length * Unsafe.SizeOf<T>();
        if (TryTake(length, bytes, out T[]? array) || (CollectWhenOverBudget(bytes) && TryTake(length, 0, out array)))
        {
            if (clear) Array.Clear(array!);
            return array!;
        }
        lock (Gate) _fresh += bytes;
        // Fresh memory from the runtime: new arrays come zeroed; skipping that is safe only when the caller overwrites.
        return clear ? new T[length] : GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Takes back the array of a dead storage; dropped (left to the collector) beyond the idle cap.</summary>
    public static void Return<T>(T[] array) where T : unmanaged
    {
        long bytes = (long)array.Length * Unsafe.SizeOf<T>();
        lock (Gate)
        {
            _returned += bytes;
            if (_idleBytes + bytes > MaxIdleBytes) return;
            Free<T>.ByLength.TryGetValue(array.Length, out var stack);
            if (stack is null) Free<T>.ByLength[array.Length] = stack = new Stack<T[]>();
            stack.Push(array);
            _idleBytes += bytes;
        }
    }

    // bytes: what this request adds to the bytes handed out (0 on the retry, already counted).
    private static bool TryTake<T>(int length, long bytes, out T[]? array) where T : unmanaged
    {
        lock (Gate)
        {
            _handedOut += bytes;
            if (Free<T>.ByLength.TryGetValue(length, out var stack) && stack.TryPop(out array))
            {
                _idleBytes -= (long)length * Unsafe.SizeOf<T>();
                return true;
            }
        }
        array = null;
        return false;
    }

    // Returns true when it collected (so that a retry may find a free array).
    private static bool CollectWhenOverBudget(long request)
    {
        long handedOut;
        lock (Gate)
        {
            if (_handedOut < Math.Max(_handedBudget, 4 * request) && _fresh < Math.Max(_freshBudget, request)) return false;
            handedOut = _handedOut;
            _handedOut = _fresh = _returned = 0;
        }
        // A full collection: the dead storages of a loop were often alive at the collection before (a younger
        // generation alone misses them once promoted). Not compacting: nothing needs to move.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        GC.WaitForPendingFinalizers();
        lock (Gate)
        {
            if (_returned < handedOut / 4)
            {
                // Little came back: the large tensors handed out are mostly alive; collect less often.
                _handedBudget = Math.Min(_handedBudget * 2, MaxIdleBytes);
                _freshBudget = Math.Min(Math.Max(_freshBudget * 2, 1L << 20), MaxIdleBytes);
            }
            else
            {
                _handedBudget = InitialHandedBudget;   // a loop is recycling
                _freshBudget = InitialFreshBudget;
            }
        }
        return true;
    }

    private static class Free<T>
    {
        public static readonly Dictionary<int, Stack<T[]>> ByLength = [];
    }
}
