using System.Diagnostics;

namespace Backprop.Kernels;

/// <summary>
/// A minimal parallel loop for the GEMM's few coarse work units: the calling thread and up to threads−1 helper
/// threads claim indices from a shared counter. The helpers are dedicated background threads that spin briefly
/// after each job before they sleep, so the products of a training loop, which come microseconds apart, find
/// them awake: a thread-pool worker woken for each product arrives tens of microseconds late, after a product of
/// a 128×128 matrix is already done. The caller runs every unit no helper has claimed, so a helper that is
/// late, busy with another caller's product or descheduled costs nothing but its share of the speed-up.
/// </summary>
internal sealed class GemmParallel
{
    private readonly Action<int> _body;
    private readonly int _count;
    private int _next = -1;
    private int _done;
    private Exception? _error;

    private GemmParallel(int count, Action<int> body)
    {
        _count = count;
        _body = body;
    }

    /// <summary>
    /// Whether work may be split across threads: not in the browser, where WebAssembly runs the app on one thread and
    /// a thread that waits for a helper would wait forever (and not on a single core, where a helper only costs).
    /// </summary>
    public static bool CanSplit { get; } = !OperatingSystem.IsBrowser() && Environment.ProcessorCount > 1;

    /// <summary>body(i) for every i &lt; count, on at most threads threads; returns when all have run.</summary>
    public static void For(int count, int threads, Action<int> body)
    {
        if (threads <= 1 || count <= 1 || !CanSplit)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        var job = new GemmParallel(count, body);
        var helpers = Helper.All;
        for (int h = 0, posted = 0; h < helpers.Length && posted < Math.Min(threads, count) - 1; h++)
            if (helpers[h].TryPost(job)) posted++;
        job.Execute();
        if (Volatile.Read(ref job._done) < count)
        {
            // A helper still runs a unit it claimed. Spin, yielding the core (never Sleep(1): a millisecond
            // is far longer than any unit), until it is done.
            var spin = new SpinWait();
            while (Volatile.Read(ref job._done) < count) spin.SpinOnce(sleep1Threshold: -1);
        }
        if (job._error is { } error) throw new AggregateException(error);
    }

    /// <summary>Claims and runs units until none are left (the caller and each helper).</summary>
    private void Execute()
    {
        int i;
        while ((i = Interlocked.Increment(ref _next)) < _count)
        {
            try { _body(i); }
            catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
            Interlocked.Increment(ref _done);
        }
    }

    /// <summary>Whether every unit has been claimed: a helper that looks now would find nothing to do.</summary>
    private bool AllClaimed => Volatile.Read(ref _next) >= _count - 1;

    /// <summary>One helper thread and the job it is offered.</summary>
    private sealed class Helper
    {
        /// <summary>How long a helper keeps watching for a new job after one before it sleeps.</summary>
        private static readonly long SpinTicks = Stopwatch.Frequency / 5000;   // 200 µs

        /// <summary>One helper per core beside the caller's, started on first use.</summary>
        public static readonly Helper[] All = CreateAll();

        private readonly SemaphoreSlim _wake = new(0);
        private GemmParallel? _offered;
        private int _sleeping;

        private static Helper[] CreateAll()
        {
            var helpers = new Helper[Math.Max(0, Environment.ProcessorCount - 1)];
            for (int h = 0; h < helpers.Length; h++)
            {
                var helper = helpers[h] = new Helper();
                new Thread(helper.Run) { IsBackground = true, Name = $"Backprop GEMM helper {h + 1}" }.Start();
            }
            return helpers;
        }

        /// <summary>
        /// Offers the job, replacing an earlier one only once all its units are claimed (another caller's product
        /// still in progress keeps the helper; this caller then goes without).
        /// </summary>
        public bool TryPost(GemmParallel job)
        {
            var old = Volatile.Read(ref _offered);
            if (old != null && !old.AllClaimed) return false;
            if (Interlocked.CompareExchange(ref _offered, job, old) != old) return false;
            if (Volatile.Read(ref _sleeping) != 0) _wake.Release();
            return true;
        }

        private void Run()
        {
            GemmParallel? last = null;
            while (true)
            {
                var job = Volatile.Read(ref _offered);
                if (job == last)
                {
                    // Poll, yielding now and then: a thread that wants this core (a pool worker of an elementwise
                    // op between two products) gets it, and an idle core costs only the polling.
                    long until = Stopwatch.GetTimestamp() + SpinTicks;
                    for (int spin = 1; (job = Volatile.Read(ref _offered)) == last && Stopwatch.GetTimestamp() < until; spin++)
                        if (spin % 8 == 0) Thread.Yield(); else Thread.SpinWait(20);
                }
                if (job == last)
                {
                    // Announce the sleep before the last look, so a post in between either is seen here or sees
                    // the flag and releases the semaphore (both sides order their write before their read).
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _offered) == last) _wake.Wait();
                    Interlocked.Exchange(ref _sleeping, 0);
                    continue;
                }
                job!.Execute();
                last = job;
            }
        }
    }
}
