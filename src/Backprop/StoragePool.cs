using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop;

/// <summary>
/// Recycles the arrays of large and mid-size tensors. A large .NET array lands on the large object heap as fresh pages,
/// and on this VM faulting pages in costs ~3 µs per KB: a fresh 256 KB product costs ~0.7 ms against 0.12 ms to
/// compute it, a recycled array costs nothing. A mid-size array (<see cref="MinBytes"/> up to
/// <see cref="LargeBytes"/>) comes from generation 0, cheap in a long steady loop but fresh pages while generation 0
/// grows (a short loop of 128×128 products ran at half speed) and a cold array in any case. A training loop makes the
/// same sizes over and over, so each array handed out is lent to its storage and watched through a weak handle: once
/// a collection has found the storage unreachable, the array is free for the next tensor of that length.
/// </summary>
/// <remarks>
/// Only a collection finds dead storages, but any collection does, the runtime's own ones included: a weak handle
/// is cleared by the collection itself, with no finalizer to wait for. A request that finds no free array looks at
/// the loans again when a collection has run since it last looked, and otherwise may run a collection itself (see
/// <see cref="ShouldCollect"/>). After every full collection the pool also takes back what died, so arrays of dead
/// storages are not held for a request that never comes. Idle arrays are bounded twice: never more than
/// <see cref="MaxIdleBytes"/> in all, and, every <see cref="TrimRounds"/> collections, the arrays of each length that
/// stayed idle through all of them (the low-water mark of its free list) are dropped for the collector to take: the
/// pool converges to what a steady loop needs between two collections instead of keeping every array it ever made
/// (docs/reliability.md, "Memory over time"). A mid-size request never starts a collection of its own before
/// <see cref="MidSizeBytesPerCollection"/> of mid-size arrays have been lent since the last collection of any kind:
/// a fresh mid-size array costs only a few microseconds, less than a collection every few of them would.
/// An array must not be used after its storage is unreachable: ops lend
/// arrays to kernels only through <see cref="Dispatch"/>, which keeps the tensors alive until the kernel is done
/// (docs/decisions.md, "Pooled storage for large tensors").
/// </remarks>
internal static class StoragePool
{
    /// <summary>Arrays of at least this many bytes are pooled (16 KiB: 4,096 floats, a 64×64 matrix).</summary>
    public const int MinBytes = 16 * 1024;

    /// <summary>Arrays of at least this many bytes are large: those the runtime puts on the large object heap.</summary>
    public const int LargeBytes = 85_000;

    /// <summary>
    /// Mid-size bytes lent, since the last collection of any kind, before a mid-size request may start a collection:
    /// a collection here costs ~0.05–0.1 ms, so one per 4 MB (64 results of 64 KB) costs ~1–2 µs per array, where a
    /// collection whenever the free list runs dry (the large arrays' rule) came every few products and halved
    /// gemm_128. The free mid-size arrays a steady loop keeps are about this many bytes.
    /// </summary>
    public const long MidSizeBytesPerCollection = 4L << 20;

    // A collection of the young generations costs ~0.1 ms here, a fresh array of 85 KB or more at least 0.25 ms, so
    // a request that finds no free array collects rather than allocates unless (a) collections have been giving back
    // little (the bytes lent between collections then have a budget, doubling from BackoffStart, so that large tensors
    // that really are alive are not collected over and over), or (b) the last collection ended less than
    // CollectionSpacing typical collections ago: collections then take a third of the time at most, and the fresh
    // arrays of the requests in between add to the arrays in circulation, so that one collection serves more of them.
    private const int CollectionSpacing = 2;
    private const long BackoffStart = 1L << 20;

    private static readonly Lock Gate = new();
    private static readonly long MaxIdleBytes = Math.Clamp(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8, 256L << 20, 4L << 30);
    private static readonly List<Action> Reclaimers = [];   // one per element type that has loans
    private static readonly List<Action> Trimmers = [];     // likewise

    /// <summary>
    /// Collections (the pool's own and full ones) per trim: over this many, an array that no request took is surplus.
    /// Long enough to span a few steps of any training loop (a pool collection comes every few steps at most).
    /// </summary>
    internal const int TrimRounds = 16;

    private static int _rounds;                        // collections since the last trim

    private static long _idleBytes;
    private static long _lentSinceCollection;         // bytes handed out (free or fresh) since the pool's last collection
    private static long _midLent;                     // mid-size bytes handed out since the collection counted in _midLentAt
    private static int _midLentAt = -1;               // GC.CollectionCount(0) when _midLent started counting
    private static long _reclaimed;                   // bytes taken back in all
    private static long _lentBudget;                  // 0 while collections give back what was lent
    private static long _lastEnd, _typicalDuration;   // Stopwatch ticks
    private static bool _fullNext;                    // a young collection gave back little: the next one is full

