using Backprop;
using Backprop.NN;
using Backprop.Optim;

namespace Backprop.Tests.Optim;

/// <summary>Parameter groups, ZeroGrad, skipping, argument validation: the Optimizer contract beyond the update rules.</summary>
public class OptimizerTests
{
    public static TheoryData<string, string> InvalidArguments => new()
    {
        { "sgd_lr", "Invalid learning rate: -1" },
        { "sgd_momentum", "Invalid momentum value: -0.5" },
        { "sgd_weight_decay", "Invalid weight_decay value: -0.1" },
        { "sgd_nesterov_without_momentum", "Nesterov momentum requires a momentum and zero dampening" },
        { "sgd_nesterov_with_dampening", "Nesterov momentum requires a momentum and zero dampening" },
        { "sgd_group_lr", "Invalid learning rate: -0.01" },
        { "adam_beta1", "Invalid beta parameter at index 0: 1" },
        { "adam_beta2", "Invalid beta parameter at index 1: -0.1" },
        { "adam_eps", "Invalid epsilon value: -1E-08" },
        { "adamw_weight_decay", "Invalid weight_decay value: -0.01" },
        { "rmsprop_alpha", "Invalid alpha value: -0.9" },
        { "rmsprop_momentum", "Invalid momentum value: -1" },
        { "adagrad_lr_decay", "Invalid lr_decay value: -0.1" },
        { "adagrad_initial_accumulator_value", "Invalid initial_accumulator_value value: -1" },
    };

