namespace Backprop.Kernels;

/// <summary>
/// A minimal parallel loop for the GEMM's few coarse work units: the calling thread and up to threads−1 pool
/// workers claim indices from a shared counter. Lighter than Parallel.For (one small object, no partitioner, no
/// task) and safe when the pool is slow to respond: the caller runs every unit nobody else has claimed, so a
/// worker that starts late finds nothing left and leaves.
/// </summary>
internal sealed class GemmParallel : IThreadPoolWorkItem
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

    /// <summary>body(i) for every i &lt; count, on at most threads threads; returns when all have run.</summary>
    public static void For(int count, int threads, Action<int> body)
    {
        if (threads <= 1 || count <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        var job = new GemmParallel(count, body);
        for (int h = Math.Min(threads, count) - 1; h > 0; h--) ThreadPool.UnsafeQueueUserWorkItem(job, preferLocal: false);
        job.Execute();
        if (Volatile.Read(ref job._done) < count)
        {
            // A worker still runs a unit it claimed. Spin, yielding the core (never Sleep(1): a millisecond
            // is far longer than any unit), until it is done.
            var spin = new SpinWait();
            while (Volatile.Read(ref job._done) < count) spin.SpinOnce(sleep1Threshold: -1);
        }
        if (job._error is { } error) throw new AggregateException(error);
    }

    /// <summary>Claims and runs units until none are left (the caller and each worker).</summary>
    public void Execute()
    {
        int i;
        while ((i = Interlocked.Increment(ref _next)) < _count)
        {
            try { _body(i); }
            catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
            Interlocked.Increment(ref _done);
        }
    }
}
