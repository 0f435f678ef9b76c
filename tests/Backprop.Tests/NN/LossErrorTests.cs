using Backprop;
using Backprop.NN;

namespace Backprop.Tests.NN;

/// <summary>Shape, dtype and option errors of the losses, with PyTorch 1.13's messages.</summary>
public class LossErrorTests
{
    private static Tensor Longs(params long[] values) => Tensor.From(values);

    [Fact]
    public void CrossEntropy_batch_size_mismatch_names_both_sizes()
    {
        var e = Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros(3, 5), Longs(1, 2)));
        Assert.Contains("Expected input batch_size (3) to match target batch_size (2).", e.Message);
    }

    [Fact]
    public void CrossEntropy_target_out_of_bounds_names_the_target()
    {
        var e = Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros(3, 5), Longs(1, 2, 5)));
        Assert.Contains("Target 5 is out of bounds.", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.NllLoss(Tensor.Zeros(3, 5), Longs(1, -1, 2)));
        Assert.Contains("Target -1 is out of bounds.", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros(3, 5, 2, 2), Tensor.Full([3, 2, 2], 7, DType.Int64)));
        Assert.Contains("Target 7 is out of bounds.", e.Message);
    }

    [Fact]
    public void CrossEntropy_spatial_target_of_the_wrong_shape_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros(3, 5, 2), Tensor.Zeros([3, 3], DType.Int64)));
        Assert.Contains("Expected target size [3, 2], got [3, 3]", e.Message);
    }

    [Fact]
    public void Class_targets_must_be_Int64()
    {
        var e = Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros(3, 5), Tensor.Zeros(3)));
        Assert.Contains("expected scalar type Long but found Float", e.Message);
    }

    [Fact]
    public void Class_weight_must_have_one_value_per_class()
    {
        var e = Assert.Throws<ArgumentException>(() => F.NllLoss(Tensor.Zeros(3, 5), Longs(1, 2, 3), Tensor.Ones(4)));
        Assert.Contains("weight tensor should be defined either for all 5 classes or no classes but got weight tensor of shape: [4]", e.Message);
    }

    [Fact]
    public void Label_smoothing_above_one_and_ignore_index_with_probabilities_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros(3, 5), Longs(1, 2, 3), labelSmoothing: 1.5));
        Assert.Contains("label_smoothing must be between 0.0 and 1.0. Got: 1.5", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros(3, 5), Tensor.Zeros(3, 5), ignoreIndex: 1));
        Assert.Contains("ignore_index is not supported for floating point target", e.Message);
    }

    [Fact]
    public void Binary_cross_entropy_checks_its_input_range_and_target_size()
    {
        var e = Assert.Throws<ArgumentException>(() => F.BinaryCrossEntropy(Tensor.From([1.5f]), Tensor.From([0.5f])));
        Assert.Contains("all elements of input should be between 0 and 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.BinaryCrossEntropy(Tensor.Zeros(3, 5), Tensor.Zeros(3)));
        Assert.Contains("Using a target size ([3]) that is different to the input size ([3, 5])", e.Message);
        e = Assert.Throws<ArgumentException>(() => F.BinaryCrossEntropyWithLogits(Tensor.Zeros(3, 5), Tensor.Zeros(3)));
        Assert.Contains("Target size ([3]) must be the same as input size ([3, 5])", e.Message);
    }

    [Fact]
    public void Pointwise_losses_refuse_shapes_that_do_not_broadcast()
    {
        var e = Assert.Throws<ArgumentException>(() => F.MseLoss(Tensor.Zeros(3, 5), Tensor.Zeros(3, 4)));
        Assert.Contains("The size of tensor a (5) must match the size of tensor b (4) at non-singleton dimension 1", e.Message);
    }

    [Fact]
    public void Beta_and_delta_out_of_range_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => F.SmoothL1Loss(Tensor.Zeros(2), Tensor.Zeros(2), beta: -1));
        Assert.Contains("smooth_l1_loss does not support negative values for beta.", e.Message);
        e = Assert.Throws<ArgumentException>(() => new HuberLoss(delta: 0));
        Assert.Contains("huber_loss does not support non-positive values for delta.", e.Message);
    }

    [Fact]
    public void BatchMean_is_refused_by_every_loss_but_KL_divergence()
    {
        var e = Assert.Throws<ArgumentException>(() => new MSELoss(Reduction.BatchMean));
        Assert.Contains("batchmean is not a valid value for reduction", e.Message);
        Assert.Throws<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros(3, 5), Longs(1, 2, 3), reduction: Reduction.BatchMean));
        Assert.Equal(Reduction.BatchMean, new KLDivLoss(Reduction.BatchMean).Reduction);
    }

    [Fact]
    public void An_empty_batch_gives_nan_for_mean_and_zero_for_sum()
    {
        Assert.True(double.IsNaN(F.CrossEntropy(Tensor.Zeros(0, 5), Tensor.Zeros([0], DType.Int64)).Item()));
        Assert.Equal(0, F.CrossEntropy(Tensor.Zeros(0, 5), Tensor.Zeros([0], DType.Int64), reduction: Reduction.Sum).Item());
        Assert.True(double.IsNaN(F.MseLoss(Tensor.Zeros(0, 5), Tensor.Zeros(0, 5)).Item()));
    }

    [Fact]
    public void Loss_modules_keep_weights_as_state_dict_buffers()
    {
        var ce = new CrossEntropyLoss(Tensor.From([1f, 2f, 3f]));
        Assert.Equal(["weight"], ce.StateDict().Keys);
        Assert.Empty(ce.Parameters());
        var bce = new BCEWithLogitsLoss(posWeight: Tensor.From([2f]));
        Assert.Equal(["pos_weight"], bce.StateDict().Keys);
        Assert.Empty(new MSELoss().StateDict());
    }
}
