using Backprop;
using Backprop.NN;

namespace Backprop.Tests.NN;

/// <summary>
/// Gradchecks (Float64 central differences) of every loss with respect to its input, and to its target where the
/// target is differentiable; inputs are built as non-contiguous views (transposed, sliced) or broadcast inside the
/// function, and every point keeps away from the losses' kinks.
/// </summary>
public class LossGradCheckTests
{
    /// <summary>A leaf of distinct smooth values in [lo, hi], varied by seed so two leaves of one shape differ.</summary>
    private static Tensor Leaf(double lo, double hi, double seed, params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = lo + (hi - lo) * (0.5 + 0.49 * Math.Sin(2.3 * i + seed));
        return TensorAssert.Leaf(values, shape);
    }

    private static Tensor Longs(long[] values, params int[] shape) => Tensor.From(values, shape);

    [Fact]
    public void MseLoss_gradchecks_on_a_transposed_input_and_a_broadcast_target()
    {
        var x = Leaf(-2, 2, 0.1, 4, 3);
        var t = Leaf(-1, 1, 1.7, 4);
        TensorAssert.GradCheck(xs => F.MseLoss(xs[0].T, xs[1].Unsqueeze(0).Expand(3, 4), Reduction.None), x, t);
        TensorAssert.GradCheck(xs => F.MseLoss(xs[0].T, xs[1]), x, t);
    }

    [Fact]
    public void L1Loss_gradchecks_for_input_and_target()
    {
        var x = Leaf(-2, 2, 0.1, 3, 4);
        var t = Leaf(-1, 1, 1.7, 3, 4);
        TensorAssert.GradCheck(xs => F.L1Loss(xs[0], xs[1], Reduction.Sum), x, t);
        TensorAssert.GradCheck(xs => F.L1Loss(xs[0].Slice(1, 0, 4, 2), xs[1].Slice(1, 1, 4, 2), Reduction.None), x, t);
    }

    [Fact]
    public void SmoothL1Loss_gradchecks_on_both_sides_of_beta()
    {
        var x = Leaf(-2, 2, 0.1, 3, 4);
        var t = Leaf(-1, 1, 1.7, 3, 4);
        TensorAssert.GradCheck(xs => F.SmoothL1Loss(xs[0], xs[1], Reduction.None, beta: 0.55), x, t);
        TensorAssert.GradCheck(xs => F.SmoothL1Loss(xs[0].T, xs[1].T, Reduction.Mean, beta: 1.3), x, t);
    }

    [Fact]
    public void HuberLoss_gradchecks_on_both_sides_of_delta()
    {
        var x = Leaf(-2, 2, 0.1, 3, 4);
        var t = Leaf(-1, 1, 1.7, 3, 4);
        TensorAssert.GradCheck(xs => F.HuberLoss(xs[0], xs[1], Reduction.None, delta: 0.55), x, t);
        TensorAssert.GradCheck(xs => F.HuberLoss(xs[0].T, xs[1].T, Reduction.Sum, delta: 1.3), x, t);
    }

    [Fact]
    public void BinaryCrossEntropy_gradchecks_for_input_and_target_with_a_weight()
    {
        var x = Leaf(0.1, 0.9, 0.3, 4, 3);
        var t = Leaf(0, 1, 2.2, 3, 4);
        var w = Tensor.From([0.5, 1.5, 2.0, 0.25]);
        TensorAssert.GradCheck(xs => F.BinaryCrossEntropy(xs[0].T, xs[1], w, Reduction.None), x, t);
        TensorAssert.GradCheck(xs => F.BinaryCrossEntropy(xs[0].T, xs[1]), x, t);
    }

