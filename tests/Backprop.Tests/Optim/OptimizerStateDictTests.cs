using Backprop;
using Backprop.Optim;

namespace Backprop.Tests.Optim;

/// <summary>Saving and restoring an optimizer: a resumed run is bit for bit the uninterrupted one.</summary>
public class OptimizerStateDictTests
{
    public static TheoryData<string> Configurations => new()
    {
        "sgd_nesterov", "sgd_groups_float32", "adam_amsgrad", "adamw", "rmsprop_centered_momentum", "adagrad_lr_decay",
    };

    private static Optimizer Create(string configuration, Tensor w, Tensor b) => configuration switch
    {
        "sgd_nesterov" => new SGD([w, b], lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01),
        "sgd_groups_float32" => new SGD([new ParamGroup([w]) { ["momentum"] = 0.5 }, new ParamGroup([b]) { LearningRate = 0.01 }], lr: 0.05, momentum: 0.9),
        "adam_amsgrad" => new Adam([w, b], lr: 0.05, amsgrad: true, weightDecay: 0.1),
        "adamw" => new AdamW([w, b], lr: 0.05),
        "rmsprop_centered_momentum" => new RMSprop([w, b], lr: 0.01, centered: true, momentum: 0.5),
        "adagrad_lr_decay" => new Adagrad([w, b], lr: 0.1, lrDecay: 0.05),
        _ => throw new ArgumentException(configuration),
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Resuming_from_a_state_dict_continues_bit_for_bit(string configuration)
    {
        var dtype = configuration.EndsWith("float32") ? DType.Float32 : DType.Float64;

        // The uninterrupted run.
        var (w, b) = OptimReference.Parameters(dtype);
        var reference = Create(configuration, w, b);
        for (int i = 0; i < 15; i++) OptimReference.TrainStep(reference, w, b, negate: false);

        // 7 steps, save, a fresh optimizer over fresh parameters holding the saved values, load, 8 more.
        var (w1, b1) = OptimReference.Parameters(dtype);
        var first = Create(configuration, w1, b1);
        for (int i = 0; i < 7; i++) OptimReference.TrainStep(first, w1, b1, negate: false);
        var saved = first.StateDict();
        var savedW = w1.Detach().Clone();
        var savedB = b1.Detach().Clone();
        for (int i = 0; i < 3; i++) OptimReference.TrainStep(first, w1, b1, negate: false);   // training on must not change the snapshot

        var (w2, b2) = OptimReference.Parameters(dtype);
        using (Autograd.NoGrad()) { w2.Copy_(savedW); b2.Copy_(savedB); }
        var resumed = Create(configuration, w2, b2);
        resumed.LoadStateDict(saved);
        for (int i = 0; i < 8; i++) OptimReference.TrainStep(resumed, w2, b2, negate: false);

        Assert.Equal(OptimReference.Flatten(w, b), OptimReference.Flatten(w2, b2));   // exact equality
        foreach (var (p, q) in new[] { (w, w2), (b, b2) })
            foreach (var (key, value) in reference.State(p))
                Assert.Equal(value.ToDoubleArray(), resumed.State(q)[key].ToDoubleArray());
    }

    [Fact]
    public void State_dict_has_pytorchs_layout_indices_and_state_names()
    {
        var (w, b) = OptimReference.Parameters(DType.Float64);
        var frozen = Tensor.Zeros([3], DType.Float64).RequiresGrad_();   // never gets a gradient: no state
        var adam = new Adam([new ParamGroup([w, frozen]), new ParamGroup([b]) { LearningRate = 0.5, ["amsgrad"] = true }], lr: 0.01);
        OptimReference.TrainStep(adam, w, b, negate: false);
        OptimReference.TrainStep(adam, w, b, negate: false);
        var sd = adam.StateDict();

        Assert.Equal([0, 2], sd.State.Keys.Order());
        Assert.Equal(["exp_avg", "exp_avg_sq", "step"], sd.State[0].Keys.Order());
        Assert.Equal(["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"], sd.State[2].Keys.Order());
        Assert.Equal(2.0, sd.State[0]["step"].Item());
        Assert.Equal(DType.Float32, sd.State[0]["step"].DType);   // PyTorch keeps step as a float32 0-d tensor
        Assert.Equal([0, 1], (int[])sd.ParamGroups[0]["params"]);
        Assert.Equal([2], (int[])sd.ParamGroups[1]["params"]);
        Assert.Equal(0.01, sd.ParamGroups[0]["lr"]);
        Assert.Equal(0.5, sd.ParamGroups[1]["lr"]);
        Assert.Equal((0.9, 0.999), sd.ParamGroups[0]["betas"]);
        Assert.Equal(true, sd.ParamGroups[1]["amsgrad"]);
        Assert.False(sd.State[0]["exp_avg"].SharesStorageWith(adam.State(w)["exp_avg"]));   // a snapshot, not the live buffer
    }

    [Fact]
    public void Loading_restores_the_groups_hyper_parameters()
    {
        var (w, b) = OptimReference.Parameters(DType.Float64);
        var sgd = new SGD([w, b], lr: 0.1, momentum: 0.9);
        var scheduler = new StepLR(sgd, stepSize: 1, gamma: 0.5);
        scheduler.Step();
        var saved = sgd.StateDict();

        var (w2, b2) = OptimReference.Parameters(DType.Float64);
        var fresh = new SGD([w2, b2], lr: 0.1);
        fresh.LoadStateDict(saved);
        Assert.Equal(0.05, fresh.ParamGroups[0].LearningRate);
        Assert.Equal(0.1, fresh.ParamGroups[0].Get<double>("initial_lr"));
        Assert.Equal(0.9, fresh.ParamGroups[0].Get<double>("momentum"));
    }

    [Fact]
    public void Loading_casts_floating_state_to_the_parameters_dtype_but_keeps_step()
    {
        var (w, b) = OptimReference.Parameters(DType.Float64);
        var adam = new Adam([w, b], lr: 0.01);
        OptimReference.TrainStep(adam, w, b, negate: false);
        var (w32, b32) = OptimReference.Parameters(DType.Float32);
        var adam32 = new Adam([w32, b32], lr: 0.01);
        adam32.LoadStateDict(adam.StateDict());
        Assert.Equal(DType.Float32, adam32.State(w32)["exp_avg"].DType);
        Assert.Equal(DType.Float32, adam32.State(w32)["step"].DType);
        OptimReference.TrainStep(adam32, w32, b32, negate: false);
        Assert.Equal(2.0, adam32.State(w32)["step"].Item());
    }

    [Fact]
    public void Loading_a_mismatched_state_dict_throws_and_changes_nothing()
    {
        var (w, b) = OptimReference.Parameters(DType.Float64);
        var sgd = new SGD([w, b], lr: 0.1, momentum: 0.9);
        OptimReference.TrainStep(sgd, w, b, negate: false);
        var saved = sgd.StateDict();

        var (w2, b2) = OptimReference.Parameters(DType.Float64);
        var twoGroups = new SGD([new ParamGroup([w2]), new ParamGroup([b2])], lr: 0.1);
        Assert.Contains("different number of parameter groups", Assert.Throws<ArgumentException>(() => twoGroups.LoadStateDict(saved)).Message);

        var oneParameter = new SGD([w2], lr: 0.1);
        Assert.Contains("doesn't match the size of optimizer's group", Assert.Throws<ArgumentException>(() => oneParameter.LoadStateDict(saved)).Message);

        var swapped = new SGD([b2, w2], lr: 0.3, momentum: 0.9);   // same count, shapes differ
        var ex = Assert.Throws<ArgumentException>(() => swapped.LoadStateDict(saved));
        Assert.Contains("momentum_buffer", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Equal(0.3, swapped.ParamGroups[0].LearningRate);   // nothing loaded
        Assert.Empty(swapped.State(b2));
    }
}
