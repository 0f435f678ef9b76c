using System.CommandLine;
using Backprop.Lab.Cli;
using Backprop.Lab.Experiments.TwoLayer;
using Backprop.Lab.Output;
using Backprop.Plots;

namespace Backprop.Lab.Experiments.Sweep;

internal sealed record SweepSettings
{
    public double[] Lrs { get; init; } = [0.1, 0.5, 1, 5, 10, 50, 100, 200, 500, 1000];
    public int[] EpochCounts { get; init; } = [1, 10, 100, 1000];
    public double Lr { get; init; } = 1;
    public int Epochs { get; init; } = 100;
    public int[] Seeds { get; init; } = [0, 1, 2, 3, 4];
    public DType DType { get; init; } = DType.Float64;
}

/// <summary>One training run's curve and where it ended.</summary>
internal sealed record Curve(string Name, List<double> Losses, double[] FinalWeights, double[] FinalOutputs);

internal sealed record SweepResult(
    SweepSettings Settings,
    double[,] LossAfter,                    // [lr, epoch count]: the loss after that many SGD steps
    bool[] Rises,                           // per lr: did the loss go up at some step?
    List<Curve> LrCurves,
    List<Curve> Activations,
    double SigmoidByHandMaxDifference,
    Dictionary<string, double[]> ActivationFirstGrads,
    Dictionary<string, double[]> FirstGrads,
    List<Curve> Losses,
    Curve Fixed,
    List<(int Seed, double[] Start, Curve Curve)> Random)
{
    public JsonRecord ToJson()
    {
        var s = Settings;
        var lossAfter = Enumerable.Range(0, s.Lrs.Length).Select(i => Enumerable.Range(0, s.EpochCounts.Length).Select(j => LossAfter[i, j]).ToList()).ToList();
        JsonRecord Curves(IEnumerable<Curve> curves)
        {
            var record = new JsonRecord();
            foreach (var c in curves) record.Add(c.Name, c.Losses);
            return record;
        }
        JsonRecord Outputs(IEnumerable<Curve> curves)
        {
            var record = new JsonRecord();
            foreach (var c in curves) record.Add(c.Name, c.FinalOutputs);
            return record;
        }
        static JsonRecord Grads(Dictionary<string, double[]> byName)
        {
            var record = new JsonRecord();
            foreach (var (name, g) in byName) record.Add(name, g);
            return record;
        }
        var grads = Grads(FirstGrads);
        return new JsonRecord
        {
            { "experiment", SweepExperiment.Name },
            { "lr_epochs", new JsonRecord { { "lrs", s.Lrs }, { "epochs", s.EpochCounts }, { "loss_after", lossAfter }, { "rises", Rises },
                { "final_outputs", LrCurves.Select(c => c.FinalOutputs).ToList() } } },
            { "activations", new JsonRecord { { "lr", s.Lr }, { "epochs", s.Epochs }, { "curves", Curves(Activations) }, { "final_outputs", Outputs(Activations) },
                { "first_grads", Grads(ActivationFirstGrads) }, { "sigmoid_by_hand_max_difference", SigmoidByHandMaxDifference } } },
            { "losses", new JsonRecord { { "lr", s.Lr }, { "epochs", s.Epochs }, { "first_grads", grads }, { "curves", Curves(Losses) }, { "final_outputs", Outputs(Losses) } } },
            { "init", new JsonRecord
                {
                    { "lr", s.Lr }, { "epochs", s.Epochs }, { "fixed", Fixed.Losses },
                    { "random", Random.Select(r => new JsonRecord { { "seed", r.Seed }, { "weights", r.Start }, { "losses", r.Curve.Losses } }).ToList() },
                }
            },
        };
    }
}

/// <summary>
/// Seed 003, questions 5-10, on the 2-2-2 network: learning rates × epochs, torch.sigmoid vs sigmoid by hand, sigmoid vs
/// ReLU vs tanh, the three losses (and MSELoss per output: the missing ½), fixed vs random initial weights.
/// </summary>
internal static class SweepExperiment
{
    public const string Name = "sweep";

