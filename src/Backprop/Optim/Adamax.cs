namespace Backprop.Optim;

/// <summary>
/// Adamax: Adam with the infinity norm: m ← β₁m + (1 − β₁)g, u ← max(β₂u, |g| + ε), θ ← θ − γ/(1 − β₁ᵗ)·m/u.
/// As PyTorch 1.13's _single_tensor_adamax, composed of tensor ops (run under no-grad by Step). Like torch.optim.Adamax.
/// </summary>
public sealed class Adamax : Optimizer
{
    /// <summary>Adamax over parameters; like torch.optim.Adamax(params, lr, betas, eps, weight_decay, maximize=...).</summary>
    public Adamax(IEnumerable<Tensor> parameters, double lr = 2e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
                  double weightDecay = 0, bool maximize = false)
        : base([new ParamGroup(parameters)], DefaultOptions(lr, betas, eps, weightDecay, maximize)) { }

    /// <summary>Adamax over parameter groups whose own options override these defaults.</summary>
    public Adamax(IEnumerable<ParamGroup> groups, double lr = 2e-3, (double Beta1, double Beta2)? betas = null, double eps = 1e-8,
                  double weightDecay = 0, bool maximize = false)
        : base(groups, DefaultOptions(lr, betas, eps, weightDecay, maximize)) { }

    private static Dictionary<string, object> DefaultOptions(double lr, (double, double)? betas, double eps, double weightDecay, bool maximize) => new()
    {
        ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay, ["maximize"] = maximize,
    };

    /// <inheritdoc/>
    protected override void Validate(ParamGroup group) => AdamVariants.Validate("Adamax", group);

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.LearningRate, eps = group.Get<double>("eps"), weightDecay = group.Get<double>("weight_decay");
        var (beta1, beta2) = group.Get<(double, double)>("betas");
        bool maximize = group.Get<bool>("maximize");
        foreach (var p in group.ParameterArray)
        {
            if (p.Grad is not { } grad) continue;
            var state = StateOf(p);
            if (state.Count == 0)
            {
                state["step"] = Tensor.From(0f);
                state["exp_avg"] = Tensor.ZerosLike(p);
                state["exp_inf"] = Tensor.ZerosLike(p);
            }
            if (maximize) grad = grad.Neg();
            double step = state["step"].Add_(1).Item();
            if (weightDecay != 0) grad = grad.Add(p.Mul(weightDecay));
            var expAvg = state["exp_avg"];
            var expInf = state["exp_inf"];
            expAvg.Mul_(beta1).Add_(grad.Mul(1 - beta1));                                             // m ← β₁m + (1 − β₁)g
            expInf.Copy_(Tensor.Stack([expInf.Mul(beta2), grad.Abs().Add(eps)], 0).AMax(0));      // u ← max(β₂u, |g| + ε)
            double clr = lr / (1 - Math.Pow(beta1, step));
            p.Sub_(expAvg.Div(expInf).Mul(clr));                                                      // θ ← θ − γ/(1 − β₁ᵗ)·m/u
        }
    }
}

/// <summary>The option checks RAdam and Adamax share with Adam.</summary>
internal static class AdamVariants
{
    public static void Validate(string name, ParamGroup group)
    {
        if (!(group.LearningRate >= 0)) throw new ArgumentException($"{name}: Invalid learning rate: {group.LearningRate}");
        if (!(group.Get<double>("eps") >= 0)) throw new ArgumentException($"{name}: Invalid epsilon value: {group.Get<double>("eps")}");
        var (beta1, beta2) = group.Get<(double, double)>("betas");
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentException($"{name}: Invalid beta parameter at index 0: {beta1}");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentException($"{name}: Invalid beta parameter at index 1: {beta2}");
        if (!(group.Get<double>("weight_decay") >= 0)) throw new ArgumentException($"{name}: Invalid weight_decay value: {group.Get<double>("weight_decay")}");
    }
}
