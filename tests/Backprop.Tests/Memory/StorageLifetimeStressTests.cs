using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Backprop.Tests.Memory;

// Pooled arrays go back to the pool once a collection finds their storage unreachable (StoragePool). A kernel that
// still reads or writes an array after its tensor's last use would see another tensor's values: the worst failure a
// numeric library can have, a silent wrong number. This test makes it as likely as it can be: several threads make
// large temporaries (ToArray/ToDoubleArray of a tensor nothing else holds, chains of ops, backward passes) while
// another thread forces collections, and every value of every result is checked. It runs a few seconds at most.
// Against the code before the op dispatcher kept storages alive it failed: ToArray/ToDoubleArray of temporaries
// returned another thread's values (see the commit that added it).
[Collection("StorageLifetimeStress")]
public class StorageLifetimeStressTests
{
    private const int Workers = 4;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    [Fact]
    public void Temporaries_ops_and_backward_under_forced_collections_give_exact_values_on_every_thread()
    {
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        int iterations = 0;
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                // A young collection finds a just-dropped storage dead; the next pooled request takes its array.
                GC.Collect(0);
                Thread.Yield();
            }
        });
        collector.Start();
        var clock = Stopwatch.StartNew();
        var workers = new Thread[Workers];
        for (int w = 0; w < Workers; w++)
        {
            int id = w;
            workers[w] = new Thread(() =>
            {
                try
                {
                    while (clock.Elapsed < Budget && failures.Count < 20)
                    {
                        Round(id, failures, repeats: 4);
                        Interlocked.Increment(ref iterations);
                    }
                }
                catch (Exception e)
                {
                    failures.Enqueue($"thread {id}: {e.GetType().Name}: {e.Message}");
                }
            });
            workers[w].Start();
        }
        foreach (var t in workers) t.Join();
        stop.Cancel();
        collector.Join();
        Assert.True(failures.IsEmpty, $"{failures.Count} wrong results in {iterations} rounds; first: {string.Join(" | ", failures.Take(5))}");
        Assert.True(iterations >= Workers, $"only {iterations} rounds ran");
    }

    // One round: every result is a temporary whose only reference is the call being made on it.
    private static void Round(int id, System.Collections.Concurrent.ConcurrentQueue<string> failures, int repeats)
    {
        const int n = 1 << 16;   // 256 KB of float: pooled
        double value = id + 1;

        for (int i = 0; i < repeats; i++)
        {
            CheckAll(failures, id, "Full(...).T.ToArray<float>()", ToDoubles(TransposedToArray(value)), value);
            CheckAll(failures, id, "Full(...).ToDoubleArray()", FullToDoubleArray(value), value);
            CheckAll(failures, id, "(Full * 2).ToArray<float>()", ToDoubles(DoubledToArray(value)), 2 * value);
        }
        CheckAll(failures, id, "Full(...).ToDoubleArray()", Tensor.Full([n], value).ToDoubleArray(), value);
        CheckAll(failures, id, "(Full * 2).ToArray<float>()", ToDoubles((Tensor.Full([n], value) * 2).ToArray<float>()), 2 * value);
        CheckAll(failures, id, "Full(Float64).Contiguous view", Tensor.Full([256, n / 256], value, DType.Float64).T.Contiguous().ToArray<double>(), value);
        CheckAll(failures, id, "Float64 (x + x).Sum()", [(Tensor.Full([n], value, DType.Float64) + Tensor.Full([n], value, DType.Float64)).Sum().Item()], 2 * value * n);
        CheckAll(failures, id, "Exp(Log(x))", Tensor.Full([n], value, DType.Float64).Log().Exp().ToDoubleArray(), value, tolerance: 1e-12);
        CheckAll(failures, id, "MatMul", (Tensor.Full([64, 512], value, DType.Float64).MatMul(Tensor.Ones([512, 64], DType.Float64))).ToDoubleArray(), 512 * value);
        CheckAll(failures, id, "Float64 Sum(dim)", Tensor.Full([256, 256], value, DType.Float64).Sum(0).ToDoubleArray(), 256 * value);

        // Backward: loss = sum(w * w * c), dloss/dw = 2 c w.
        var w = Tensor.Full([n], value).RequiresGrad_();
        (w * w * 3).Sum().Backward();
        CheckAll(failures, id, "backward of sum(w * w * 3)", w.Grad!.ToDoubleArray(), 6 * value);
        w.Grad = null;
        (w.Sigmoid() * 2).Sum().Backward();
        double s = 1 / (1 + Math.Exp(-(float)value));
        CheckAll(failures, id, "backward of sum(2 sigmoid(w))", w.Grad!.ToDoubleArray(), 2 * s * (1 - s), tolerance: 1e-5);
    }

    // The temporaries are made in methods compiled with full optimization at once, as a hot loop in a user's program
    // is: there a temporary's last use is the call that takes its array, and nothing else keeps it alive. (Unoptimized
    // code keeps every temporary alive to the end of its method and would hide the fault.) A transposed view is
    // copied element by element: the longest time between the tensor's last use and the end of the copy.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float[] TransposedToArray(double value) => Tensor.Full([2048, 2048], value).T.ToArray<float>();

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static double[] FullToDoubleArray(double value) => Tensor.Full([1 << 18], value).ToDoubleArray();

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float[] DoubledToArray(double value) => (Tensor.Full([1 << 18], value) * 2).ToArray<float>();

    private static double[] ToDoubles(float[] values)
    {
        var d = new double[values.Length];
        for (int i = 0; i < d.Length; i++) d[i] = values[i];
        return d;
    }

    private static void CheckAll(System.Collections.Concurrent.ConcurrentQueue<string> failures, int id, string what, double[] values, double expected, double tolerance = 0)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (Math.Abs(values[i] - expected) <= tolerance * Math.Abs(expected)) continue;
            failures.Enqueue($"thread {id}, {what}: element {i} is {values[i]}, expected {expected}");
            return;
        }
    }
}
