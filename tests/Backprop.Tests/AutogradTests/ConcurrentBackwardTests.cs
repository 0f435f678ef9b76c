namespace Backprop.Tests.AutogradTests;

// Backward passes on several threads at once (Engine: per-pass state in a GraphTask, a lock per leaf), as PyTorch
// allows. Every value is an integer in Float64, so the expected gradients are exact whatever the order of the sums.
public class ConcurrentBackwardTests
{
    private const int Threads = 8;
    private const int Iterations = 300;

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