    [Fact]
    public void BinaryCrossEntropy_gradient_is_itself_differentiable()
    {
        // Its backward is recorded with tensor ops, so the gradient has a gradient (second derivatives, createGraph).
        var x = Leaf(0.1, 0.9, 0.3, 2, 3);
        var t = Leaf(0, 1, 2.2, 2, 3);
        TensorAssert.GradCheck(xs =>
        {
            var loss = F.BinaryCrossEntropy(xs[0], xs[1], reduction: Reduction.Sum);
            return Autograd.Grad([loss], [xs[0]], createGraph: true)[0]!;
        }, x, t);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_gradchecks_with_weight_and_pos_weight()
    {
        var x = Leaf(-4, 4, 0.3, 4, 3);
        var t = Leaf(0, 1, 2.2, 3, 4);
        var w = Tensor.From([0.5, 1.5, 2.0, 0.25]);
        var pw = Tensor.From([3.0, 0.5, 1.0, 2.0]);
        TensorAssert.GradCheck(xs => F.BinaryCrossEntropyWithLogits(xs[0].T, xs[1], w, Reduction.None, pw), x, t);
        TensorAssert.GradCheck(xs => F.BinaryCrossEntropyWithLogits(xs[0].T, xs[1]), x, t);
    }

    [Fact]
    public void CrossEntropy_with_class_indices_gradchecks_with_weight_ignore_index_and_label_smoothing()
    {
        var x = Leaf(-2, 2, 0.4, 4, 5);   // [C, N], transposed inside
        var target = Longs([1, -100, 3, 0, 2], 5);
        var w = Tensor.From([0.5, 1.5, 2.0, 0.25]);
        TensorAssert.GradCheck(xs => F.CrossEntropy(xs[0].T, target, w), x);
        TensorAssert.GradCheck(xs => F.CrossEntropy(xs[0].T, target, w, labelSmoothing: 0.2), x);
        TensorAssert.GradCheck(xs => F.CrossEntropy(xs[0].T, target, reduction: Reduction.None, labelSmoothing: 0.1), x);
    }

    [Fact]
    public void CrossEntropy_with_spatial_dims_gradchecks()
    {
        var x = Leaf(-2, 2, 0.4, 2, 3, 2, 2);
        var target = Longs([0, 2, 1, 1, 2, -100, 0, 2], 2, 2, 2);
        TensorAssert.GradCheck(xs => F.CrossEntropy(xs[0], target), x);
        TensorAssert.GradCheck(xs => F.CrossEntropy(xs[0], target, reduction: Reduction.None, labelSmoothing: 0.3), x);
    }

    [Fact]
    public void CrossEntropy_with_class_probabilities_gradchecks_for_input_and_target()
    {
        var x = Leaf(-2, 2, 0.4, 3, 4);
        var p = Leaf(0, 1, 1.1, 3, 4);   // need not sum to one
        var w = Tensor.From([0.5, 1.5, 2.0, 0.25]);
        TensorAssert.GradCheck(xs => F.CrossEntropy(xs[0], xs[1], w, labelSmoothing: 0.1), x, p);
        TensorAssert.GradCheck(xs => F.CrossEntropy(xs[0], xs[1], reduction: Reduction.None), x, p);
    }

    [Fact]
    public void NllLoss_gradchecks_with_weight_and_ignore_index()
    {
        var x = Leaf(-3, 0, 0.4, 5, 4);
        var target = Longs([1, 1, 3, 0, 2], 5);
        var w = Tensor.From([0.5, 1.5, 2.0, 0.25]);
        TensorAssert.GradCheck(xs => F.NllLoss(xs[0], target, w, ignoreIndex: 1), x);
        TensorAssert.GradCheck(xs => F.NllLoss(xs[0].Slice(0, 0, 5, 2), target.Slice(0, 0, 5, 2), reduction: Reduction.None), x);
    }

    [Fact]
    public void KLDiv_gradchecks_for_input_and_target()
    {
        var x = Leaf(-3, -0.1, 0.4, 3, 4);
        var t = Leaf(0.05, 1, 1.1, 3, 4);
        var logT = Leaf(-3, -0.1, 2.5, 3, 4);
        TensorAssert.GradCheck(xs => F.KLDiv(xs[0], xs[1], Reduction.BatchMean), x, t);
        TensorAssert.GradCheck(xs => F.KLDiv(xs[0].T, xs[1].T, Reduction.None), x, t);
        TensorAssert.GradCheck(xs => F.KLDiv(xs[0], xs[1], Reduction.Mean, logTarget: true), x, logT);
    }
}
