namespace Backprop.NN;

// The regression, binary and divergence losses, composed from tensor ops as PyTorch 1.13 defines them, so autograd
// gives their gradients. Binary cross-entropy's elementwise core is an op of its own (Ops/Losses.cs): torch clamps its
// logs at −100 and bounds its gradient's denominator, which a composed gradient would not.
public static partial class F
{
    /// <summary>(x − y)², reduced; input and target broadcast together; like F.mse_loss(input, target, reduction).</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        var diff = Difference("MseLoss", input, target, reduction);
        return Reductions.Apply(diff.Pow(2), reduction);
    }

    /// <summary>|x − y|, reduced; input and target broadcast together; like F.l1_loss(input, target, reduction).</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        var diff = Difference("L1Loss", input, target, reduction);
        return Reductions.Apply(diff.Abs(), reduction);
    }

    /// <summary>
    /// 0.5·z²/β where z = |x − y| &lt; β, z − 0.5·β elsewhere, reduced (β = 0 is the L1 loss); like
    /// F.smooth_l1_loss(input, target, reduction, beta).
    /// </summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0)
    {
        if (beta < 0) throw new ArgumentException("SmoothL1Loss: smooth_l1_loss does not support negative values for beta.");
        var z = Difference("SmoothL1Loss", input, target, reduction).Abs();
        if (beta == 0) return Reductions.Apply(z, reduction);
        var loss = Tensor.Where(z.Lt(beta), z.Mul(0.5).Mul(z).Div(beta), z.Sub(0.5 * beta));
        return Reductions.Apply(loss, reduction);
    }

    /// <summary>
    /// 0.5·z² where z = |x − y| &lt; δ, δ·(z − 0.5·δ) elsewhere, reduced; like F.huber_loss(input, target, reduction, delta).
    /// </summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1.0)
    {
        if (!(delta > 0)) throw new ArgumentException("HuberLoss: huber_loss does not support non-positive values for delta.");
        var z = Difference("HuberLoss", input, target, reduction).Abs();
        var loss = Tensor.Where(z.Lt(delta), z.Mul(0.5).Mul(z), z.Sub(0.5 * delta).Mul(delta));
        return Reductions.Apply(loss, reduction);
    }

    /// <summary>
    /// −w·(y·log x + (1 − y)·log(1 − x)) for probabilities x in [0, 1], each log clamped at −100 as PyTorch does, reduced;
    /// weight broadcasts over the target. Like F.binary_cross_entropy(input, target, weight, reduction).
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        Reductions.Check("BinaryCrossEntropy", reduction);
        if (!Shapes.Equal(input.ShapeArray, target.ShapeArray))
            throw new ArgumentException(
                $"BinaryCrossEntropy: Using a target size ({Shapes.Format(target.ShapeArray)}) that is different to the input size " +
                $"({Shapes.Format(input.ShapeArray)}) is deprecated. Please ensure they have the same size.");
        CheckFloating("BinaryCrossEntropy", input, target);
        using (Autograd.NoGrad())
            if (!input.Ge(0).LogicalAnd(input.Le(1)).All())
                throw new ArgumentException("BinaryCrossEntropy: all elements of input should be between 0 and 1");
        var loss = Tensor.BinaryCrossEntropyElementwise(input, target);
        if (weight is not null) loss = loss.Mul(WeightFor("BinaryCrossEntropy", weight, target));
        return Reductions.Apply(loss, reduction);
    }

    /// <summary>
    /// Binary cross-entropy on logits, computed stably as torch does: with m = max(−x, 0),
    /// (1 − y)·x + l·(log(e^(−m) + e^(−x−m)) + m), where l = 1 + (posWeight − 1)·y weights the positive term
    /// (l = 1 without posWeight); then times weight, reduced. posWeight broadcasts against the target (one value per class
    /// along the last dim). Like F.binary_cross_entropy_with_logits(input, target, weight, reduction=..., pos_weight=...).
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null,
        Reduction reduction = Reduction.Mean, Tensor? posWeight = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        Reductions.Check("BinaryCrossEntropyWithLogits", reduction);
        if (!Shapes.Equal(input.ShapeArray, target.ShapeArray))
            throw new ArgumentException(
                $"BinaryCrossEntropyWithLogits: Target size ({Shapes.Format(target.ShapeArray)}) must be the same as input size ({Shapes.Format(input.ShapeArray)})");
        CheckFloating("BinaryCrossEntropyWithLogits", input, target);
        var maxVal = input.Neg().ClampMin(0);
        var logSumExp = maxVal.Neg().Exp().Add(input.Neg().Sub(maxVal).Exp()).Log();   // log(1 + e^(−x)) − m, without overflow
        Tensor loss;
        if (posWeight is null) loss = (1 - target).Mul(input).Add(maxVal).Add(logSumExp);
        else
        {
            var logWeight = posWeight.Sub(1).Mul(target).Add(1);
            loss = (1 - target).Mul(input).Add(logWeight.Mul(logSumExp.Add(maxVal)));
        }
        if (weight is not null) loss = loss.Mul(weight);
        return Reductions.Apply(loss, reduction);
    }

    /// <summary>
    /// The pointwise KL divergence y·(log y − x) for log-probabilities x: xlogy(y, y) − y·x, or with logTarget (y given
    /// as log-probabilities) e^y·(y − x); reduced, BatchMean dividing the sum by the batch size. Like
    /// F.kl_div(input, target, reduction, log_target).
    /// </summary>
    public static Tensor KLDiv(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, bool logTarget = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (reduction is not (Reduction.None or Reduction.Mean or Reduction.Sum or Reduction.BatchMean))
            throw new ArgumentException($"KLDiv: {Reductions.Name(reduction)} is not a valid value for reduction");
        Shapes.Broadcast("KLDiv", input.ShapeArray, target.ShapeArray);
        var output = logTarget
            ? target.Exp().Mul(target.Sub(input))
            : XLogX(target).Sub(target.Mul(input));
        if (reduction != Reduction.BatchMean) return Reductions.Apply(output, reduction);
        var sum = output.Sum();
        return input.Dim == 0 ? sum : sum.Div(input.ShapeArray[0]);
    }

    /// <summary>torch.xlogy(y, y): 0 where y = 0 (NaN stays NaN), y·log y elsewhere.</summary>
    private static Tensor XLogX(Tensor y) => Tensor.Where(y.Eq(0), 0.0, y.Mul(y.Log()));

    /// <summary>input − target after broadcasting them together, as the pointwise losses do (torch.broadcast_tensors).</summary>
    private static Tensor Difference(string op, Tensor input, Tensor target, Reduction reduction)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        Reductions.Check(op, reduction);
        Shapes.Broadcast(op, input.ShapeArray, target.ShapeArray);
        CheckFloating(op, input, target);
        return input.Sub(target);
    }

    private static void CheckFloating(string op, Tensor input, Tensor target)
    {
        if (!input.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a floating-point input, but got {input.DType.TorchName()}");
        if (!target.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a floating-point target, but got {target.DType.TorchName()}");
    }

    /// <summary>A weight that broadcasts to the target's shape (torch expands it so), or an error naming both shapes.</summary>
    private static Tensor WeightFor(string op, Tensor weight, Tensor target)
    {
        var shape = Shapes.Broadcast(op, target.ShapeArray, weight.ShapeArray);
        if (!Shapes.Equal(shape, target.ShapeArray))
            throw new ArgumentException(
                $"{op}: weight of shape {Shapes.Format(weight.ShapeArray)} must broadcast to the target's shape {Shapes.Format(target.ShapeArray)}");
        return weight;
    }
}
