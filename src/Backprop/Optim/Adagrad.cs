namespace Backprop.Optim;

/// <summary>
/// Adagrad: divides by the root of the sum of all squared gradients so far, s ← s + g², θ ← θ − γₜ·g/(√s + ε),
/// with γₜ = γ / (1 + (t − 1)·lr_decay). Like torch.optim.Adagrad.
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Adagrad over parameters; like torch.optim.Adagrad(params, lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize=...).</summary>
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
                   double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base([new ParamGroup(parameters)], DefaultOptions(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize)) => InitializeState();

    /// <summary>Adagrad over parameter groups whose own options override these defaults; like torch.optim.Adagrad([{'params': …}, …], …).</summary>
    public Adagrad(IEnumerable<ParamGroup> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
                   double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(groups, DefaultOptions(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize)) => InitializeState();

    private static Dictionary<string, object> DefaultOptions(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps, bool maximize) => new()
    {
        ["lr"] = lr, ["lr_decay"] = lrDecay, ["eps"] = eps, ["weight_decay"] = weightDecay,
        ["initial_accumulator_value"] = initialAccumulatorValue, ["maximize"] = maximize,
    };

    /// <summary>PyTorch creates Adagrad's state for every parameter up front, so a state dict lists them before any step.</summary>
    private void InitializeState()
    {
        foreach (var group in ParamGroups)
            foreach (var p in group.ParameterArray) Initialize(group, p);
    }

    private Dictionary<string, Tensor> Initialize(ParamGroup group, Tensor p)
    {
        var state = StateOf(p);
        if (state.Count == 0)
        {
            state["step"] = Tensor.From(0f);
            state["sum"] = Tensor.FullLike(p, group.Get<double>("initial_accumulator_value"));
        }
        return state;
    }

    /// <inheritdoc/>
    protected override void Validate(ParamGroup group)
    {
        if (!(group.LearningRate >= 0)) throw new ArgumentException($"Adagrad: Invalid learning rate: {group.LearningRate}");
        if (!(group.Get<double>("lr_decay") >= 0)) throw new ArgumentException($"Adagrad: Invalid lr_decay value: {group.Get<double>("lr_decay")}");
        if (!(group.Get<double>("weight_decay") >= 0)) throw new ArgumentException($"Adagrad: Invalid weight_decay value: {group.Get<double>("weight_decay")}");
        if (!(group.Get<double>("initial_accumulator_value") >= 0))
            throw new ArgumentException($"Adagrad: Invalid initial_accumulator_value value: {group.Get<double>("initial_accumulator_value")}");
        if (!(group.Get<double>("eps") >= 0)) throw new ArgumentException($"Adagrad: Invalid epsilon value: {group.Get<double>("eps")}");
        group.Get<bool>("maximize");
    }

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.LearningRate, lrDecay = group.Get<double>("lr_decay"), eps = group.Get<double>("eps");
        double weightDecay = group.Get<double>("weight_decay");
        bool maximize = group.Get<bool>("maximize");
        foreach (var p in group.ParameterArray)
        {
            if (p.Grad is not { } grad) continue;
            var state = Initialize(group, p);   // a group added after construction starts here
            var stepTensor = state["step"];
            stepTensor.Add_(1);
            double step = stepTensor.Item();
            if (maximize) grad = grad.Neg();
            if (weightDecay != 0) grad = grad.Add(p, weightDecay);            // g + λθ
            double clr = lr / (1 + (step - 1) * lrDecay);                     // γₜ = γ / (1 + (t − 1)·decay)
            var sum = state["sum"];
            UpdateMath.Addcmul(sum, grad, grad, 1);                           // s ← s + g²
            var std = sum.Sqrt().Add_(eps);
            UpdateMath.Addcdiv(p, grad, std, -clr);                           // θ ← θ − γₜ·g/(√s + ε)
        }
    }
}
