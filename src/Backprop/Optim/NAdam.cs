namespace Backprop.Optim;

/// <summary>
/// NAdam: Adam with Nesterov momentum and a warming momentum schedule μₜ = β₁(1 − ½·0.96^(tψ)) (ψ the momentum decay):
/// θ ← θ − γ(1 − μₜ)/(1 − Πμ₁..ₜ)·g/(√v̂ + ε) − γμₜ₊₁/(1 − Πμ₁..ₜ₊₁)·m/(√v̂ + ε), v̂ = v/(1 − β₂ᵗ).
/// As PyTorch 1.13's _single_tensor_nadam, composed of tensor ops in its order, with its float32 "mu_product" state
/// (torch.tensor(1.) under the default dtype) and its product for the next step (Πμ₁..ₜ·μₜ·μₜ₊₁, as 1.13 computes it).
/// Like torch.optim.NAdam.
/// </summary>
public sealed class NAdam : Optimizer
{
    /// <summary>NAdam over parameters; like torch.optim.NAdam(params, lr, betas, eps, weight_decay, momentum_decay).</summary>
    public NAdam(IEnumerable<Tensor> parameters, double lr = 2e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
                 double weightDecay = 0, double momentumDecay = 4e-3)
        : base([new ParamGroup(parameters)], DefaultOptions(lr, betas, eps, weightDecay, momentumDecay)) { }

    /// <summary>NAdam over parameter groups whose own options override these defaults.</summary>
    public NAdam(IEnumerable<ParamGroup> groups, double lr = 2e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
                 double weightDecay = 0, double momentumDecay = 4e-3)
        : base(groups, DefaultOptions(lr, betas, eps, weightDecay, momentumDecay)) { }

    private static Dictionary<string, object> DefaultOptions(double lr, (double, double)? betas, double eps, double weightDecay, double momentumDecay) => new()
    {
        ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay, ["momentum_decay"] = momentumDecay,
    };

    /// <inheritdoc/>
    protected override void Validate(ParamGroup group)
    {
        AdamVariants.Validate("NAdam", group);
        double momentumDecay = group.Get<double>("momentum_decay");
        if (!(momentumDecay >= 0)) throw new ArgumentException($"NAdam: Invalid momentum_decay value: {momentumDecay}");
    }

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.LearningRate, eps = group.Get<double>("eps"), weightDecay = group.Get<double>("weight_decay");
        double momentumDecay = group.Get<double>("momentum_decay");
        var (beta1, beta2) = group.Get<(double, double)>("betas");
        foreach (var p in group.ParameterArray)
        {
            if (p.Grad is not { } grad) continue;
            var state = StateOf(p);
            if (state.Count == 0)
            {
                state["step"] = Tensor.From(0f);
                state["mu_product"] = Tensor.From(1f);
                state["exp_avg"] = Tensor.ZerosLike(p);
                state["exp_avg_sq"] = Tensor.ZerosLike(p);
            }
            double step = state["step"].Add_(1).Item();
            double biasCorrection2 = 1 - Math.Pow(beta2, step);
            if (weightDecay != 0) grad = grad.Add(p, weightDecay);

            double mu = beta1 * (1 - 0.5 * Math.Pow(0.96, step * momentumDecay));
            double muNext = beta1 * (1 - 0.5 * Math.Pow(0.96, (step + 1) * momentumDecay));
            var muProduct = state["mu_product"];
            muProduct.Mul_(mu);                                              // Πμ₁..ₜ, in the state's float32
            double muProductNext = muProduct.Mul(mu).Mul(muNext).Item();     // 1.13's Πμ₁..ₜ·μₜ·μₜ₊₁, rounded as torch rounds it

            var expAvg = state["exp_avg"];
            var expAvgSq = state["exp_avg_sq"];
            UpdateMath.AddScaled(expAvg.Mul_(beta1), grad, 1 - beta1);              // m ← β₁m + (1 − β₁)g
            UpdateMath.Addcmul(expAvgSq.Mul_(beta2), grad, grad, 1 - beta2);        // v ← β₂v + (1 − β₂)g²
            var denom = expAvgSq.Mul(Reciprocal(p, biasCorrection2)).Sqrt().Add_(eps);   // √(v/(1 − β₂ᵗ)) + ε
            UpdateMath.Addcdiv(p, grad, denom, -lr * (1 - mu) / (1 - muProduct.Item()));
            UpdateMath.Addcdiv(p, expAvg, denom, -lr * muNext / (1 - muProductNext));
        }
    }

    /// <summary>
    /// "mu_product" stays float32 when loaded, so a resumed run continues bit for bit (torch 1.13's load_state_dict
    /// casts it to the parameter's dtype, and a resumed Float64 run drifts from the uninterrupted one by ~1e-11).
    /// </summary>
    protected override bool KeepsDType(string key) => key is "step" or "mu_product";

    /// <summary>1/b as torch's division by a scalar computes it (x / b is x · (1/b), in the tensor's precision).</summary>
    private static double Reciprocal(Tensor like, double b) => like.DType == DType.Float32 ? 1f / (float)b : 1 / b;
}
