namespace Backprop.NN;

// Cross-entropy and negative log-likelihood over classes, as PyTorch 1.13 composes them (cross_entropy_loss in
// aten/src/ATen/native/LossNLL.cpp): log-softmax over the class dim, then nll_loss; label smoothing and class
// probabilities as separate compositions. The class dim is 1, or 0 for an unbatched input of shape [C].
public static partial class F
{
    /// <summary>
    /// Cross-entropy between logits and targets given as class indices (Int64, shape [N] or [N, d1, …] for input
    /// [N, C] or [N, C, d1, …], or a scalar for an unbatched [C]) or as class probabilities (the input's shape, floating).
    /// weight rescales each class; targets equal to ignoreIndex contribute nothing; labelSmoothing mixes the target with
    /// the uniform distribution. Mean reduction with class indices divides by the summed weight of the non-ignored
    /// targets (NaN when every target is ignored, as in PyTorch 1.13). Like
    /// F.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing).
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100,
        Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        Reductions.Check("CrossEntropy", reduction);
        if (input.Dim < 1) throw new ArgumentException($"CrossEntropy: Expected 1 or more dimensions (got {input.Dim})");
        int classDim = input.Dim == 1 ? 0 : 1;
        if (Shapes.Equal(input.ShapeArray, target.ShapeArray))
        {
            if (!target.DType.IsFloatingPoint())
                throw new ArgumentException(
                    $"CrossEntropy: Expected floating point type for target with class probabilities, got {target.DType.TorchName()}");
            if (ignoreIndex >= 0) throw new ArgumentException("CrossEntropy: ignore_index is not supported for floating point target");
            return CrossEntropyWithProbabilities(input, target, weight, reduction, labelSmoothing, classDim);
        }
        var logProbabilities = input.LogSoftmax(classDim);
        if (labelSmoothing > 0)
        {
            CheckLabelSmoothing(labelSmoothing);
            return CrossEntropyWithLabelSmoothing(logProbabilities, target, weight, ignoreIndex, reduction, labelSmoothing, classDim);
        }
        return NllLoss(logProbabilities, target, weight, ignoreIndex, reduction);
    }

    /// <summary>
    /// The negative log-likelihood −w[y]·x[y] of log-probabilities x at class-index targets y (shapes as for
    /// <see cref="CrossEntropy"/>); ignored targets contribute 0; Mean divides by the summed weight of the non-ignored
    /// targets. Like F.nll_loss(input, target, weight, ignore_index, reduction).
    /// </summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        Reductions.Check("NllLoss", reduction);
        CheckClassTargets("NllLoss", input, target, weight, ignoreIndex);
        int classDim = input.Dim == 1 ? 0 : 1;

        var kept = target.Ne(ignoreIndex);
        var safeTarget = Tensor.Where(kept, target, 0.0);        // ignored positions read class 0, then are masked out
        var picked = input.Dim == 1
            ? input.Gather(0, safeTarget.Reshape(1)).Reshape()
            : input.Gather(1, safeTarget.Unsqueeze(1)).Squeeze(1);
        var targetWeight = weight?.IndexSelect(0, safeTarget.Reshape(-1)).Reshape(target.ShapeArray);
        // Where (not a product with the mask) keeps the gradient of ignored positions exactly 0, even when the mean
        // divides by a total weight of 0, as torch's nll_loss_backward writes nothing there.
        var losses = Tensor.Where(kept, targetWeight is null ? picked.Neg() : targetWeight.Mul(picked).Neg(), 0.0);
        return reduction switch
        {
            Reduction.None => losses,
            Reduction.Sum => losses.Sum(),
            _ => losses.Sum().Div(targetWeight is null ? kept.To(input.DType).Sum() : Tensor.Where(kept, targetWeight, 0.0).Sum()),
        };
    }

    /// <summary>
    /// torch's cross_entropy_loss_label_smoothing: (1 − ε)·nll + ε/C·smooth, where smooth = −Σ_c w_c·log p_c per sample
    /// (0 at ignored targets), reduced like nll (Mean divides by the summed weight of the non-ignored targets).
    /// </summary>
    private static Tensor CrossEntropyWithLabelSmoothing(Tensor logProbabilities, Tensor target, Tensor? weight, long ignoreIndex,
        Reduction reduction, double labelSmoothing, int classDim)
    {
        var nll = NllLoss(logProbabilities, target, weight, ignoreIndex, reduction);
        int classes = logProbabilities.ShapeArray[classDim];
        var smooth = weight is null
            ? logProbabilities.Sum(classDim).Neg()
            : logProbabilities.Mul(weight.View(ClassShape(logProbabilities.Dim, classDim, classes))).Sum(classDim).Neg();
        var ignored = target.Eq(ignoreIndex);
        smooth = smooth.MaskedFill(ignored, 0.0);
        var reduced = reduction switch
        {
            Reduction.None => smooth,
            Reduction.Sum => smooth.Sum(),
            _ => smooth.Sum().Div(weight is null
                ? ignored.LogicalNot().To(smooth.DType).Sum()
                : Tensor.Where(ignored, 0.0, weight.IndexSelect(0, Tensor.Where(ignored, 0.0, target).Reshape(-1)).Reshape(target.ShapeArray)).Sum()),
        };
        return (1 - labelSmoothing) * nll + reduced.Mul(labelSmoothing / classes);
    }

    /// <summary>
    /// torch's cross_entropy_loss_prob_target: −Σ_c w_c·y_c·log p_c with y smoothed to (1 − ε)·y + ε/C; Mean divides the
    /// sum by the number of samples (input.numel / C), whatever the targets sum to.
    /// </summary>
    private static Tensor CrossEntropyWithProbabilities(Tensor input, Tensor target, Tensor? weight, Reduction reduction,
        double labelSmoothing, int classDim)
    {
        int classes = input.ShapeArray[classDim];
        if (weight is not null && (weight.Dim != 1 || weight.Numel != classes))
            throw new ArgumentException(
                $"CrossEntropy: cross_entropy: weight tensor should be defined either for all {classes} classes or no classes " +
                $"but got weight tensor of shape: {Shapes.Format(weight.ShapeArray)}");
        var logProbabilities = input.LogSoftmax(classDim);
        var t = target;
        if (labelSmoothing > 0)
        {
            CheckLabelSmoothing(labelSmoothing);
            t = target.Mul(1 - labelSmoothing).Add(labelSmoothing / classes);
        }
        var terms = logProbabilities.Mul(t);
        if (weight is not null) terms = terms.Mul(input.Dim > 1 ? weight.View(ClassShape(input.Dim, classDim, classes)) : weight);
        return reduction switch
        {
            Reduction.None => terms.Sum(classDim).Neg(),
            Reduction.Sum => terms.Sum().Neg(),
            _ => input.Numel == 0 ? Tensor.Full([], double.NaN, input.DType) : terms.Sum().Neg().Div(input.Numel / classes),
        };
    }

    /// <summary>The checks of torch's nll_loss_nd, nll_loss and nll_loss2d, with their messages.</summary>
    private static void CheckClassTargets(string op, Tensor input, Tensor target, Tensor? weight, long ignoreIndex)
    {
        if (input.Dim < 1) throw new ArgumentException($"{op}: Expected 1 or more dimensions (got {input.Dim})");
        if (target.DType != DType.Int64)
            throw new ArgumentException($"{op}: expected scalar type Long but found {target.DType.ScalarTypeName()}");
        if (input.Dim != 1)
        {
            if (target.Dim == 0)
                throw new ArgumentException($"{op}: Expected a target of shape [{input.ShapeArray[0]}, …] for input of shape {Shapes.Format(input.ShapeArray)}, got a scalar");
            if (input.ShapeArray[0] != target.ShapeArray[0])
                throw new ArgumentException($"{op}: Expected input batch_size ({input.ShapeArray[0]}) to match target batch_size ({target.ShapeArray[0]}).");
        }
        if (input.Dim == 1 && target.Dim != 0)
            throw new ArgumentException($"{op}: size mismatch (got input: {Shapes.Format(input.ShapeArray)}, target: {Shapes.Format(target.ShapeArray)})");
        if (input.Dim == 2 && target.Dim != 1)
            throw new ArgumentException($"{op}: 0D or 1D target tensor expected, multi-target not supported");
        if (input.Dim > 2)
        {
            int[] expected = [input.ShapeArray[0], .. input.ShapeArray.AsSpan(2)];
            if (!Shapes.Equal(expected, target.ShapeArray))
                throw new ArgumentException($"{op}: Expected target size {Shapes.Format(expected)}, got {Shapes.Format(target.ShapeArray)}");
        }
        int classes = input.ShapeArray[input.Dim == 1 ? 0 : 1];
        if (weight is not null && (weight.Dim != 1 || weight.Numel != classes))
            throw new ArgumentException(
                $"{op}: weight tensor should be defined either for all {classes} classes or no classes but got weight tensor of shape: {Shapes.Format(weight.ShapeArray)}");
        foreach (var t in target.ToArray<long>())
            if (t != ignoreIndex && (t < 0 || t >= classes))
                throw new ArgumentException($"{op}: Target {t} is out of bounds.");
    }

    private static void CheckLabelSmoothing(double labelSmoothing)
    {
        if (labelSmoothing > 1.0)
            throw new ArgumentException($"CrossEntropy: label_smoothing must be between 0.0 and 1.0. Got: {labelSmoothing}");
    }

    /// <summary>[1, …, C, …, 1]: a per-class vector laid along the class dim, to broadcast against the input.</summary>
    private static int[] ClassShape(int ndim, int classDim, int classes)
    {
        var shape = new int[ndim];
        Array.Fill(shape, 1);
        shape[classDim] = classes;
        return shape;
    }

}
