namespace Backprop.Optim;

/// <summary>
/// RAdam: Adam with the variance of the adaptive rate rectified: while the approximated SMA length ρₜ ≤ 5 the step is
/// plain momentum, θ ← θ − γ·m̂; after, θ ← θ − γ·m̂·r·√(1 − β₂ᵗ)/(√v + ε) with r = √((ρₜ−4)(ρₜ−2)ρ∞/((ρ∞−4)(ρ∞−2)ρₜ)).
/// As PyTorch 1.13's _single_tensor_radam, composed of tensor ops. Like torch.optim.RAdam.
/// </summary>
public sealed class RAdam : Optimizer
{
    /// <summary>RAdam over parameters; like torch.optim.RAdam(params, lr, betas, eps, weight_decay).</summary>
    public RAdam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 0)
        : base([new ParamGroup(parameters)], DefaultOptions(lr, betas, eps, weightDecay)) { }

    /// <summary>RAdam over parameter groups whose own options override these defaults.</summary>
    public RAdam(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8, double weightDecay = 0)
        : base(groups, DefaultOptions(lr, betas, eps, weightDecay)) { }

    private static Dictionary<string, object> DefaultOptions(double lr, (double, double)? betas, double eps, double weightDecay) => new()
    {
        ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay,
    };

    /// <inheritdoc/>
    protected override void Validate(ParamGroup group) => AdamVariants.Validate("RAdam", group);

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.LearningRate, eps = group.Get<double>("eps"), weightDecay = group.Get<double>("weight_decay");
        var (beta1, beta2) = group.Get<(double, double)>("betas");
        foreach (var p in group.ParameterArray)
        {
            if (p.Grad is not { } grad) continue;
            var state = StateOf(p);
            if (state.Count == 0)
            {
                state["step"] = Tensor.From(0f);
                state["exp_avg"] = Tensor.ZerosLike(p);
                state["exp_avg_sq"] = Tensor.ZerosLike(p);
            }
            double step = state["step"].Add_(1).Item();
            if (weightDecay != 0) grad = grad.Add(p.Mul(weightDecay));
            var expAvg = state["exp_avg"];
            var expAvgSq = state["exp_avg_sq"];
            expAvg.Mul_(beta1).Add_(grad.Mul(1 - beta1));
            expAvgSq.Mul_(beta2).Add_(grad.Mul(grad).Mul(1 - beta2));
            double biasCorrection1 = 1 - Math.Pow(beta1, step), biasCorrection2 = 1 - Math.Pow(beta2, step);
            var corrected = expAvg.Mul(Reciprocal(p, biasCorrection1));
            double rhoInf = 2 / (1 - beta2) - 1;
            double rhoT = rhoInf - 2 * step * Math.Pow(beta2, step) / biasCorrection2;
            if (rhoT > 5)
            {
                double rect = Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
                var denom = expAvgSq.Sqrt().Add(Scalar(p, eps));
                var adaptiveLr = Tensor.FullLike(denom, Math.Sqrt(biasCorrection2)).Div(denom);   // √(1 − β₂ᵗ) / (√v + ε)
                p.Sub_(corrected.Mul(Scalar(p, lr)).Mul(adaptiveLr).Mul(Scalar(p, rect)));
            }
            else p.Sub_(corrected.Mul(Scalar(p, lr)));
        }
    }

    /// <summary>A scalar operand as torch's float32 kernels see it: rounded to float first.</summary>
    private static double Scalar(Tensor like, double v) => like.DType == DType.Float32 ? (float)v : v;

    /// <summary>1/b as torch's division by a scalar computes it (x / b is x · (1/b), in the tensor's precision).</summary>
    private static double Reciprocal(Tensor like, double b) => like.DType == DType.Float32 ? 1f / (float)b : 1 / b;
}
