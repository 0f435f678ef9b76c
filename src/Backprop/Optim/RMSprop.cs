namespace Backprop.Optim;

/// <summary>
/// RMSprop: divides the gradient by a running root-mean-square, v ← αv + (1 − α)g², θ ← θ − γ·g/(√v + ε);
/// centered subtracts the squared running mean of the gradient from v; momentum accumulates g/(√v + ε).
/// Like torch.optim.RMSprop.
/// </summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>RMSprop over parameters; like torch.optim.RMSprop(params, lr, alpha, eps, weight_decay, momentum, centered, maximize=...).</summary>
    public RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
                   double momentum = 0, bool centered = false, bool maximize = false)
        : base([new ParamGroup(parameters)], DefaultOptions(lr, alpha, eps, weightDecay, momentum, centered, maximize)) { }

    /// <summary>RMSprop over parameter groups whose own options override these defaults; like torch.optim.RMSprop([{'params': …}, …], …).</summary>
    public RMSprop(IEnumerable<ParamGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
                   double momentum = 0, bool centered = false, bool maximize = false)
        : base(groups, DefaultOptions(lr, alpha, eps, weightDecay, momentum, centered, maximize)) { }

    private static Dictionary<string, object> DefaultOptions(double lr, double alpha, double eps, double weightDecay, double momentum, bool centered, bool maximize) => new()
    {
        ["lr"] = lr, ["momentum"] = momentum, ["alpha"] = alpha, ["eps"] = eps, ["centered"] = centered,
        ["weight_decay"] = weightDecay, ["maximize"] = maximize,
    };

    /// <inheritdoc/>
    protected override void Validate(ParamGroup group)
    {
        if (!(group.LearningRate >= 0)) throw new ArgumentException($"RMSprop: Invalid learning rate: {group.LearningRate}");
        if (!(group.Get<double>("eps") >= 0)) throw new ArgumentException($"RMSprop: Invalid epsilon value: {group.Get<double>("eps")}");
        if (!(group.Get<double>("momentum") >= 0)) throw new ArgumentException($"RMSprop: Invalid momentum value: {group.Get<double>("momentum")}");
        if (!(group.Get<double>("weight_decay") >= 0)) throw new ArgumentException($"RMSprop: Invalid weight_decay value: {group.Get<double>("weight_decay")}");
        if (!(group.Get<double>("alpha") >= 0)) throw new ArgumentException($"RMSprop: Invalid alpha value: {group.Get<double>("alpha")}");
        group.Get<bool>("centered");
        group.Get<bool>("maximize");
    }

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.LearningRate, alpha = group.Get<double>("alpha"), eps = group.Get<double>("eps");
        double weightDecay = group.Get<double>("weight_decay"), momentum = group.Get<double>("momentum");
        bool centered = group.Get<bool>("centered"), maximize = group.Get<bool>("maximize");
        foreach (var p in group.ParameterArray)
        {
            if (p.Grad is not { } grad) continue;
            var state = StateOf(p);
            if (state.Count == 0)
            {
                state["step"] = Tensor.From(0L);   // PyTorch keeps a Python int
                state["square_avg"] = Tensor.ZerosLike(p);
            }
            if (momentum > 0 && !state.ContainsKey("momentum_buffer")) state["momentum_buffer"] = Tensor.ZerosLike(p);
            if (centered && !state.ContainsKey("grad_avg")) state["grad_avg"] = Tensor.ZerosLike(p);
            state["step"].Add_(1);

            if (maximize) grad = grad.Neg();
            if (weightDecay != 0) grad = grad.Add(p, weightDecay);            // g + λθ
            var squareAvg = state["square_avg"];
            squareAvg.Mul_(alpha);
            UpdateMath.Addcmul(squareAvg, grad, grad, 1 - alpha);             // v ← αv + (1 − α)g²

            Tensor avg;
            if (centered)
            {
                var gradAvg = state["grad_avg"];
                gradAvg.Mul_(alpha);
                UpdateMath.AddScaled(gradAvg, grad, 1 - alpha);               // ḡ ← αḡ + (1 − α)g
                avg = squareAvg.Clone();
                UpdateMath.Addcmul(avg, gradAvg, gradAvg, -1);                // v − ḡ²
                avg = avg.Sqrt();
            }
            else avg = squareAvg.Sqrt();
            avg.Add_(eps);

            if (momentum > 0)
            {
                var buffer = state["momentum_buffer"];
                buffer.Mul_(momentum);
                UpdateMath.Addcdiv(buffer, grad, avg, 1);                     // b ← μb + g/(√v + ε)
                UpdateMath.AddScaled(p, buffer, -lr);
            }
            else UpdateMath.Addcdiv(p, grad, avg, -lr);                       // θ ← θ − γ·g/(√v + ε)
        }
    }
}
