namespace Backprop.Tests.AutogradTests;

// Backward passes on several threads at once (Engine: per-pass state in a GraphTask, a lock per leaf), as PyTorch
// allows. Every value is an integer in Float64, so the expected gradients are exact whatever the order of the sums.
public class ConcurrentBackwardTests
{
    private const int Threads = 8;
    private const int Iterations = 300;

    [Fact]
    public void A_pass_started_by_a_hook_over_the_same_nodes_leaves_the_outer_pass_exact()
    {
        // The inner Autograd.Grad meets y's node and x's AccumulateGrad, which the outer pass has already counted:
        // the outer pass must still find its own states for them afterwards.
        var x = Tensor.From(new[] { 0.5, 1.5 }).RequiresGrad_();
        var y = x * x;
        var z = y.Sin().Sum();
        Tensor? inner = null;
        bool started = false;
        y.RegisterHook(g =>
        {
            if (started) return null;   // the inner pass runs this hook too, as PyTorch's would
            started = true;
            using var recording = Autograd.EnableGrad();   // backward runs hooks with grad mode off, as PyTorch does
            inner = Autograd.Grad([y.Sum()], [x], retainGraph: true)[0];
            return null;
        });
        z.Backward(retainGraph: true);
        Assert.Equal(new[] { 1.0, 3.0 }, inner!.ToDoubleArray());   // d(Σx²)/dx = 2x
        Assert.Equal(new[] { Math.Cos(0.25) * 1.0, Math.Cos(2.25) * 3.0 }, x.Grad!.ToDoubleArray());   // cos(x²)·2x
    }

    [Fact]
    public void Passes_over_separate_graphs_that_share_a_leaf_lose_no_contribution()
    {
        var w = Tensor.From(new[] { 1.0, 2.0, 3.0 }).RequiresGrad_();
        RunOnThreads(t =>
        {
            for (int i = 0; i < Iterations; i++)
                (w * (t + 1)).Sum().Backward();   // d/dw = t + 1 for each element
        });
        // Σ over threads of (t + 1) = 36, for each of the iterations.
        Assert.Equal(new[] { 36.0 * Iterations, 36.0 * Iterations, 36.0 * Iterations }, w.Grad!.ToArray<double>());
    }

    [Fact]
    public void Passes_over_one_retained_graph_give_each_caller_the_exact_gradient()
    {
        var w = Tensor.From(new[] { 1.0, 2.0, 3.0 }).RequiresGrad_();
        var y = (w * w * 3 + w.Sum() * w).Sum();   // dy/dw = 6w + Σw + Σw = 6w + 12
        var wrong = 0;
        RunOnThreads(_ =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                var g = Autograd.Grad([y], [w], retainGraph: true)[0]!.ToArray<double>();
                if (g[0] != 18 || g[1] != 24 || g[2] != 30) Interlocked.Increment(ref wrong);
            }
        });
        Assert.Equal(0, wrong);
        Assert.Null(w.Grad);
    }

    [Fact]
    public void Backward_with_retainGraph_on_one_graph_from_many_threads_accumulates_every_pass()
    {
        var w = Tensor.From(new[] { 1.0, 2.0, 3.0 }).RequiresGrad_();
        var y = (w * w * 3).Sum();   // dy/dw = 6w
        RunOnThreads(_ =>
        {
            for (int i = 0; i < Iterations; i++) y.Backward(retainGraph: true);
        });
        double passes = Threads * Iterations;
        Assert.Equal(new[] { 6 * passes, 12 * passes, 18 * passes }, w.Grad!.ToArray<double>());
    }

    private static void RunOnThreads(Action<int> body)
    {
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var start = new Barrier(Threads);
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int id = t;
            threads[t] = new Thread(() =>
            {
                try
                {
                    start.SignalAndWait();
                    body(id);
                }
                catch (Exception e)
                {
                    errors.Enqueue(e);
                }
            });
            threads[t].Start();
        }
        foreach (var thread in threads) thread.Join();
        Assert.Empty(errors);
    }
}
