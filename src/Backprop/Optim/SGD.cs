namespace Backprop.Optim;

/// <summary>
/// Stochastic gradient descent, optionally with momentum (PyTorch's form: b ← μb + (1 − τ)g, θ ← θ − γb),
/// Nesterov momentum, L2 weight decay and ascent (maximize). Like torch.optim.SGD.
/// </summary>
public sealed class SGD : Optimizer
{
    /// <summary>SGD over parameters; like torch.optim.SGD(params, lr, momentum, dampening, weight_decay, nesterov, maximize=...).</summary>
    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
               double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base([new ParamGroup(parameters)], DefaultOptions(lr, momentum, dampening, weightDecay, nesterov, maximize)) { }

    /// <summary>
    /// SGD over parameter groups whose own options override these defaults; lr may be left out when every group
    /// gives one. Like torch.optim.SGD([{'params': …, 'lr': …}, …], …).
    /// </summary>
    public SGD(IEnumerable<ParamGroup> groups, double? lr = null, double momentum = 0, double dampening = 0,
               double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(groups, DefaultOptions(lr, momentum, dampening, weightDecay, nesterov, maximize)) { }

    private static Dictionary<string, object> DefaultOptions(double? lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize)
    {
        var defaults = new Dictionary<string, object>
        {
            ["momentum"] = momentum, ["dampening"] = dampening, ["weight_decay"] = weightDecay,
            ["nesterov"] = nesterov, ["maximize"] = maximize,
        };
        if (lr is { } value) defaults["lr"] = value;   // no default: "lr" is then required in every group
        return defaults;
    }

    /// <inheritdoc/>
    protected override void Validate(ParamGroup group)
    {
        double lr = group.LearningRate, momentum = group.Get<double>("momentum"), dampening = group.Get<double>("dampening");
        if (lr < 0) throw new ArgumentException($"SGD: Invalid learning rate: {lr}");
        if (momentum < 0) throw new ArgumentException($"SGD: Invalid momentum value: {momentum}");
        if (group.Get<double>("weight_decay") < 0) throw new ArgumentException($"SGD: Invalid weight_decay value: {group.Get<double>("weight_decay")}");
        if (group.Get<bool>("nesterov") && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("SGD: Nesterov momentum requires a momentum and zero dampening");
        group.Get<bool>("maximize");
    }

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.LearningRate;
        double momentum = group.Get<double>("momentum"), dampening = group.Get<double>("dampening");
        double weightDecay = group.Get<double>("weight_decay");
        bool nesterov = group.Get<bool>("nesterov"), maximize = group.Get<bool>("maximize");
        foreach (var p in group.ParameterArray)
        {
            if (p.Grad is not { } grad) continue;
            var d = maximize ? grad.Neg() : grad;
            if (weightDecay != 0) d = d.Add(p, weightDecay);                 // g + λθ
            if (momentum != 0)
            {
                var state = StateOf(p);
                if (!state.TryGetValue("momentum_buffer", out var buffer))
                    state["momentum_buffer"] = buffer = d.Detach().CloneContiguous();   // b₁ = g₁
                else if (!nesterov && UpdateMath.TryMomentumStep(p, buffer, d, momentum, 1 - dampening, lr))
                    continue;   // buffer and parameter updated in one pass
                else
                {
                    buffer.Mul_(momentum);
                    UpdateMath.AddScaled(buffer, d, 1 - dampening);             // b ← μb + (1 − τ)g
                }
                d = nesterov ? d.Add(buffer, momentum) : buffer;             // Nesterov: g + μb
            }
            UpdateMath.AddScaled(p, d, -lr);                                  // θ ← θ − γg
        }
    }
}
