namespace Backprop.Optim;

/// <summary>
/// Adam: bias-corrected running averages of the gradient (m) and its square (v), θ ← θ − γ·m̂/(√v̂ + ε);
/// weight decay is added to the gradient (L2, not decoupled: see <see cref="AdamW"/>); AMSGrad keeps the
/// running maximum of v. Like torch.optim.Adam.
/// </summary>
public sealed class Adam : Optimizer
{
    /// <summary>Adam over parameters; like torch.optim.Adam(params, lr, betas, eps, weight_decay, amsgrad, maximize=...).</summary>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base([new ParamGroup(parameters)], AdamMath.Defaults(lr, betas, eps, weightDecay, amsgrad, maximize)) { }

    /// <summary>Adam over parameter groups whose own options override these defaults; like torch.optim.Adam([{'params': …}, …], …).</summary>
    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(groups, AdamMath.Defaults(lr, betas, eps, weightDecay, amsgrad, maximize)) { }

    /// <inheritdoc/>
    protected override void Validate(ParamGroup group) => AdamMath.Validate("Adam", group);

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        foreach (var p in group.ParameterArray)
            if (p.Grad is { } grad) AdamMath.Update(group, p, grad, StateOf(p), decoupledWeightDecay: false);
    }
}

/// <summary>The update Adam and AdamW share (PyTorch 1.13's _single_tensor_adam / _single_tensor_adamw).</summary>
internal static class AdamMath
{
    public static Dictionary<string, object> Defaults(double lr, (double, double)? betas, double eps, double weightDecay, bool amsgrad, bool maximize) => new()
    {
        ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay,
        ["amsgrad"] = amsgrad, ["maximize"] = maximize,
    };

    public static void Validate(string name, ParamGroup group)
    {
        var (beta1, beta2) = group.Get<(double, double)>("betas");
        if (!(group.LearningRate >= 0)) throw new ArgumentException($"{name}: Invalid learning rate: {group.LearningRate}");
        if (!(group.Get<double>("eps") >= 0)) throw new ArgumentException($"{name}: Invalid epsilon value: {group.Get<double>("eps")}");
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"{name}: Invalid beta parameter at index 0: {beta1}");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"{name}: Invalid beta parameter at index 1: {beta2}");
        if (!(group.Get<double>("weight_decay") >= 0)) throw new ArgumentException($"{name}: Invalid weight_decay value: {group.Get<double>("weight_decay")}");
        group.Get<bool>("amsgrad");
        group.Get<bool>("maximize");
    }

    public static void Update(ParamGroup group, Tensor p, Tensor grad, Dictionary<string, Tensor> state, bool decoupledWeightDecay)
    {
        double lr = group.LearningRate, eps = group.Get<double>("eps"), weightDecay = group.Get<double>("weight_decay");
        var (beta1, beta2) = group.Get<(double, double)>("betas");
        bool amsgrad = group.Get<bool>("amsgrad");

        if (state.Count == 0)
        {
            state["step"] = Tensor.From(0f);                 // a float32 0-d tensor, as PyTorch keeps it
            state["exp_avg"] = Tensor.ZerosLike(p);
            state["exp_avg_sq"] = Tensor.ZerosLike(p);
        }
        if (amsgrad && !state.ContainsKey("max_exp_avg_sq")) state["max_exp_avg_sq"] = Tensor.ZerosLike(p);
        var stepTensor = state["step"];
        var expAvg = state["exp_avg"];
        var expAvgSq = state["exp_avg_sq"];

        if (group.Get<bool>("maximize")) grad = grad.Neg();
        stepTensor.Add_(1);
        double step = stepTensor.Item();
        if (decoupledWeightDecay) p.Mul_(1 - lr * weightDecay);              // AdamW: θ ← θ(1 − γλ)
        else if (weightDecay != 0) grad = grad.Add(p, weightDecay);           // Adam: g ← g + λθ

        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        double stepSize = lr / biasCorrection1;
        double biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);
        if (!amsgrad && UpdateMath.TryAdam(p, grad, expAvg, expAvgSq, beta1, beta2, biasCorrection2Sqrt, eps, stepSize)) return;

        expAvg.Mul_(beta1);
        UpdateMath.AddScaled(expAvg, grad, 1 - beta1);                       // m ← β₁m + (1 − β₁)g
        expAvgSq.Mul_(beta2);
        UpdateMath.Addcmul(expAvgSq, grad, grad, 1 - beta2);                 // v ← β₂v + (1 − β₂)g²

        Tensor second = expAvgSq;
        if (amsgrad)
        {
            var max = state["max_exp_avg_sq"];
            max.Copy_(max.Maximum(expAvgSq));                                  // v̂max ← max(v̂max, v)
            second = max;
        }
        var denom = second.Sqrt().Div_(biasCorrection2Sqrt).Add_(eps);      // √v / √(1 − β₂ᵗ) + ε
        UpdateMath.Addcdiv(p, expAvg, denom, -stepSize);                      // θ ← θ − γ/(1 − β₁ᵗ) · m/denom
    }
}
