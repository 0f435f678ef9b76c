using Backprop;
using Backprop.IO;
using Backprop.NN;
using Backprop.Optim;

namespace Backprop.Tests.IO;

// The optimizers and scheduler added with the sequence models go through a checkpoint file and resume bit for bit:
// NAdam (its float32 mu_product) under a SequentialLR (the chained schedulers' state), and LBFGS (its flat history).
public sealed class CheckpointOptimizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("checkpoint-optimizer-tests").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Tensor X = Tensor.From(new[,] { { 0.5f, -1.0f, 2.0f }, { 1.5f, 0.25f, -0.75f } });
    private static readonly Tensor Y = Tensor.From(new[,] { { 1.0f, -1.0f }, { 0.5f, 2.0f } });

    private static Linear Model(ulong seed) => new(3, 2, generator: new Generator(seed));

    private static Tensor Loss(Linear model) => model.Forward(X).Sub(Y).Pow(2).Mean().Add(model.Weight.Pow(4).Sum().Mul(0.1));

    private static (NAdam, SequentialLR) NAdamWithWarmup(Linear model)
    {
        var optimizer = new NAdam(model.Parameters(), lr: 0.05);
        var scheduler = new SequentialLR(optimizer, [new LinearLR(optimizer, 0.2, totalIters: 3), new ExponentialLR(optimizer, 0.8)], [3]);
        return (optimizer, scheduler);
    }

    private static void Train(Linear model, Optimizer optimizer, LRScheduler scheduler, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            optimizer.ZeroGrad();
            Loss(model).Backward();
            optimizer.Step();
            scheduler.Step();
        }
    }

    [Fact]
    public void NAdam_under_SequentialLR_resumes_bit_for_bit()
    {
        var uninterrupted = Model(1);
        var (o1, s1) = NAdamWithWarmup(uninterrupted);
        Train(uninterrupted, o1, s1, 9);

        var first = Model(1);
        var (o2, s2) = NAdamWithWarmup(first);
        Train(first, o2, s2, 5);
        string path = Path.Combine(_dir, "nadam.ckpt");
        Checkpoint.Save(path, first, o2, s2, step: 5);

        var resumed = Model(99);
        var (o3, s3) = NAdamWithWarmup(resumed);
        Assert.Equal(5, Checkpoint.Load(path, resumed, o3, s3).Step);
        Train(resumed, o3, s3, 4);
        Assert.Equal(uninterrupted.Weight.ToArray<float>(), resumed.Weight.ToArray<float>());
        Assert.Equal(uninterrupted.Bias!.ToArray<float>(), resumed.Bias!.ToArray<float>());
        Assert.Equal(s1.GetLastLr(), s3.GetLastLr());
        Assert.Equal(s1.Schedulers[1].LastEpoch, s3.Schedulers[1].LastEpoch);
    }

    [Fact]
    public void LBFGS_resumes_its_history_bit_for_bit()
    {
        static LBFGS Make(Linear m) => new(m.Parameters(), lr: 1, maxIter: 3, historySize: 4, lineSearchFn: "strong_wolfe");
        static void Steps(Linear m, LBFGS o, int n)
        {
            for (int i = 0; i < n; i++)
                o.Step(() =>
                {
                    o.ZeroGrad();
                    var loss = Loss(m);
                    loss.Backward();
                    return loss;
                });
        }
        var uninterrupted = Model(2);
        Steps(uninterrupted, Make(uninterrupted), 4);

        var first = Model(2);
        var o = Make(first);
        Steps(first, o, 2);
        string path = Path.Combine(_dir, "lbfgs.ckpt");
        Checkpoint.Save(path, first, o, step: 2);

        var resumed = Model(77);
        var o2 = Make(resumed);
        Checkpoint.Load(path, resumed, o2);
        Steps(resumed, o2, 2);
        Assert.Equal(uninterrupted.Weight.ToArray<float>(), resumed.Weight.ToArray<float>());
        Assert.Equal(uninterrupted.Bias!.ToArray<float>(), resumed.Bias!.ToArray<float>());
    }
}
