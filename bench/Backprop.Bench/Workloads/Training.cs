using Backprop.NN;
using Backprop.Optim;

namespace Backprop.Bench;

// A real training step: GEMM-bound forward and backward through two Linear layers, plus the optimizer.
public static partial class Workloads
{
    /// <summary>MLP 784-256-10 (ReLU), cross-entropy, SGD(lr=0.05, momentum=0.9), over 8 fixed random batches.</summary>
    public static Func<double?> Mlp(int steps, int batch = 64)
    {
        Tensor.ManualSeed(0);
        var xs = Tensor.Rand(8, batch, 784);
        var ys = Tensor.RandInt(0, 10, [8, batch]);

        return () =>
        {
            Tensor.ManualSeed(0);
            var model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10));
            var opt = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
            Tensor loss = null!;
            for (int i = 0; i < steps; i++)
            {
                opt.ZeroGrad();
                loss = F.CrossEntropy(model.Forward(xs[i % 8]), ys[i % 8]);
                loss.Backward();
                opt.Step();
            }
            return loss.Item();
        };
    }
}