    public static Command Command(LabIo io)
    {
        var command = new Command(Name, T.HelpSweep);
        var lrs = Values.NumberList("--lrs", "0.1,0.5,1,5,10,50,100,200,500,1000", T.HelpSweepLrs);
        var epochCounts = Values.IntList("--epochs-list", "1,10,100,1000", T.HelpSweepEpochsList, min: 0, max: Values.MaxCount);
        var lr = Values.Number("--lr", 1.0, T.HelpSweepLr);
        var epochs = Values.Count("--epochs", 100, T.HelpSweepEpochs);
        var seeds = Values.IntList("--seeds", "0,1,2,3,4", T.HelpSweepSeeds, min: int.MinValue);
        foreach (var option in new Option[] { lrs, epochCounts, lr, epochs, seeds }) command.Options.Add(option);
        var common = CommonOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var ctx = common.Read(parse, io);
            var settings = new SweepSettings
            {
                Lrs = parse.Get(lrs), EpochCounts = parse.Get(epochCounts), Lr = parse.GetValue(lr), Epochs = parse.GetValue(epochs),
                Seeds = parse.Get(seeds), DType = ctx.DType,
            };
            SweepResult result = null!;
            if (ctx.Json) result = Run(settings);
            else ctx.Report.Progress("sweep", WorkUnits(settings), tick => result = Run(settings, tick));
            if (ctx.Json) return ctx.WriteJson(result.ToJson());
            var plots = Draw(result, ctx.OutDir);
            Print(ctx.Report, result, plots);
            return 0;
        });
        return command;
    }

    private static int WorkUnits(SweepSettings s) => s.Lrs.Length + 3 + 1 + 4 + 1 + s.Seeds.Length;

    private static Curve Train(string name, TwoLayerSettings settings)
    {
        var r = TwoLayerExperiment.Run(settings);
        var net = new TwoLayerNetwork(settings.X, settings.Y, r.FinalWeights, settings.Activation, settings.Loss, settings.DType);
        using var _ = Autograd.NoGrad();
        var f = net.Forward();
        return new Curve(name, r.Losses, r.FinalWeights, TwoLayerNetwork.Outputs(f.OutO1, f.OutO2).ToDoubleArray());
    }

    public static SweepResult Run(SweepSettings s, Action<int>? progress = null)
    {
        int done = 0;
        void Tick() => progress?.Invoke(++done);
        var seed = new TwoLayerSettings { DType = s.DType };
        var comparison = seed with { Lr = s.Lr, Epochs = s.Epochs };

        // Q9: every learning rate trained once to the longest epoch count (+1 to see the loss after the last step).
        int longest = s.EpochCounts.Max();
        var lossAfter = new double[s.Lrs.Length, s.EpochCounts.Length];
        var rises = new bool[s.Lrs.Length];
        var lrCurves = new List<Curve>();
        for (int i = 0; i < s.Lrs.Length; i++)
        {
            var curve = Train($"lr={Fmt.G(s.Lrs[i])}", seed with { Lr = s.Lrs[i], Epochs = longest + 1 });
            for (int j = 0; j < s.EpochCounts.Length; j++) lossAfter[i, j] = curve.Losses[s.EpochCounts[j]];
            for (int e = 1; e < curve.Losses.Count; e++) rises[i] |= curve.Losses[e] > curve.Losses[e - 1];
            lrCurves.Add(curve);
            Tick();
        }

        // Q5, Q6: the activations, and torch.sigmoid against 1/(1 + exp(−z)) written out.
        var activations = new List<Curve>();
        var activationGrads = new Dictionary<string, double[]>();
        foreach (var a in new[] { Activation.Sigmoid, Activation.Relu, Activation.Tanh })
        {
            activations.Add(Train(ChainRuleExplanation.ActivationName(a), comparison with { Activation = a }));
            activationGrads[ChainRuleExplanation.ActivationName(a)] = TwoLayerExperiment.Run(comparison with { Activation = a, Epochs = 1 }).FirstGrads;
            Tick();
        }
        var byHand = Train("sigmoid by hand", comparison with { Activation = Activation.SigmoidByHand });
        double sigmoidDifference = byHand.Losses.Zip(activations[0].Losses, (p, q) => Math.Abs(p - q)).Max();
        Tick();

        // Q7, Q8: the losses; and nn.MSELoss applied per output and summed (the seed's first try), whose gradient is twice ½Σ(o − y)²'s.
        var losses = new List<Curve>();
        var firstGrads = new Dictionary<string, double[]>();
        foreach (var loss in new[] { LossKind.HalfMse, LossKind.Mse, LossKind.CrossEntropy })
        {
            var settings = comparison with { Loss = loss };
            losses.Add(Train(TwoLayerExperiment.LossName(loss), settings));
            firstGrads[TwoLayerExperiment.LossName(loss)] = TwoLayerExperiment.Run(settings with { Epochs = 1 }).FirstGrads;
            Tick();
        }
        firstGrads["mse-per-output"] = MsePerOutputGradients(seed);
        Tick();

        // Q10: fixed against torch.rand initial weights.
        var fixedCurve = Train("fixed", comparison);
        Tick();
        var random = new List<(int, double[], Curve)>();
        foreach (int sd in s.Seeds)
        {
            var settings = comparison with { RandomInit = true, Seed = sd };
            random.Add((sd, TwoLayerExperiment.StartWeights(settings), Train($"seed {sd}", settings)));
            Tick();
        }
        return new SweepResult(s, lossAfter, rises, lrCurves, activations, sigmoidDifference, activationGrads, firstGrads, losses, fixedCurve, random);
    }

    /// <summary>
    /// The seed's first MSELoss attempt: nn.MSELoss()(o1, y1) + nn.MSELoss()(o2, y2), each a mean over one element, so
    /// (o1 − y1)² + (o2 − y2)², missing the ½ of the hand-written loss; its gradients by autograd.
    /// </summary>
    public static double[] MsePerOutputGradients(TwoLayerSettings s)
    {
        var net = new TwoLayerNetwork(s.X, s.Y, s.Weights, Activation.Sigmoid, LossKind.HalfMse, s.DType);
        var f = net.Forward();
        var loss = ((f.OutO1 - net.Y1).Pow(2).Mean() + (f.OutO2 - net.Y2).Pow(2).Mean());
        loss.Backward();
        return net.W.Select(w => w.Grad!.Item()).ToArray();
    }

    /// <summary>The sweep's pictures; returns (what, path) pairs.</summary>
    public static List<(string What, string Path)> Draw(SweepResult r, string outDir)
    {
        var s = r.Settings;
        var written = new List<(string, string)>();
        string P(string name) => Path.Combine(outDir, name);

        var grid = new double[s.Lrs.Length, s.EpochCounts.Length];
        for (int i = 0; i < s.Lrs.Length; i++)
            for (int j = 0; j < s.EpochCounts.Length; j++) grid[i, j] = Math.Log10(Math.Max(r.LossAfter[i, j], 1e-300));
        Chart.Heatmap(P("sweep-lr-epochs.png"), grid, s.Lrs.Select(l => $"lr {Fmt.G(l)}").ToList(), s.EpochCounts.Select(e => Fmt.I(e)).ToList(),
            T.ChartHeatmap, T.AxisEpochs, T.LearningRate);
        written.Add(("lr × epochs heatmap", P("sweep-lr-epochs.png")));
        void Curves(string file, IEnumerable<Series> series, string title, bool logY) =>
            Chart.Lines(P(file), series.ToList(), title, xLabel: T.AxisEpoch, yLabel: T.AxisLoss, logY: logY, logScaleNote: T.AxisLogScale);
        Curves("sweep-lr-curves.png", r.LrCurves.Select(c => new Series(c.Name, c.Losses)),
            T.ChartLrCurves, r.LrCurves.All(c => c.Losses.All(l => l > 0)));
        written.Add(("loss curves per learning rate", P("sweep-lr-curves.png")));
        Curves("sweep-activations.png", r.Activations.Select(c => new Series(c.Name, c.Losses)),
            Language.Format(T.ChartActivations, Fmt.G(s.Lr)), r.Activations.All(c => c.Losses.All(l => l > 0)));
        written.Add(("activation curves", P("sweep-activations.png")));
        Curves("sweep-losses.png", r.Losses.Select(c => new Series(c.Name, c.Losses)),
            Language.Format(T.ChartLosses, Fmt.G(s.Lr)), r.Losses.All(c => c.Losses.All(l => l > 0)));
        written.Add(("loss-function curves", P("sweep-losses.png")));
        Curves("sweep-init.png", new[] { new Series(T.ChartFixedSeries, r.Fixed.Losses) }
                .Concat(r.Random.Select(x => new Series(Language.Format(T.InitRandomSeedShort, x.Seed), x.Curve.Losses))),
            Language.Format(T.ChartInit, Fmt.G(s.Lr)), logY: true);
        written.Add(("initial-weight curves", P("sweep-init.png")));
        return written;
    }

    public static void Print(Report report, SweepResult r, List<(string What, string Path)> plots)
    {
        var s = r.Settings;
        report.Heading(T.SweepHeading);
        report.Line(T.SweepLossAfterTraining);
        report.Table([T.LearningRate, .. s.EpochCounts.Select(e => Language.Format(T.EpochsColumn, e)), T.LossEverRose],
            Enumerable.Range(0, s.Lrs.Length).Select(i => (IReadOnlyList<string>)[
                Fmt.G(s.Lrs[i]), .. Enumerable.Range(0, s.EpochCounts.Length).Select(j => Fmt.G(r.LossAfter[i, j])), r.Rises[i] ? T.Yes : T.No]));
        report.Line(Language.Format(T.SweepActivations, Fmt.G(s.Lr), Fmt.List(TwoLayerNetwork.SeedTargets)));
        report.Table([T.ActivationColumn, Language.Format(T.LossAtEpoch, 1), Language.Format(T.LossAtEpoch, s.Epochs), T.OutputsAtEnd],
            r.Activations.Select(c => (IReadOnlyList<string>)[c.Name, Fmt.G(c.Losses[0]), Fmt.G(c.Losses[^1]), Fmt.List(c.FinalOutputs)]));
        report.Line(Language.Format(T.SweepSigmoidByHand, Fmt.E(r.SigmoidByHandMaxDifference)));
        report.Line(T.SweepFirstGradients);
        report.Table([T.LossFunctionColumn, .. Enumerable.Range(1, 8).Select(i => $"dL/dw{i}")],
            r.FirstGrads.Select(kv => (IReadOnlyList<string>)[kv.Key, .. kv.Value.Select(Fmt.G)]));
        report.Table([T.LossFunctionColumn, Language.Format(T.LossAtEpoch, 1), Language.Format(T.LossAtEpoch, s.Epochs), T.OutputsAtEnd],
            r.Losses.Select(c => (IReadOnlyList<string>)[c.Name, Fmt.G(c.Losses[0]), Fmt.G(c.Losses[^1]), Fmt.List(c.FinalOutputs)]));
        report.Line(Language.Format(T.SweepInitialWeights, Fmt.G(s.Lr), s.Epochs));
        report.Table([T.Start, T.WeightsColumn, Language.Format(T.LossAtEpoch, 1), Language.Format(T.LossAtEpoch, s.Epochs)],
            new[] { (IReadOnlyList<string>)[T.InitFixed, Fmt.List(TwoLayerNetwork.SeedWeights), Fmt.G(r.Fixed.Losses[0]), Fmt.G(r.Fixed.Losses[^1])] }
                .Concat(r.Random.Select(x => (IReadOnlyList<string>)[Language.Format(T.InitRandomSeed, x.Seed), Fmt.List(x.Start), Fmt.G(x.Curve.Losses[0]), Fmt.G(x.Curve.Losses[^1])])));
        foreach (var (what, path) in plots) report.Wrote(PlotCaption(what), path);
    }

    /// <summary>A picture's caption in the report's language, by the name `all` files it under (an English id).</summary>
    public static string PlotCaption(string what) => what switch
    {
        "lr × epochs heatmap" => T.PlotHeatmap,
        "loss curves per learning rate" => T.PlotLrCurves,
        "activation curves" => T.PlotActivations,
        "loss-function curves" => T.PlotLosses,
        "initial-weight curves" => T.PlotInit,
        "linear" => T.PlotLinear,
        "regression fit" => T.PlotRegressionFit,
        "regression loss" => T.PlotRegressionLoss,
        _ => what,
    };
}
