namespace Backprop.NN;

// The pointwise regression losses: input and target broadcast together, the loss of each element reduced.

/// <summary>The mean squared error (x − y)²; like torch.nn.MSELoss(reduction).</summary>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.MseLoss(input, target, Reduction);
}

/// <summary>The mean absolute error |x − y|; like torch.nn.L1Loss(reduction).</summary>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.L1Loss(input, target, Reduction);
}

/// <summary>Quadratic below β, linear above (0.5·z²/β or z − 0.5·β); like torch.nn.SmoothL1Loss(reduction, beta).</summary>
public sealed class SmoothL1Loss : Loss
{
    /// <summary>Where the loss turns from quadratic to linear; like smooth_l1_loss.beta.</summary>
    public double Beta { get; }

    /// <summary>A smooth L1 loss; beta must be non-negative (0 gives the L1 loss).</summary>
    public SmoothL1Loss(Reduction reduction = Reduction.Mean, double beta = 1.0) : base(reduction)
    {
        if (beta < 0) throw new ArgumentException("SmoothL1Loss: smooth_l1_loss does not support negative values for beta.");
        Beta = beta;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.SmoothL1Loss(input, target, Reduction, Beta);
}

/// <summary>Quadratic below δ, linear above (0.5·z² or δ·(z − 0.5·δ)); like torch.nn.HuberLoss(reduction, delta).</summary>
public sealed class HuberLoss : Loss
{
    /// <summary>Where the loss turns from quadratic to linear; like huber_loss.delta.</summary>
    public double Delta { get; }

    /// <summary>A Huber loss; delta must be positive.</summary>
    public HuberLoss(Reduction reduction = Reduction.Mean, double delta = 1.0) : base(reduction)
    {
        if (!(delta > 0)) throw new ArgumentException("HuberLoss: huber_loss does not support non-positive values for delta.");
        Delta = delta;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => F.HuberLoss(input, target, Reduction, Delta);
}
