using Backprop;
using Backprop.Optim;

namespace Backprop.Tests.Optim;

/// <summary>Scheduler behaviour beyond the reference schedules: bookkeeping, resuming, argument errors.</summary>
public class SchedulerTests
{
    private static SGD NewSgd(double lr = 0.1) => new([Tensor.Zeros(2).RequiresGrad_()], lr: lr, momentum: 0.9);

    [Fact]
    public void Construction_records_initial_lr_and_takes_the_step_to_epoch_zero()
    {
        var sgd = NewSgd();
        var scheduler = new LinearLR(sgd, startFactor: 0.5, totalIters: 4);
        Assert.Equal(0, scheduler.LastEpoch);
        Assert.Equal(1, scheduler.StepCount);
        Assert.Equal(0.1, sgd.ParamGroups[0].Get<double>("initial_lr"));
        Assert.Equal([0.1], scheduler.BaseLrs);
        Assert.Equal([0.05], scheduler.GetLastLr());
        Assert.Equal(0.05, sgd.ParamGroups[0].LearningRate);
    }

    [Fact]
    public void A_resumed_scheduler_continues_the_uninterrupted_schedule()
    {
        var reference = NewSgd();
        var referenceScheduler = new CosineAnnealingLR(reference, tMax: 9, etaMin: 0.01);
        var lrs = new List<double>();
        for (int i = 0; i < 25; i++) { referenceScheduler.Step(); lrs.Add(reference.ParamGroups[0].LearningRate); }

        var first = NewSgd();
        var firstScheduler = new CosineAnnealingLR(first, tMax: 9, etaMin: 0.01);
        for (int i = 0; i < 11; i++) firstScheduler.Step();
        var savedOptimizer = first.StateDict();
        var savedScheduler = firstScheduler.StateDict();

        var resumed = NewSgd();
        resumed.LoadStateDict(savedOptimizer);
        var resumedScheduler = new CosineAnnealingLR(resumed, tMax: 9, etaMin: 0.01);   // PyTorch's recipe: construct, then load
        resumedScheduler.LoadStateDict(savedScheduler);
        Assert.Equal(11, resumedScheduler.LastEpoch);
        for (int i = 11; i < 25; i++)
        {
            resumedScheduler.Step();
            Assert.Equal(lrs[i], resumed.ParamGroups[0].LearningRate);
        }
    }

