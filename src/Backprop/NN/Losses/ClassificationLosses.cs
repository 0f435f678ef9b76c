namespace Backprop.NN;

// Losses over classes: cross-entropy on logits, negative log-likelihood on log-probabilities.

/// <summary>
/// Cross-entropy between logits and class indices or class probabilities, with class weights, an ignored index and
/// label smoothing; like torch.nn.CrossEntropyLoss(weight, ignore_index, reduction, label_smoothing).
/// </summary>
public sealed class CrossEntropyLoss : WeightedLoss
{
    /// <summary>The target value that contributes nothing (-100 by default); like loss.ignore_index.</summary>
    public long IgnoreIndex { get; }

    /// <summary>The share of the uniform distribution mixed into the target, in [0, 1]; like loss.label_smoothing.</summary>
    public double LabelSmoothing { get; }

    /// <summary>A cross-entropy loss with the given options.</summary>
    public CrossEntropyLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
        : base(weight, reduction)
    {
        if (labelSmoothing > 1.0)
            throw new ArgumentException($"CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0. Got: {labelSmoothing}");
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = labelSmoothing;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) =>
        F.CrossEntropy(input, target, Weight, IgnoreIndex, Reduction, LabelSmoothing);
}

/// <summary>
/// The negative log-likelihood of log-probabilities at class indices, with class weights and an ignored index; like
/// torch.nn.NLLLoss(weight, ignore_index, reduction).
/// </summary>
public sealed class NLLLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean) : WeightedLoss(weight, reduction)
{
    /// <summary>The target value that contributes nothing (-100 by default); like loss.ignore_index.</summary>
    public long IgnoreIndex { get; } = ignoreIndex;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.NllLoss(input, target, Weight, IgnoreIndex, Reduction);
}