    [Theory]
    [MemberData(nameof(InvalidArguments))]
    public void Invalid_hyper_parameters_throw_pytorchs_message(string configuration, string message)
    {
        var p = Tensor.Zeros(2).RequiresGrad_();
        Action create = configuration switch
        {
            "sgd_lr" => () => new SGD([p], lr: -1),
            "sgd_momentum" => () => new SGD([p], lr: 0.1, momentum: -0.5),
            "sgd_weight_decay" => () => new SGD([p], lr: 0.1, weightDecay: -0.1),
            "sgd_nesterov_without_momentum" => () => new SGD([p], lr: 0.1, nesterov: true),
            "sgd_nesterov_with_dampening" => () => new SGD([p], lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true),
            "sgd_group_lr" => () => new SGD([new ParamGroup([p]) { LearningRate = -0.01 }], lr: 0.1),
            "adam_beta1" => () => new Adam([p], betas: (1.0, 0.999)),
            "adam_beta2" => () => new Adam([p], betas: (0.9, -0.1)),
            "adam_eps" => () => new Adam([p], eps: -1e-8),
            "adamw_weight_decay" => () => new AdamW([p], weightDecay: -0.01),
            "rmsprop_alpha" => () => new RMSprop([p], alpha: -0.9),
            "rmsprop_momentum" => () => new RMSprop([p], momentum: -1),
            "adagrad_lr_decay" => () => new Adagrad([p], lrDecay: -0.1),
            "adagrad_initial_accumulator_value" => () => new Adagrad([p], initialAccumulatorValue: -1),
            _ => throw new ArgumentException(configuration),
        };
        var ex = Assert.Throws<ArgumentException>(create);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Parameter_lists_are_checked_like_pytorch()
    {
        var p = Tensor.Zeros(2).RequiresGrad_();
        var q = Tensor.Zeros(2).RequiresGrad_();
        Assert.Contains("optimizer got an empty parameter list", Assert.Throws<ArgumentException>(() => new SGD(Array.Empty<Tensor>(), lr: 0.1)).Message);
        Assert.Contains("can't optimize a non-leaf Tensor", Assert.Throws<ArgumentException>(() => new SGD([p * 2], lr: 0.1)).Message);
        Assert.Contains("duplicate parameters", Assert.Throws<ArgumentException>(() => new SGD([p, p], lr: 0.1)).Message);
        Assert.Contains("some parameters appear in more than one parameter group",
            Assert.Throws<ArgumentException>(() => new SGD([new ParamGroup([p, q]), new ParamGroup([q])], lr: 0.1)).Message);
        Assert.Contains("didn't specify a value of required optimization parameter lr",
            Assert.Throws<ArgumentException>(() => new SGD([new ParamGroup([p]) { LearningRate = 0.1 }, new ParamGroup([q])])).Message);
    }

    [Fact]
    public void Group_options_override_the_defaults_and_the_rest_are_filled_in()
    {
        var p = Tensor.Zeros(2).RequiresGrad_();
        var q = Tensor.Zeros(2).RequiresGrad_();
        var adam = new Adam([new ParamGroup([p], new Dictionary<string, object> { ["lr"] = 0.5, ["betas"] = (0.8, 0.9) }), new ParamGroup([q])],
                            lr: 0.01, weightDecay: 0.1);
        var (g0, g1) = (adam.ParamGroups[0], adam.ParamGroups[1]);
        Assert.Equal(0.5, g0.LearningRate);
        Assert.Equal((0.8, 0.9), g0.Get<(double, double)>("betas"));
        Assert.Equal(0.1, g0.Get<double>("weight_decay"));
        Assert.Equal(0.01, g1.LearningRate);
        Assert.Equal((0.9, 0.999), g1.Get<(double, double)>("betas"));
        Assert.False(g1.Get<bool>("amsgrad"));
        Assert.Equal(1e-8, adam.Defaults["eps"]);
    }

    [Fact]
    public void Integer_options_are_read_as_doubles_and_wrong_types_are_reported()
    {
        var p = Tensor.Zeros(2).RequiresGrad_();
        var sgd = new SGD([new ParamGroup([p]) { ["lr"] = 1, ["momentum"] = 0.5f }], lr: 0.1);
        Assert.Equal(1.0, sgd.ParamGroups[0].LearningRate);
        Assert.Equal(0.5, sgd.ParamGroups[0].Get<double>("momentum"));
        var ex = Assert.Throws<InvalidOperationException>(() => new SGD([new ParamGroup([p]) { ["nesterov"] = 1 }], lr: 0.1));
        Assert.Contains("\"nesterov\"", ex.Message);
    }

    [Fact]
    public void ZeroGrad_sets_gradients_to_null_by_default_or_zeros_them_in_place()
    {
        var p = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var sgd = new SGD([p], lr: 0.1);
        (p * p).Sum().Backward();
        var grad = p.Grad!;
        sgd.ZeroGrad(setToNull: false);
        Assert.Same(grad, p.Grad);
        Assert.Equal([0.0, 0.0], p.Grad!.ToDoubleArray());
        sgd.ZeroGrad();
        Assert.Null(p.Grad);
    }

    [Fact]
    public void Step_skips_parameters_without_a_gradient_and_gives_them_no_state()
    {
        var (w, b) = OptimReference.Parameters(DType.Float64);
        var frozen = Tensor.From(new[] { 1.0, 2.0, 3.0 }).RequiresGrad_();
        foreach (Optimizer optimizer in new Optimizer[]
                 {
                     new SGD([w, b, frozen], lr: 0.1, momentum: 0.9), new Adam([w, b, frozen]), new AdamW([w, b, frozen]),
                     new RMSprop([w, b, frozen], momentum: 0.1), new Adagrad([w, b, frozen]),
                 })
        {
            OptimReference.TrainStep(optimizer, w, b, negate: false);
            Assert.Equal([1.0, 2.0, 3.0], frozen.ToDoubleArray());
            Assert.NotEmpty(optimizer.State(w));
            if (optimizer is not Adagrad) Assert.Empty(optimizer.State(frozen));   // Adagrad initialises every state up front, as PyTorch does
        }
    }

    [Fact]
    public void Step_updates_in_place_without_recording_and_leaves_the_gradients_alone()
    {
        var p = Tensor.From(new[] { 1.0, -2.0 }).RequiresGrad_();
        var storage = p.Detach();
        var sgd = new SGD([p], lr: 0.5);
        (p * p).Sum().Backward();
        sgd.Step();
        Assert.True(p.IsLeaf);
        Assert.Null(p.GradFn);
        Assert.True(p.RequiresGrad);
        Assert.True(p.SharesStorageWith(storage));
        Assert.Equal([0.0, 0.0], p.ToDoubleArray());          // p − 0.5·2p
        Assert.Equal([2.0, -4.0], p.Grad!.ToDoubleArray());   // the gradient is not modified
    }

    [Fact]
    public void Step_with_a_closure_evaluates_it_with_grad_enabled_and_returns_the_loss()
    {
        var p = Tensor.From(new[] { 3.0 }).RequiresGrad_();
        var sgd = new SGD([p], lr: 0.25);
        using (Autograd.NoGrad())
        {
            var loss = sgd.Step(() =>
            {
                sgd.ZeroGrad();
                var l = (p * p).Sum();
                l.Backward();
                return l;
            });
            Assert.Equal(9.0, loss.Item());
        }
        Assert.Equal(1.5, p.Item());   // 3 − 0.25·6
    }

    [Fact]
    public void A_group_added_while_training_takes_the_defaults_and_trains()
    {
        var p = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        var q = Tensor.From(new[] { 2.0 }).RequiresGrad_();
        var adagrad = new Adagrad([p], lr: 0.5, initialAccumulatorValue: 0.1);
        adagrad.AddParamGroup(new ParamGroup([q]));
        Assert.Equal(0.5, adagrad.ParamGroups[1].LearningRate);
        Assert.Contains("some parameters appear in more than one parameter group",
            Assert.Throws<ArgumentException>(() => adagrad.AddParamGroup(new ParamGroup([p]))).Message);
        (p * q).Sum().Backward();
        adagrad.Step();
        // q: s = 0.1 + 1² = 1.1, q ← 2 − 0.5·1/(√1.1 + 1e-10)
        Assert.Equal(2 - 0.5 * 1 / (Math.Sqrt(1.1) + 1e-10), q.Item(), 15);
    }

    [Fact]
    public void Changing_a_groups_learning_rate_changes_the_next_update()
    {
        var p = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        var sgd = new SGD([p], lr: 0.1);
        sgd.ParamGroups[0].LearningRate = 0;
        p.Sum().Backward();
        sgd.Step();
        Assert.Equal(1.0, p.Item());
        sgd.ParamGroups[0].LearningRate = 0.25;
        sgd.Step();
        Assert.Equal(0.75, p.Item());
    }

    [Fact]
    public void Module_parameters_and_non_contiguous_parameters_are_updated_like_contiguous_ones()
    {
        // A transposed leaf goes through the composed (non-fused) path; the numbers must be the same bit for bit.
        var values = new[] { 0.5, -0.3, 0.8, -0.6, 0.2, 0.4 };
        var contiguous = new Parameter(Tensor.From(values, 2, 3).T.Contiguous());
        var transposed = new Parameter(Tensor.From(values, 2, 3).T);
        Assert.False(transposed.IsContiguous);
        var a = new Adam([contiguous], lr: 0.1, amsgrad: true, weightDecay: 0.1);
        var b = new Adam([transposed], lr: 0.1, amsgrad: true, weightDecay: 0.1);
        var rms = new RMSprop([contiguous], lr: 0.01, centered: true, momentum: 0.3);
        var rmsT = new RMSprop([transposed], lr: 0.01, centered: true, momentum: 0.3);
        for (int i = 0; i < 5; i++)
        {
            foreach (var (opt, p) in new[] { ((Optimizer)a, contiguous), (b, transposed), (rms, contiguous), (rmsT, transposed) })
            {
                opt.ZeroGrad();
                (p.Pow(3) * Tensor.From(new[] { 1.0, -2.0 })).Sum().Backward();
                opt.Step();
            }
        }
        Assert.Equal(contiguous.ToDoubleArray(), transposed.ToDoubleArray());
        Assert.False(transposed.IsContiguous);
    }

    [Fact]
    public void ToString_lists_each_groups_options_like_pytorch()
    {
        var p = Tensor.Zeros(2).RequiresGrad_();
        var text = new SGD([p], lr: 0.1, momentum: 0.9).ToString();
        Assert.StartsWith("SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.1\n    maximize: False\n    momentum: 0.9\n", text);
        Assert.EndsWith(")", text);
    }
}
