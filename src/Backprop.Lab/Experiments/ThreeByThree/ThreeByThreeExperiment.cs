using System.CommandLine;
using Backprop.Lab.Cli;
using Backprop.Lab.Output;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Plots;

namespace Backprop.Lab.Experiments.ThreeByThree;

internal sealed record ThreeByThreeSettings
{
    public double[] X { get; init; } = [-0.5, 0.1, 1.1];
    public double[] Y { get; init; } = [0.1, 0.2, 9.9];
    public double[] Weights { get; init; } = [0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 0.9];
    public bool Adam { get; init; } = true;
    public double? Lr { get; init; }
    public int Steps { get; init; } = 1;
    public bool RandomInit { get; init; }
    public long Seed { get; init; }
    public DType DType { get; init; } = DType.Float64;

    /// <summary>lab_torch.py's default: 1e-3 for Adam (its default), 0.1 for SGD (the seed's learning_rate).</summary>
    public double EffectiveLr => Lr ?? (Adam ? 1e-3 : 0.1);
}

internal sealed record ThreeByThreeResult(
    ThreeByThreeSettings Settings,
    double[] StartWeights,
    double[] FirstGrad,
    double[] HandFirstGrad,
    double HandFirstLoss,
    List<double> Losses,
    double[] FinalWeights,
    double[] HandFinalWeights,
    double MaxStepDifference)
{
    public JsonRecord ToJson() => new()
    {
        { "experiment", ThreeByThreeExperiment.Name },
        { "first_grad", FirstGrad },
        { "losses", Losses },
        { "final_weights", FinalWeights },
    };
}

/// <summary>
/// Seed 004: Linear(3, 3, bias=False) + sigmoid + mse_loss. Autograd and the library's optimizer (the JSON record, as
/// lab_torch.py) beside the seed's DiyModel: the hand-written gradient and hand-written SGD and Adam steps.
/// </summary>
internal static class ThreeByThreeExperiment
{
    public const string Name = "three-by-three";

