namespace Backprop.Optim;

/// <summary>
/// AdamW: Adam with decoupled weight decay, θ ← θ(1 − γλ) before the Adam step instead of λθ added to the
/// gradient; weight_decay defaults to 0.01. Like torch.optim.AdamW.
/// </summary>
public sealed class AdamW : Optimizer
{
    /// <summary>AdamW over parameters; like torch.optim.AdamW(params, lr, betas, eps, weight_decay, amsgrad, maximize=...).</summary>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
                 double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base([new ParamGroup(parameters)], AdamMath.Defaults(lr, betas, eps, weightDecay, amsgrad, maximize)) { }

    /// <summary>AdamW over parameter groups whose own options override these defaults; like torch.optim.AdamW([{'params': …}, …], …).</summary>
    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
                 double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(groups, AdamMath.Defaults(lr, betas, eps, weightDecay, amsgrad, maximize)) { }

    /// <inheritdoc/>
    protected override void Validate(ParamGroup group) => AdamMath.Validate("AdamW", group);

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        foreach (var p in group.ParameterArray)
            if (p.Grad is { } grad) AdamMath.Update(group, p, grad, StateOf(p), decoupledWeightDecay: true);
    }
}
