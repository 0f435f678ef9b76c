using Backprop.NN;
using Backprop.Optim;

namespace Backprop.Bench;

// The seeds' small networks: bound by per-operation overhead, not arithmetic. Each mirrors bench_torch.py line by line.
public static partial class Workloads
{
    /// <summary>The seeds' 2-2-2 sigmoid network on 1-element tensors: forward, half-MSE, backward, SGD(lr=1) in place.</summary>
    public static Func<double?> Seed2x2(int steps)
    {
        Tensor x1 = Tensor.From([0.5f]), x2 = Tensor.From([0.3f]);
        Tensor y1 = Tensor.From([0.23f]), y2 = Tensor.From([-0.07f]);
        float[] init = [0.2f, -0.4f, 0.5f, 0.6f, 0.1f, -0.5f, -0.3f, 0.8f];

        return () =>
        {
            var w = new Tensor[init.Length];
            for (int i = 0; i < w.Length; i++) w[i] = Tensor.From([init[i]]).RequiresGrad_();
            Tensor loss = null!;
            for (int step = 0; step < steps; step++)
            {
                var h1 = (w[0] * x1 + w[2] * x2).Sigmoid();
                var h2 = (w[1] * x1 + w[3] * x2).Sigmoid();
                var o1 = (w[4] * h1 + w[6] * h2).Sigmoid();
                var o2 = (w[5] * h1 + w[7] * h2).Sigmoid();
                loss = 0.5 * (o1 - y1).Pow(2) + 0.5 * (o2 - y2).Pow(2);
                loss.Backward();
                using (Autograd.NoGrad())
                {
                    foreach (var t in w)
                    {
                        t.Sub_(1.0 * t.Grad!);
                        t.Grad!.Zero_();
                    }
                }
            }
            return loss.Item();
        };
    }

    /// <summary>The seeds' 3×3 network: Linear(3,3,bias:false) + sigmoid + MSE loss, Adam(lr=1e-3).</summary>
    public static Func<double?> Seed3x3Adam(int steps)
    {
        var x = Tensor.From(new[,] { { -0.5f, 0.1f, 1.1f } });
        var y = Tensor.From(new[,] { { 0.1f, 0.2f, 9.9f } });

        return () =>
        {
            Tensor.ManualSeed(0);
            var layer = new Linear(3, 3, bias: false);
            var opt = new Adam(layer.Parameters(), lr: 1e-3);
            Tensor loss = null!;
            for (int step = 0; step < steps; step++)
            {
                opt.ZeroGrad();
                loss = F.MseLoss(F.Sigmoid(layer.Forward(x)), y);
                loss.Backward();
                opt.Step();
            }
            return loss.Item();
        };
    }

    /// <summary>The seeds' manual linear regression: 500 points of y = 3x + 1, y_pred = x@w + b, MSE, lr = 0.01.</summary>
    public static Func<double?> LinReg(int iters)
    {
        Tensor.ManualSeed(0);
        var x = Tensor.Rand(500, 1);
        var y = x * 3 + 1;

        return () =>
        {
            var w = Tensor.Full([1, 1], 0.5).RequiresGrad_();
            var b = Tensor.Full([1], 0.5).RequiresGrad_();
            Tensor loss = null!;
            for (int i = 0; i < iters; i++)
            {
                loss = (y - (x.MatMul(w) + b)).Pow(2).Mean();
                if (w.Grad is not null)
                {
                    w.Grad.Zero_();
                    b.Grad!.Zero_();
                }
                loss.Backward();
                using (Autograd.NoGrad())
                {
                    w.Sub_(0.01 * w.Grad!);
                    b.Sub_(0.01 * b.Grad!);
                }
            }
            return loss.Item();
        };
    }
}