    // Started with the pool's other statics. A field initializer, not a static constructor, so that IsPooled, inlined
    // into Storage.Allocate (every result an op makes), is not preceded by a check that the constructor has run.
    private static readonly bool WatchStarted = StartWatch();

    private static bool StartWatch()
    {
        _ = new FullCollectionWatch();
        return true;
    }

    /// <summary>Whether an array of this many elements of T is pooled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsPooled<T>(int length) where T : unmanaged => (long)length * Unsafe.SizeOf<T>() >= MinBytes;

    /// <summary>Whether an array of this many elements of T is large (on the large object heap when fresh).</summary>
    public static bool IsLarge<T>(int length) where T : unmanaged => (long)length * Unsafe.SizeOf<T>() >= LargeBytes;

    /// <summary>A storage of exactly length elements over a free array when there is one (zeroed if clear), else a new one.</summary>
    public static PooledStorage<T> Allocate<T>(int length, bool clear) where T : unmanaged
    {
        var array = Rent<T>(length, clear);
        var storage = new PooledStorage<T>(array);
        var owner = GCHandle.Alloc(storage, GCHandleType.Weak);
        lock (Gate) Loans<T>.Out.Add(new Loan<T>(owner, array));
        return storage;
    }

    /// <summary>Forgets what earlier collections taught the pool, as at start-up (for tests that measure the policy).</summary>
    internal static void ResetPolicy()
    {
        lock (Gate)
        {
            (_lentSinceCollection, _lentBudget, _lastEnd, _typicalDuration, _fullNext) = (0, 0, 0, 0, false);
            (_midLent, _midLentAt) = (0, -1);
        }
    }

    /// <summary>The bytes of the free arrays the pool holds (for tests and the memory soak).</summary>
    internal static long IdleBytes
    {
        get { lock (Gate) return _idleBytes; }
    }

    /// <summary>How many free arrays of this length the pool holds (for tests).</summary>
    internal static int FreeCount<T>(int length) where T : unmanaged
    {
        lock (Gate) return Free<T>.ByLength.TryGetValue(length, out var list) ? list.Arrays.Count : 0;
    }

    private static T[] Rent<T>(int length, bool clear) where T : unmanaged
    {
        long bytes = (long)length * Unsafe.SizeOf<T>();
        T[]? array;
        bool midSize = bytes < LargeBytes;
        lock (Gate)
        {
            _lentSinceCollection += bytes;
            int collections = GC.CollectionCount(0);
            if (midSize)
            {
                if (_midLentAt != collections) (_midLent, _midLentAt) = (0, collections);
                _midLent += bytes;
            }
            if (!TryTake(length, out array) && Loans<T>.LookedAt != collections)
            {
                Reclaim<T>();
                TryTake(length, out array);
            }
        }
        if (array is null && ShouldCollect(bytes, midSize)) array = CollectAndTake<T>(length, bytes);
        if (array is not null)
        {
            if (clear) Array.Clear(array);
            return array;
        }
        // Fresh memory from the runtime: new arrays come zeroed; skipping that is safe only when the caller overwrites.
        return clear ? new T[length] : GC.AllocateUninitializedArray<T>(length);
    }

    // A mid-size request collects once MidSizeBytesPerCollection were lent since the last collection, the budget alone
    // bounding the collections' cost (a young collection ~0.05 ms per 4 MB); the spacing rule is the large arrays':
    // it follows the typical collection time, which the process's first, slow collections (1–4 ms here) keep high
    // for a while, and a mid-size request held off by it takes fresh pages (~40 µs per 64 KB) instead.
    private static bool ShouldCollect(long request, bool midSize)
    {
        lock (Gate)
        {
            if (midSize) return _midLent >= MidSizeBytesPerCollection && _lentSinceCollection >= _lentBudget;
            return _lentSinceCollection >= Math.Max(_lentBudget, request)
                && Stopwatch.GetTimestamp() - _lastEnd >= CollectionSpacing * _typicalDuration;
        }
    }

    private static T[]? CollectAndTake<T>(int length, long request) where T : unmanaged
    {
        // Generations 0 and 1 hold the storages of a loop's last steps; a storage that was alive at two collections
        // is in generation 2, and a young collection that gives back little is followed by a full one. Blocking and
        // not compacting: the loans must be looked at after it, and nothing needs to move.
        bool full;
        long reclaimedBefore;
        lock (Gate) (full, reclaimedBefore) = (_fullNext, _reclaimed);
        long start = Stopwatch.GetTimestamp();
        GC.Collect(full ? 2 : 1, GCCollectionMode.Forced, blocking: true, compacting: false);
        long end = Stopwatch.GetTimestamp();
        lock (Gate)
        {
            Reclaim<T>();
            EndRound();
            // What came back, counting what the finalizer thread's watch may have taken back first.
            bool productive = _reclaimed - reclaimedBefore >= _lentSinceCollection / 4;
            _fullNext = !productive && !full;
            if (productive) _lentBudget = 0;
            else if (full) _lentBudget = Math.Min(Math.Max(_lentBudget * 2, BackoffStart), MaxIdleBytes);
            _lentSinceCollection = request;
            _lastEnd = end;
            // Collections here vary several-fold in length: one slow one must not hold off the next ones for long.
            long took = end - start;
            _typicalDuration = _typicalDuration == 0 ? took : (3 * _typicalDuration + Math.Min(took, 2 * _typicalDuration)) / 4;
            TryTake(length, out T[]? array);
            return array;
        }
    }

