using System.CommandLine;
using Backprop.Lab.Cli;
using Backprop.Lab.Output;
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
        var command = new Command(Name, T.HelpThreeByThree);
        var x = Values.NumberList("--x", "-0.5,0.1,1.1", T.HelpThreeByThreeX, 3);
        var y = Values.NumberList("--y", "0.1,0.2,9.9", T.HelpThreeByThreeY, 3);
        var weights = Values.NumberList("--weights", "0.1,-0.2,0.3,-0.4,0.5,-0.6,0.7,-0.8,0.9", T.HelpThreeByThreeWeights, 9);
        var optimizer = Values.Choice("--optimizer", "adam", T.HelpThreeByThreeOptimizer, "sgd", "adam");
        var lr = Values.OptionalNumber("--lr", T.HelpThreeByThreeLr);
        var steps = Values.Count("--steps", 1, T.HelpThreeByThreeSteps);
        var init = Values.Choice("--init", "fixed", T.HelpThreeByThreeInit, "fixed", "random");
        var seed = Values.Seed();
        var plot = Values.File("--plot", T.HelpThreeByThreePlot);
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
                Chart.Lines(plotPath, [new Series(T.Loss, result.Losses)], Language.Format(T.ChartThree, settings.Adam ? "Adam" : "SGD", Fmt.G(settings.EffectiveLr)),
                    xLabel: T.AxisStep, yLabel: T.AxisLoss, logScaleNote: T.AxisLogScale);
            if (ctx.Json) return ctx.WriteJson(result.ToJson());
            Print(ctx.Report, result, plotPath);
            return 0;
        });
        return command;
    }

    /// <summary>The starting weight: the given one, or nn.Linear(3, 3, bias=False)'s initialisation after torch.manual_seed(seed).</summary>
    public static double[] StartWeights(ThreeByThreeSettings s)
    {
        return s.RandomInit ? ThreeByThreeSession.RandomWeights(s.Seed) : s.Weights;
    }

    public static ThreeByThreeResult Run(ThreeByThreeSettings s)
    {
        var start = StartWeights(s);
        var session = new ThreeByThreeSession(s.X, s.Y, start, s.Adam, s.EffectiveLr, s.DType);
        var losses = new List<double>();
        double[] firstGrad = [], handFirstGrad = [];
        double handFirstLoss = 0, maxDifference = 0;
        for (int step = 0; step < s.Steps; step++)
        {
            var r = session.Step();
            if (step == 0)
            {
                firstGrad = r.AutogradGrad;
                handFirstGrad = r.HandGrad;
                handFirstLoss = r.HandLoss;
            }
            losses.Add(r.Loss);
            for (int k = 0; k < 9; k++) maxDifference = Math.Max(maxDifference, Math.Abs(r.LibraryWeight[k] - r.HandWeight[k]));
        }
        return new ThreeByThreeResult(s, start, firstGrad, handFirstGrad, handFirstLoss, losses, session.Weight.ToDoubleArray(),
            DiyModel.Flatten(session.Diy.Weight), maxDifference);
    }

    public static void Print(Report report, ThreeByThreeResult r, string? plotPath)
    {
        var s = r.Settings;
        string opt = s.Adam ? "Adam" : "SGD";
        report.Heading(Language.Format(T.ThreeHeading, opt, Fmt.G(s.EffectiveLr), Language.Format(T.Steps, s.Steps), s.DType.ToString().ToLowerInvariant()));
        report.Line(Language.Format(T.ThreeData, Fmt.List(s.X, Fmt.R), Fmt.List(s.Y, Fmt.R), s.RandomInit ? Language.Format(T.ThreeInitRandom, s.Seed) : T.TwoLayerInitGiven));
        report.Line(Language.Format(T.ThreeLosses, Fmt.R(r.Losses[0]), Fmt.R(r.HandFirstLoss)));
        report.Line(T.ThreeHandWritten);
        report.Line(T.ThreeTransposed);
        report.Table(["w[out,in]", T.Start, T.ThreeAutogradGrad, T.ThreeHandGrad, T.AbsDifference],
            Enumerable.Range(0, 9).Select(k => (IReadOnlyList<string>)[
                $"w[{k / 3},{k % 3}]", Fmt.G(r.StartWeights[k]), Fmt.R(r.FirstGrad[k]), Fmt.R(r.HandFirstGrad[k]),
                Fmt.E(Math.Abs(r.FirstGrad[k] - r.HandFirstGrad[k]))]));
        report.Table(["w[out,in]", Language.Format(T.ThreeAfterLibrary, Language.Format(T.Steps, s.Steps), opt), Language.Format(T.ThreeAfterHand, opt), T.AbsDifference],
            Enumerable.Range(0, 9).Select(k => (IReadOnlyList<string>)[
                $"w[{k / 3},{k % 3}]", Fmt.R(r.FinalWeights[k]), Fmt.R(r.HandFinalWeights[k]), Fmt.E(Math.Abs(r.FinalWeights[k] - r.HandFinalWeights[k]))]));
        report.Line(Language.Format(T.ThreeLargestStepDifference, opt, Fmt.E(r.MaxStepDifference)));
        report.Line(r.Losses.Count == 1 ? Language.Format(T.LossOnce, Fmt.R(r.Losses[0])) : Language.Format(T.LossFromToSteps, Fmt.R(r.Losses[0]), Fmt.R(r.Losses[^1]), r.Losses.Count));
        if (plotPath is not null) report.Wrote(T.LossCurve, plotPath);
    }
}
