namespace Backprop.NN;

// Binary cross-entropy, on probabilities and on logits.

/// <summary>Binary cross-entropy of probabilities in [0, 1], logs clamped at −100; like torch.nn.BCELoss(weight, reduction).</summary>
public sealed class BCELoss(Tensor? weight = null, Reduction reduction = Reduction.Mean) : WeightedLoss(weight, reduction)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.BinaryCrossEntropy(input, target, Weight, Reduction);
}

/// <summary>
/// Binary cross-entropy on logits, computed stably, with an optional weight of the positive term per class
/// (buffer "pos_weight"); like torch.nn.BCEWithLogitsLoss(weight, reduction, pos_weight).
/// </summary>
public sealed class BCEWithLogitsLoss : WeightedLoss
{
    /// <summary>The weight of the positive examples, broadcast along the last dim, or null; like loss.pos_weight.</summary>
    public Tensor? PosWeight { get; }

    /// <summary>A loss with the given element weight, reduction and positive weight.</summary>
    public BCEWithLogitsLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null) : base(weight, reduction)
    {
        PosWeight = RegisterBuffer("pos_weight", posWeight);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) =>
        F.BinaryCrossEntropyWithLogits(input, target, Weight, Reduction, PosWeight);
}
