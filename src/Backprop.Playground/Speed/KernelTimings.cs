using System.Diagnostics;
using System.Globalization;
using System.Text;
using Backprop.NN;

namespace Backprop.Playground.Speed;

/// <summary>
/// The library's kernels timed one op at a time (docs/performance.md, "Playground"): the same ops at the same sizes in
/// the browser (the published playground, called from JavaScript) and on the desktop (the speed measurement's own
/// process), so the two columns compare one build's kernels with the other's. Compiled only with
/// -p:PlaygroundSpeed=true: the published app of a normal build carries none of it.
/// </summary>
public static class KernelTimings
{
    /// <summary>One op: a name, what it does, and a setup that returns the timed call.</summary>
    private sealed record Op(string Name, string What, Func<Action> Setup);

    private static readonly Op[] Ops =
    [
        Unary("sigmoid_1M", "x.Sigmoid(), 2^20 float32", x => x.Sigmoid()),
        Unary("exp_1M", "x.Exp(), 2^20 float32", x => x.Exp()),
        Unary("tanh_1M", "x.Tanh(), 2^20 float32", x => x.Tanh()),
        Unary("relu_1M", "x.Relu(), 2^20 float32", x => x.Relu()),
        Binary("add_1M", "a + b, 2^20 float32", (a, b) => a + b),
        Binary("mul_1M", "a * b, 2^20 float32", (a, b) => a * b),
        Unary("sum_1M", "x.Sum(), 2^20 float32", x => x.Sum()),
        new("softmax_256x1024", "x.Softmax(1) over 256 rows of 1024", () =>
        {
            var x = Tensor.Randn(256, 1024);
            return () => x.Softmax(1);
        }),
        MatMul(64), MatMul(128), MatMul(256),
        new("conv2d_1to16_28", "F.Conv2d: 32×1×28×28 by 16×1×3×3, padding 1 (a small CNN's first layer)", () =>
        {
            var x = Tensor.Randn(32, 1, 28, 28);
            var w = Tensor.Randn(16, 1, 3, 3);
            var b = Tensor.Randn(16);
            return () => F.Conv2d(x, w, b, padding: 1);
        }),
        new("conv2d_16to32_14", "F.Conv2d: 32×16×14×14 by 32×16×3×3, padding 1 (its second layer)", () =>
        {
            var x = Tensor.Randn(32, 16, 14, 14);
            var w = Tensor.Randn(32, 16, 3, 3);
            var b = Tensor.Randn(32);
            return () => F.Conv2d(x, w, b, padding: 1);
        }),
        new("mlp_fwd_bwd_64", "Linear(784,128)+ReLU+Linear(128,10), cross-entropy, forward and backward, batch 64", () =>
        {
            var model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
            var x = Tensor.Randn(64, 784);
            var target = Tensor.From(Enumerable.Range(0, 64).Select(i => (long)(i % 10)).ToArray());
            return () =>
            {
                model.ZeroGrad();
                F.CrossEntropy(model.Forward(x), target).Backward();
            };
        }),
    ];

    /// <summary>The ops' names, in order.</summary>
    public static IReadOnlyList<string> Names { get; } = Ops.Select(o => o.Name).ToArray();

    /// <summary>What an op does, for the report.</summary>
    public static string Describe(string name) => Find(name).What;

    /// <summary>
    /// Times one op: a warm-up (the jiterpreter's traces, the desktop JIT's tiers), then
    /// <paramref name="repetitions"/> rounds, each calling the op until at least <paramref name="roundMs"/> ms have
    /// passed. Returns each round's time per call in ms, as JSON numbers in an array (the browser's answer to
    /// JavaScript; the desktop parses the same).
    /// </summary>
    public static string Measure(string name, int repetitions, double roundMs)
    {
        Tensor.ManualSeed(0);
        var call = Find(name).Setup();
        // Warm-up: 50 calls (or 5 s), past the desktop JIT's tier-up (30 calls) and the jiterpreter's trace thresholds.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 50 && warm.Elapsed.TotalSeconds < 5; i++) call();
        var rounds = new List<double>();
        for (int r = 0; r < repetitions; r++)
        {
            int calls = 0;
            var clock = Stopwatch.StartNew();
            do
            {
                call();
                calls++;
            }
            while (clock.Elapsed.TotalMilliseconds < roundMs);
            rounds.Add(clock.Elapsed.TotalMilliseconds / calls);
        }
        var json = new StringBuilder("[");
        json.AppendJoin(",", rounds.Select(t => t.ToString("R", CultureInfo.InvariantCulture)));
        return json.Append(']').ToString();
    }

    private static Op Find(string name) =>
        Ops.FirstOrDefault(o => o.Name == name) ?? throw new ArgumentException($"KernelTimings: no op named '{name}'", nameof(name));

    private static Op Unary(string name, string what, Func<Tensor, Tensor> f) => new(name, what, () =>
    {
        var x = Tensor.Randn(1 << 20);
        return () => f(x);
    });

    private static Op Binary(string name, string what, Func<Tensor, Tensor, Tensor> f) => new(name, what, () =>
    {
        var a = Tensor.Randn(1 << 20);
        var b = Tensor.Randn(1 << 20);
        return () => f(a, b);
    });

    private static Op MatMul(int n) => new($"matmul_{n}", $"a.MatMul(b), {n}×{n} by {n}×{n} float32", () =>
    {
        var a = Tensor.Randn(n, n);
        var b = Tensor.Randn(n, n);
        return () => a.MatMul(b);
    });
}