    // Under Gate.
    private static bool TryTake<T>(int length, out T[]? array) where T : unmanaged
    {
        if (Free<T>.ByLength.TryGetValue(length, out var list) && list.Arrays.TryPop(out array))
        {
            list.LowWater = Math.Min(list.LowWater, list.Arrays.Count);
            _idleBytes -= (long)length * Unsafe.SizeOf<T>();
            return true;
        }
        array = null;
        return false;
    }

    // Under Gate. Counts a collection; every TrimRounds of them, trims every element type's free lists.
    private static void EndRound()
    {
        if (++_rounds < TrimRounds) return;
        _rounds = 0;
        foreach (var trim in Trimmers) trim();
    }

    // Under Gate. Drops, for each length, the arrays that no request took since the last trim (the free list never
    // went below LowWater of them), and starts the next window at the list's size.
    private static void Trim<T>() where T : unmanaged
    {
        foreach (var (length, list) in Free<T>.ByLength)
        {
            for (int i = 0; i < list.LowWater && list.Arrays.TryPop(out _); i++)
                _idleBytes -= (long)length * Unsafe.SizeOf<T>();
            list.LowWater = list.Arrays.Count;
        }
    }

    /// <summary>For tests: trims now, as after <see cref="TrimRounds"/> collections.</summary>
    internal static void TrimNow()
    {
        lock (Gate)
        {
            _rounds = 0;
            foreach (var trim in Trimmers) trim();
        }
    }

    // Under Gate. Takes back the arrays of the storages that collections found unreachable, adding their bytes to
    // _reclaimed. Beyond the idle cap an array is dropped, left to the collector.
    private static void Reclaim<T>() where T : unmanaged
    {
        Loans<T>.LookedAt = GC.CollectionCount(0);
        var loans = Loans<T>.Out;
        for (int i = loans.Count - 1; i >= 0; i--)
        {
            var loan = loans[i];
            if (loan.Owner.Target is not null) continue;
            loan.Owner.Free();
            loans[i] = loans[^1];
            loans.RemoveAt(loans.Count - 1);
            long size = (long)loan.Array.Length * Unsafe.SizeOf<T>();
            _reclaimed += size;
            if (_idleBytes + size > MaxIdleBytes) continue;
            if (!Free<T>.ByLength.TryGetValue(loan.Array.Length, out var list)) Free<T>.ByLength[loan.Array.Length] = list = new FreeList<T>();
            list.Arrays.Push(loan.Array);
            _idleBytes += size;
        }
    }

    private static void ReclaimAll()
    {
        lock (Gate)
        {
            foreach (var reclaim in Reclaimers) reclaim();
            EndRound();
        }
    }

    /// <summary>An array lent to a storage, and a weak handle that tells when the storage is gone.</summary>
    private readonly record struct Loan<T>(GCHandle Owner, T[] Array);

    private static class Loans<T> where T : unmanaged
    {
        public static readonly List<Loan<T>> Out = [];
        public static int LookedAt = -1;   // GC.CollectionCount(0) when the loans were last looked at

        // Runs under Gate: the class is first touched in Rent's locked block.
        static Loans()
        {
            Reclaimers.Add(Reclaim<T>);
            Trimmers.Add(Trim<T>);
        }
    }

    private static class Free<T>
    {
        public static readonly Dictionary<int, FreeList<T>> ByLength = [];
    }

    /// <summary>The free arrays of one length, and the fewest there were since the last trim (those never needed).</summary>
    private sealed class FreeList<T>
    {
        public readonly Stack<T[]> Arrays = new();
        public int LowWater;
    }

    /// <summary>
    /// An object that is never reachable and re-registers itself for finalization: once in generation 2, its finalizer
    /// runs after each full collection, and takes back the arrays of the storages that collection found dead.
    /// </summary>
    private sealed class FullCollectionWatch
    {
        ~FullCollectionWatch()
        {
            if (Environment.HasShutdownStarted) return;
            ReclaimAll();
            GC.ReRegisterForFinalize(this);
        }
    }
}