    [Fact]
    public void Resuming_with_a_last_epoch_requires_initial_lr_and_then_uses_the_closed_form()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CosineAnnealingLR(NewSgd(), tMax: 10, lastEpoch: 4));
        Assert.Contains("param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer", ex.Message);

        var sgd = NewSgd(lr: 0.3);
        sgd.ParamGroups[0]["initial_lr"] = 0.2;
        var scheduler = new CosineAnnealingLR(sgd, tMax: 10, lastEpoch: 4);
        Assert.Equal(5, scheduler.LastEpoch);
        // η = ηmin + (η₀ − ηmin)(1 + cos(π·5/10))/2 with η₀ = initial_lr
        Assert.Equal(0.2 * (1 + Math.Cos(5 * Math.PI / 10)) / 2, sgd.ParamGroups[0].LearningRate, 15);
    }

    [Fact]
    public void OneCycleLR_refuses_to_step_past_total_steps()
    {
        var scheduler = new OneCycleLR(NewSgd(), maxLr: 1.0, totalSteps: 30);
        for (int i = 0; i < 30; i++) scheduler.Step();
        var ex = Assert.Throws<InvalidOperationException>(scheduler.Step);
        Assert.Contains("Tried to step 32 times. The specified number of total steps is 30", ex.Message);
    }

    [Fact]
    public void OneCycleLR_checks_its_arguments_like_pytorch()
    {
        Assert.Contains("You must define either total_steps OR (epochs AND steps_per_epoch)",
            Assert.Throws<ArgumentException>(() => new OneCycleLR(NewSgd(), maxLr: 1.0)).Message);
        Assert.Contains("Expected positive integer total_steps, but got 0",
            Assert.Throws<ArgumentException>(() => new OneCycleLR(NewSgd(), maxLr: 1.0, totalSteps: 0)).Message);
        Assert.Contains("Expected positive integer steps_per_epoch, but got None",
            Assert.Throws<ArgumentException>(() => new OneCycleLR(NewSgd(), maxLr: 1.0, epochs: 3)).Message);
        Assert.Contains("Expected float between 0 and 1 pct_start, but got 1.5",
            Assert.Throws<ArgumentException>(() => new OneCycleLR(NewSgd(), maxLr: 1.0, totalSteps: 10, pctStart: 1.5)).Message);
        Assert.Contains("expected 1 values for max_lr, got 2",
            Assert.Throws<ArgumentException>(() => new OneCycleLR(NewSgd(), maxLrs: [1.0, 2.0], totalSteps: 10)).Message);
        var adagrad = new Adagrad([Tensor.Zeros(2).RequiresGrad_()]);
        Assert.Contains("optimizer must support momentum with `cycle_momentum` option enabled",
            Assert.Throws<ArgumentException>(() => new OneCycleLR(adagrad, maxLr: 1.0, totalSteps: 10)).Message);
        _ = new OneCycleLR(adagrad, maxLr: 1.0, totalSteps: 10, cycleMomentum: false);   // fine without momentum cycling
    }

    [Fact]
    public void Other_schedulers_check_their_arguments()
    {
        Assert.Contains("Starting multiplicative factor expected to be between 0 and 1",
            Assert.Throws<ArgumentException>(() => new LinearLR(NewSgd(), startFactor: 1.5)).Message);
        Assert.Contains("Ending multiplicative factor expected to be between 0 and 1",
            Assert.Throws<ArgumentException>(() => new LinearLR(NewSgd(), endFactor: -0.1)).Message);
        Assert.Contains("step_size", Assert.Throws<ArgumentException>(() => new StepLR(NewSgd(), stepSize: 0)).Message);
        Assert.Contains("T_max", Assert.Throws<ArgumentException>(() => new CosineAnnealingLR(NewSgd(), tMax: 0)).Message);
        Assert.Contains("Factor should be < 1.0", Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(NewSgd(), factor: 1.0)).Message);
        Assert.Contains("expected 1 min_lrs, got 2", Assert.Throws<ArgumentException>(() =>
            new ReduceLROnPlateau(NewSgd(), PlateauMode.Min, 0.1, 10, 1e-4, ThresholdMode.Rel, 0, [0.1, 0.2])).Message);
    }

    [Fact]
    public void ReduceLROnPlateau_state_round_trip_resumes_the_counters()
    {
        double[] metrics = [1.0, 0.9, 0.95, 0.96, 0.97, 0.98, 0.85, 0.9, 0.91, 0.92, 0.93];
        var reference = NewSgd();
        var referencePlateau = new ReduceLROnPlateau(reference, factor: 0.5, patience: 2, cooldown: 1);
        foreach (var m in metrics) referencePlateau.Step(m);

        var first = NewSgd();
        var firstPlateau = new ReduceLROnPlateau(first, factor: 0.5, patience: 2, cooldown: 1);
        for (int i = 0; i < 5; i++) firstPlateau.Step(Tensor.From(metrics[i]));
        var resumed = NewSgd();
        resumed.LoadStateDict(first.StateDict());
        var resumedPlateau = new ReduceLROnPlateau(resumed, factor: 0.5, patience: 2, cooldown: 1);
        resumedPlateau.LoadStateDict(firstPlateau.StateDict());
        for (int i = 5; i < metrics.Length; i++) resumedPlateau.Step(metrics[i]);

        Assert.Equal(reference.ParamGroups[0].LearningRate, resumed.ParamGroups[0].LearningRate);
        Assert.Equal(referencePlateau.Best, resumedPlateau.Best);
        Assert.Equal(referencePlateau.NumBadEpochs, resumedPlateau.NumBadEpochs);
        Assert.Equal(referencePlateau.LastEpoch, resumedPlateau.LastEpoch);
        Assert.Equal(0.025, resumed.ParamGroups[0].LearningRate);   // PyTorch: halved at the 5th metric and at the 10th
    }

    [Fact]
    public void OneCycleLR_cycles_adams_beta1_and_keeps_beta2()
    {
        var adam = new Adam([Tensor.Zeros(2).RequiresGrad_()], lr: 1e-3, betas: (0.9, 0.98));
        _ = new OneCycleLR(adam, maxLr: 0.01, totalSteps: 10);
        var (beta1, beta2) = adam.ParamGroups[0].Get<(double, double)>("betas");
        Assert.Equal(0.95, beta1);
        Assert.Equal(0.98, beta2);
        Assert.Equal(0.00039999999999999931, adam.ParamGroups[0].LearningRate);   // PyTorch's value: the cosine at pct 0, 0.01 + (0.0004 − 0.01)/2·2
    }
}
