using System.Text.Json;
using Backprop;
using Backprop.NN;

namespace Backprop.Tests.Convolution;

// BatchNorm1d/2d against PyTorch 1.13 (Reference/conv_batchnorm.json): outputs and running statistics over several
// training steps, gradients, then evaluation; gradchecks of the functional form in Float64.
public class BatchNormTests
{
    public static TheoryData<string> Cases => ConvReference.Names("conv_batchnorm.json", "batchnorm");

    private static BatchNorm Make(JsonElement c)
    {
        int features = c.GetProperty("num_features").GetInt32();
        double? momentum = c.GetProperty("momentum").ValueKind == JsonValueKind.Null ? null : c.GetProperty("momentum").GetDouble();
        bool affine = c.GetProperty("affine").GetBoolean(), track = c.GetProperty("track_running_stats").GetBoolean();
        double eps = c.GetProperty("eps").GetDouble();
        BatchNorm bn = c.GetProperty("kind").GetString() == "BatchNorm2d"
            ? new BatchNorm2d(features, eps, momentum, affine, track, DType.Float64)
            : new BatchNorm1d(features, eps, momentum, affine, track, DType.Float64);
        if (c.TryGetProperty("weight", out var w))
            using (Autograd.NoGrad())
            {
                bn.Weight!.Copy_(ConvReference.Tensor(w));
                bn.Bias!.Copy_(ConvReference.Tensor(c.GetProperty("bias")));
            }
        return bn;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BatchNorm_training_steps_and_evaluation_match_torch(string name)
    {
        var c = ConvReference.Case("conv_batchnorm.json", "batchnorm", name);
        var bn = Make(c);
        int step = 0;
        foreach (var s in c.GetProperty("steps").EnumerateArray())
        {
            var x = ConvReference.Tensor(s.GetProperty("x"), requiresGrad: true);
            var y = bn.Forward(x);
            ConvReference.AssertClose(s.GetProperty("out"), y);
            if (bn.TrackRunningStats)
            {
                ConvReference.AssertClose(s.GetProperty("running_mean"), bn.RunningMean!);
                ConvReference.AssertClose(s.GetProperty("running_var"), bn.RunningVar!);
                Assert.Equal(s.GetProperty("num_batches_tracked").GetInt64(), bn.NumBatchesTracked!.Item<long>());
            }
            if (step++ == 0)
            {
                y.Mul(ConvReference.Tensor(s.GetProperty("gout"))).Sum().Backward();
                ConvReference.AssertClose(s.GetProperty("gx"), x.Grad!);
                if (bn.Affine)
                {
                    ConvReference.AssertClose(s.GetProperty("gweight"), bn.Weight!.Grad!);
                    ConvReference.AssertClose(s.GetProperty("gbias"), bn.Bias!.Grad!);
                }
            }
        }
        bn.Eval();
        var e = c.GetProperty("eval");
        var xe = ConvReference.Tensor(e.GetProperty("x"), requiresGrad: true);
        var ye = bn.Forward(xe);
        ConvReference.AssertClose(e.GetProperty("out"), ye);
        ye.Mul(ConvReference.Tensor(e.GetProperty("gout"))).Sum().Backward();
        ConvReference.AssertClose(e.GetProperty("gx"), xe.Grad!);
    }

    [Fact]
    public void BatchNorm_gradcheck_in_training_and_evaluation_on_views()
    {
        var rm = Tensor.Zeros([3], DType.Float64);
        var rv = Tensor.Ones([3], DType.Float64);
        TensorAssert.GradCheck(xs => Tensor.BatchNorm(xs[0].Permute(0, 3, 1, 2), null, null, xs[1], xs[2], training: true),
            TensorAssert.Leaf(2, 2, 3, 3), TensorAssert.Leaf(3), TensorAssert.Leaf(3));
        TensorAssert.GradCheck(xs => Tensor.BatchNorm(xs[0].T, rm, rv, xs[1], null, training: true, momentum: 0.5),
            TensorAssert.Leaf(3, 4), TensorAssert.Leaf(3));
        TensorAssert.GradCheck(xs => Tensor.BatchNorm(xs[0], xs[1].Add(2), xs[2].Exp(), xs[3].Slice(0, step: 2), null, training: false),
            TensorAssert.Leaf(2, 3, 2), TensorAssert.Leaf(3), TensorAssert.Leaf(3), TensorAssert.Leaf(6));
        TensorAssert.GradCheck(xs =>
        {
            using var grad = Autograd.EnableGrad();
            var f = Tensor.BatchNorm(xs[0], null, null, xs[1], null, training: true).Pow(3).Sum();
            return Autograd.Grad([f], [xs[0]], createGraph: true)[0]!;
        }, TensorAssert.Leaf(3, 2, 2), TensorAssert.Leaf(2));
    }

    [Fact]
    public void BatchNorm_state_dict_names_and_buffers_match_torch()
    {
        var bn = new BatchNorm2d(3);
        Assert.Equal(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"], bn.StateDict().Keys.ToArray());
        Assert.Equal(["weight", "bias"], bn.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(DType.Int64, bn.NumBatchesTracked!.DType);
        Assert.Equal(0, bn.NumBatchesTracked.Dim);
        TensorAssert.Close([0.0, 0, 0], bn.RunningMean!);
        TensorAssert.Close([1.0, 1, 1], bn.RunningVar!);
        Assert.Empty(new BatchNorm2d(3, affine: false, trackRunningStats: false).StateDict());
        Assert.Equal(["running_mean", "running_var", "num_batches_tracked"], new BatchNorm1d(3, affine: false).StateDict().Keys.ToArray());
    }

    [Fact]
    public void BatchNorm_evaluation_leaves_running_statistics_alone_and_reset_restores_them()
    {
        var bn = new BatchNorm1d(2, dtype: DType.Float64);
        bn.Forward(TensorAssert.Seq(4, 2));
        var mean = bn.RunningMean!.ToArray<double>();
        bn.Eval();
        bn.Forward(TensorAssert.Seq(3, 2).Add(5));
        Assert.Equal(mean, bn.RunningMean.ToArray<double>());
        Assert.Equal(1L, bn.NumBatchesTracked!.Item<long>());
        bn.ResetRunningStats();
        TensorAssert.Close([0.0, 0], bn.RunningMean);
        Assert.Equal(0L, bn.NumBatchesTracked.Item<long>());
    }

    [Fact]
    public void BatchNorm_errors_match_torch()
    {
        Assert.Contains("expected 2D or 3D input (got 4D input)", Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(2, 3, 4, 5))).Message);
        Assert.Contains("expected 4D input (got 3D input)", Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros(2, 3, 4))).Message);
        Assert.Contains("Expected more than 1 value per channel when training, got input size [1, 3]",
            Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(1, 3))).Message);
        Assert.Contains("running_mean should contain 4 elements not 3", Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros(2, 4, 2, 2))).Message);
        Assert.Contains("weight should contain 4 elements not 3",
            Assert.Throws<ArgumentException>(() => new BatchNorm2d(3, trackRunningStats: false).Forward(Tensor.Zeros(2, 4, 2, 2))).Message);
        Assert.Contains("running_mean and running_var must be defined in evaluation mode",
            Assert.Throws<ArgumentException>(() => Tensor.BatchNorm(Tensor.Zeros(2, 3), null, null)).Message);
    }

    [Fact]
    public void BatchNorm_prints_like_torch()
    {
        Assert.Equal("BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", new BatchNorm2d(3).ToString());
        Assert.Equal("BatchNorm1d(3, eps=1e-05, momentum=None, affine=True, track_running_stats=True)", new BatchNorm1d(3, momentum: null).ToString());
    }
}
