namespace Backprop.NN;

/// <summary>The base of the loss modules: Forward(input, target) with a <see cref="NN.Reduction"/>; like torch.nn.modules.loss._Loss.</summary>
public abstract class Loss : Module<Tensor, Tensor, Tensor>
{
    /// <summary>How the per-element losses are reduced; like loss.reduction.</summary>
    public Reduction Reduction { get; }

    /// <summary>A loss with the given reduction (checked: BatchMean is for <see cref="KLDivLoss"/> only).</summary>
    protected Loss(Reduction reduction, bool allowBatchMean = false)
    {
        if (!(allowBatchMean && reduction == Reduction.BatchMean)) Reductions.Check(GetType().Name, reduction);
        Reduction = reduction;
    }

    /// <summary>As PyTorch prints a loss module: its name and parentheses.</summary>
    public override string ToString() => GetType().Name + "()";
}

/// <summary>
/// A loss with an optional per-class (or per-element) weight, registered as the buffer "weight" so it travels with the
/// state dict; like torch.nn.modules.loss._WeightedLoss.
/// </summary>
public abstract class WeightedLoss : Loss
{
    /// <summary>The rescaling weight, or null; like loss.weight.</summary>
    public Tensor? Weight { get; }

    /// <summary>A loss with the given weight and reduction.</summary>
    protected WeightedLoss(Tensor? weight, Reduction reduction) : base(reduction)
    {
        Weight = RegisterBuffer("weight", weight);
    }
}