    public static Command Command(LabIo io)
    {
        var command = new Command(Name, "Seed 004: Linear(3,3,bias=False) + sigmoid + MSE; the hand-written gradient, SGD and Adam beside autograd and the library's optimizers");
        var x = Values.NumberList("--x", "-0.5,0.1,1.1", "the input", 3);
        var y = Values.NumberList("--y", "0.1,0.2,9.9", "the target", 3);
        var weights = Values.NumberList("--weights", "0.1,-0.2,0.3,-0.4,0.5,-0.6,0.7,-0.8,0.9", "the weight, row-major as [out, in]", 9);
        var optimizer = Values.Choice("--optimizer", "adam", "the optimizer", "sgd", "adam");
        var lr = Values.OptionalNumber("--lr", "the learning rate (default: 1e-3 for adam, 0.1 for sgd)");
        var steps = Values.Count("--steps", 1, "optimizer steps");
        var init = Values.Choice("--init", "fixed", "initial weight: --weights, or nn.Linear(3, 3, bias=False)'s own after torch.manual_seed(--seed)", "fixed", "random");
        var seed = Values.Seed();
        var plot = Values.File("--plot", "draw the loss per step to FILE (.png or .svg); the human report draws <out>/three-by-three-loss.png when --steps > 1");
        foreach (var option in new Option[] { x, y, weights, optimizer, lr, steps, init, seed, plot }) command.Options.Add(option);
        var common = CommonOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var ctx = common.Read(parse, io);
            var settings = new ThreeByThreeSettings
            {
                X = parse.Get(x), Y = parse.Get(y), Weights = parse.Get(weights),
                Adam = parse.GetValue(optimizer) == "adam", Lr = parse.GetValue(lr), Steps = parse.GetValue(steps),
                RandomInit = parse.GetValue(init) == "random", Seed = parse.GetValue(seed), DType = ctx.DType,
            };
            var result = Run(settings);
            string? plotPath = parse.GetValue(plot) ?? (ctx.Json || settings.Steps < 2 ? null : ctx.OutPath("three-by-three-loss.png"));
            if (plotPath is not null)
                Chart.Lines(plotPath, [new Series("loss", result.Losses)], $"three-by-three: {(settings.Adam ? "Adam" : "SGD")} lr={Fmt.G(settings.EffectiveLr)}", xLabel: "step");
            if (ctx.Json) return ctx.WriteJson(result.ToJson());
            Print(ctx.Report, result, plotPath);
            return 0;
        });
        return command;
    }

    /// <summary>The starting weight: the given one, or nn.Linear(3, 3, bias=False)'s initialisation after torch.manual_seed(seed).</summary>
    public static double[] StartWeights(ThreeByThreeSettings s)
    {
        if (!s.RandomInit) return s.Weights;
        var generator = new Generator(unchecked((ulong)s.Seed));
        // torch.manual_seed(seed); nn.Linear(3, 3, bias=False): float32, kaiming_uniform_(a=√5).
        return new Linear(3, 3, bias: false, dtype: DType.Float32, generator: generator).Weight.ToDoubleArray();
    }

    public static ThreeByThreeResult Run(ThreeByThreeSettings s)
    {
        var start = StartWeights(s);
        var x = Tensor.From(s.X, 1, 3).To(s.DType);
        var y = Tensor.From(s.Y, 1, 3).To(s.DType);
        // Seed 004's TorchModel: Linear(3, 3, bias=False), sigmoid, nn.functional.mse_loss; the weight set to the start.
        var layer = new Linear(3, 3, bias: false, dtype: s.DType);
        using (Autograd.NoGrad()) layer.Weight.Copy_(Tensor.From(start, 3, 3).To(s.DType));
        var weight = layer.Weight;
        var mse = new MSELoss();
        double lr = s.EffectiveLr;
        Optimizer optimizer = s.Adam ? new Adam(layer.Parameters(), lr: lr) : new SGD(layer.Parameters(), lr: lr);
        var diy = new DiyModel(DiyModel.Unflatten(start));

        var losses = new List<double>();
        double[] firstGrad = [], handFirstGrad = [];
        double handFirstLoss = 0, maxDifference = 0;
        for (int step = 0; step < s.Steps; step++)
        {
            optimizer.ZeroGrad();
            var loss = mse.Forward(layer.Forward(x).Sigmoid(), y);   // mse_loss(sigmoid(x @ weightᵀ), y)
            loss.Backward();

            var yPred = diy.Forward(s.X);
            var handGrad = DiyModel.CalculateGrad(yPred, s.Y, s.X);
            if (step == 0)
            {
                firstGrad = weight.Grad!.ToDoubleArray();
                handFirstGrad = DiyModel.Flatten(handGrad);
                handFirstLoss = DiyModel.MseLoss(yPred, s.Y);
            }
            losses.Add(loss.Item());
            optimizer.Step();
            if (s.Adam) diy.AdamStep(handGrad, lr);
            else diy.SgdStep(handGrad, lr);
            var library = weight.ToDoubleArray();
            var hand = DiyModel.Flatten(diy.Weight);
            for (int k = 0; k < 9; k++) maxDifference = Math.Max(maxDifference, Math.Abs(library[k] - hand[k]));
        }
        return new ThreeByThreeResult(s, start, firstGrad, handFirstGrad, handFirstLoss, losses, weight.ToDoubleArray(),
            DiyModel.Flatten(diy.Weight), maxDifference);
    }

    public static void Print(Report report, ThreeByThreeResult r, string? plotPath)
    {
        var s = r.Settings;
        string opt = s.Adam ? "Adam" : "SGD";
        report.Heading($"three-by-three (seed 004): Linear(3,3,bias=False) + sigmoid + MSE, {opt} lr {Fmt.G(s.EffectiveLr)}, {s.Steps} step(s), {s.DType.ToString().ToLowerInvariant()}");
        report.Line($"  x = ({Fmt.List(s.X, Fmt.R)}), y = ({Fmt.List(s.Y, Fmt.R)}), weight {(s.RandomInit ? $"nn.Linear's init after manual_seed({s.Seed})" : "as given")}");
        report.Line($"  loss (step 1): autograd {Fmt.R(r.Losses[0])}, DiyModel {Fmt.R(r.HandFirstLoss)}");
        report.Line("  hand-written: grad_mse = 2/n·(y_pred - y), grad_sigmoid = y_pred(1 - y_pred), grad_wij = grad_mse[j]·grad_sigmoid[j]·x[i]");
        report.Line("  then transposed, as PyTorch stores the weight [out, in]");
        report.Table(["w[out,in]", "start", "autograd dL/dw", "hand-written (transposed)", "|difference|"],
            Enumerable.Range(0, 9).Select(k => (IReadOnlyList<string>)[
                $"w[{k / 3},{k % 3}]", Fmt.G(r.StartWeights[k]), Fmt.R(r.FirstGrad[k]), Fmt.R(r.HandFirstGrad[k]),
                Fmt.E(Math.Abs(r.FirstGrad[k] - r.HandFirstGrad[k]))]));
        report.Table(["w[out,in]", $"after {s.Steps} step(s): torch-style {opt}", $"hand-written {opt}", "|difference|"],
            Enumerable.Range(0, 9).Select(k => (IReadOnlyList<string>)[
                $"w[{k / 3},{k % 3}]", Fmt.R(r.FinalWeights[k]), Fmt.R(r.HandFinalWeights[k]), Fmt.E(Math.Abs(r.FinalWeights[k] - r.HandFinalWeights[k]))]));
        report.Line($"largest difference between the library's {opt} and the hand-written one over all steps: {Fmt.E(r.MaxStepDifference)}");
        report.Line(r.Losses.Count == 1 ? $"loss: {Fmt.R(r.Losses[0])}" : $"loss: {Fmt.R(r.Losses[0])} at step 1 -> {Fmt.R(r.Losses[^1])} at step {r.Losses.Count}");
        if (plotPath is not null) report.Wrote("loss curve", plotPath);
    }
}
