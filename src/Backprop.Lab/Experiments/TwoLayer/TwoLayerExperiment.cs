using System.CommandLine;
using Backprop.Lab.Cli;
using Backprop.Lab.Output;
using Backprop.Optim;
using Backprop.Plots;

namespace Backprop.Lab.Experiments.TwoLayer;

/// <summary>Where the gradients that train the network come from.</summary>
internal enum GradientSource { Autograd, Manual, Numeric, Compare }

/// <summary>The settings of a two-layer run; the defaults are the seeds' values.</summary>
internal sealed record TwoLayerSettings
{
    public double[] X { get; init; } = TwoLayerNetwork.SeedInputs;
    public double[] Y { get; init; } = TwoLayerNetwork.SeedTargets;
    public double[] Weights { get; init; } = TwoLayerNetwork.SeedWeights;
    public Activation Activation { get; init; } = Activation.Sigmoid;
    public LossKind Loss { get; init; } = LossKind.HalfMse;
    public bool Adam { get; init; }
    public double Lr { get; init; } = 1.0;
    public int Epochs { get; init; } = 1;
    public bool RandomInit { get; init; }
    public long Seed { get; init; }
    public GradientSource Gradients { get; init; } = GradientSource.Autograd;
    public DType DType { get; init; } = DType.Float64;
}

/// <summary>The first epoch's gradients by each method (compare mode fills all three).</summary>
internal sealed record GradientComparison(double[] Autograd, double[] Manual, double[] Numeric);

/// <summary>What a run saw: lab_torch.py's record, plus what the human report shows.</summary>
internal sealed record TwoLayerResult(
    TwoLayerSettings Settings,
    double[] StartWeights,
    double[] FirstOutputs,
    double FirstLoss,
    double[] FirstGrads,
    List<double> Losses,
    double[] FinalWeights,
    GradientComparison? Comparison,
    IReadOnlyList<string> Explanation)
{
    /// <summary>The first epoch's graph with values and gradients as DOT, when Run was asked to draw it.</summary>
    public string? Dot { get; init; }

    /// <summary>The same graph drawn as SVG by the library's own layout, when Run was asked to draw it.</summary>
    public string? Svg { get; init; }

    public JsonRecord ToJson() => new()
    {
        { "experiment", TwoLayerExperiment.Name },
        { "first", new JsonRecord { { "outputs", FirstOutputs }, { "loss", FirstLoss }, { "grads", FirstGrads } } },
        { "losses", Losses },
        { "final_weights", FinalWeights },
    };
}

/// <summary>
/// Seeds 000 and 003: the 2-2-2 network trained as lab_torch.py trains it (SGD or Adam, any activation and loss),
/// with gradients from autograd, from the hand-derived formulas, from finite differences, or all three compared.
/// </summary>
internal static class TwoLayerExperiment
{
    public const string Name = "two-layer";

    public static Command Command(LabIo io)
    {
        var command = new Command(Name, "Seeds 000/003: the 2-2-2 network (w1..w8), one or more training steps, gradients by autograd or by hand");
        var x = Values.NumberList("--x", "0.5,0.3", "the inputs x1,x2", 2);
        var y = Values.NumberList("--y", "0.23,-0.07", "the targets y1,y2", 2);
        var weights = Values.NumberList("--weights", "0.2,-0.4,0.5,0.6,0.1,-0.5,-0.3,0.8", "the initial weights w1..w8", 8);
        var activation = Values.Choice("--activation", "sigmoid", "the activation of every unit", "sigmoid", "relu", "tanh");
        var loss = Values.Choice("--loss", "half-mse", "the loss", "half-mse", "mse", "cross-entropy");
        var optimizer = Values.Choice("--optimizer", "sgd", "the optimizer (the library's)", "sgd", "adam");
        var lr = Values.Number("--lr", 1.0, "the learning rate");
        var epochs = Values.Count("--epochs", 1, "training steps");
        var init = Values.Choice("--init", "fixed", "initial weights: --weights, or each torch.rand(1) after torch.manual_seed(--seed), w1 first", "fixed", "random");
        var seed = Values.Seed();
        var gradients = Values.Choice("--gradients", "autograd", "where the gradients come from (compare: all three side by side; training uses autograd's)",
            "autograd", "manual", "numeric", "compare");
        var explain = new Option<bool>("--explain") { Description = "print every forward value and each weight's chain-rule product with its numbers" };
        var plot = Values.File("--plot", "draw the loss curve to FILE (.png or .svg); without it the human report draws <out>/two-layer-loss.png when --epochs > 1");
        var dot = Values.File("--dot", "write the first epoch's graph as DOT to FILE, every box with its value and gradient (w1..w8, out_h1.., loss), and drawn as SVG to FILE with .svg (no Graphviz needed)");
        foreach (var option in new Option[] { x, y, weights, activation, loss, optimizer, lr, epochs, init, seed, gradients, explain, plot, dot })
            command.Options.Add(option);
        var common = CommonOptions.AddTo(command);

        command.SetAction(parse =>
        {
            var ctx = common.Read(parse, io);
            var settings = new TwoLayerSettings
            {
                X = parse.Get(x),
                Y = parse.Get(y),
                Weights = parse.Get(weights),
                Activation = ParseActivation(parse.GetValue(activation)!),
                Loss = ParseLoss(parse.GetValue(loss)!),
                Adam = parse.GetValue(optimizer) == "adam",
                Lr = parse.GetValue(lr),
                Epochs = parse.GetValue(epochs),
                RandomInit = parse.GetValue(init) == "random",
                Seed = parse.GetValue(seed),
                Gradients = Enum.Parse<GradientSource>(parse.GetValue(gradients)!, ignoreCase: true),
                DType = ctx.DType,
            };
            string? dotPath = parse.GetValue(dot);
            var result = Run(settings, parse.GetValue(explain) && !ctx.Json, drawGraph: dotPath is not null);
            string? svgPath = dotPath is null ? null : GraphExperiment.WriteGraph(result.Dot!, result.Svg!, dotPath);
            // One epoch is one point: no default picture for it.
            string? plotPath = parse.GetValue(plot) ?? (ctx.Json || settings.Epochs < 2 ? null : ctx.OutPath("two-layer-loss.png"));
            if (plotPath is not null) DrawLoss(result, plotPath);
            if (ctx.Json) return ctx.WriteJson(result.ToJson());
            Print(ctx.Report, result, plotPath);
            if (dotPath is not null) ctx.Report.Wrote("graph (DOT)", dotPath);
            if (svgPath is not null) ctx.Report.Wrote("graph (SVG)", svgPath);
            return 0;
        });
        return command;
    }

    public static Activation ParseActivation(string name) => name switch
    {
        "relu" => Activation.Relu,
        "tanh" => Activation.Tanh,
        _ => Activation.Sigmoid,
    };

    public static LossKind ParseLoss(string name) => name switch
    {
        "mse" => LossKind.Mse,
        "cross-entropy" => LossKind.CrossEntropy,
        _ => LossKind.HalfMse,
    };

    public static string LossName(LossKind loss) => loss switch { LossKind.Mse => "mse", LossKind.CrossEntropy => "cross-entropy", _ => "half-mse" };

    /// <summary>The starting weights: the given ones, or (seed 003, question 10) torch.rand(1) eight times after torch.manual_seed(seed).</summary>
    public static double[] StartWeights(TwoLayerSettings s)
    {
        return s.RandomInit ? TwoLayerNetwork.RandomWeights(s.Seed) : s.Weights;
    }

    /// <summary>Trains as lab_torch.py does: for each epoch forward, zero_grad, gradients, record, step.</summary>
    public static TwoLayerResult Run(TwoLayerSettings s, bool explain = false, bool drawGraph = false)
    {
        if (drawGraph && s.Gradients is GradientSource.Manual or GradientSource.Numeric)
            throw new ArgumentException($"two-layer: --dot draws autograd's graph; it needs --gradients autograd or compare (got {s.Gradients.ToString().ToLowerInvariant()})");
        (string Dot, string Svg)? graph = null;
        var start = StartWeights(s);
        var net = new TwoLayerNetwork(s.X, s.Y, start, s.Activation, s.Loss, s.DType);
        Optimizer optimizer = s.Adam ? new Adam(net.W, lr: s.Lr) : new SGD(net.W, lr: s.Lr);
        var losses = new List<double>();
        double[] firstOutputs = [], firstGrads = [];
        double firstLoss = 0;
        GradientComparison? comparison = null;
        IReadOnlyList<string> explanation = [];

        for (int epoch = 0; epoch < s.Epochs; epoch++)
        {
            var f = net.Forward();
            optimizer.ZeroGrad();
            if (epoch == 0 && drawGraph)
                foreach (var unit in new[] { f.OutH1, f.OutH2, f.OutO1, f.OutO2, f.Loss }) unit.RetainGrad();   // the drawing shows their gradients too
            if (epoch == 0 && explain) explanation = ChainRuleExplanation.Lines(net, f, s.Lr, !s.Adam);
            switch (s.Gradients)
            {
                case GradientSource.Manual:
                    var manual = HandDerivedGradients.Corrected(net, f);
                    for (int i = 0; i < 8; i++) net.W[i].Grad = manual[i];
                    break;
                case GradientSource.Numeric:
                    var numeric = HandDerivedGradients.Numeric(net);
                    for (int i = 0; i < 8; i++) net.W[i].Grad = Tensor.Full([1], numeric[i], s.DType);
                    break;
                default:
                    if (s.Gradients == GradientSource.Compare && epoch == 0)
                    {
                        var byHand = HandDerivedGradients.Corrected(net, f).Select(t => t.Item()).ToArray();
                        f.Loss.Backward();   // before the finite differences, which nudge the weights in place
                        var byDifferences = HandDerivedGradients.Numeric(net);
                        comparison = new GradientComparison(net.W.Select(w => w.Grad!.Item()).ToArray(), byHand, byDifferences);
                    }
                    else f.Loss.Backward();
                    if (epoch == 0 && drawGraph) graph = GraphWithValues(net, f);
                    break;
            }
            if (epoch == 0)
            {
                firstOutputs = TwoLayerNetwork.Outputs(f.OutO1, f.OutO2).ToDoubleArray();
                firstLoss = f.Loss.Item();
                firstGrads = net.W.Select(w => w.Grad!.Item()).ToArray();
            }
            losses.Add(f.Loss.Item());
            optimizer.Step();
        }
        return new TwoLayerResult(s, start, firstOutputs, firstLoss, firstGrads, losses,
            net.W.Select(w => w.Item()).ToArray(), comparison, explanation) { Dot = graph?.Dot, Svg = graph?.Svg };
    }

    /// <summary>The recorded graph after backward, each weight, unit output and the loss named as the seed names them, with values and gradients.</summary>
    private static (string Dot, string Svg) GraphWithValues(TwoLayerNetwork net, ForwardPass f)
    {
        var names = new Dictionary<string, Tensor>();
        for (int i = 0; i < net.W.Length; i++) names[$"w{i + 1}"] = net.W[i];
        names["out_h1"] = f.OutH1;
        names["out_h2"] = f.OutH2;
        names["out_o1"] = f.OutO1;
        names["out_o2"] = f.OutO2;
        names["loss"] = f.Loss;
        return (Autograd.ToDot(f.Loss, names, showValues: true), Autograd.ToSvg(f.Loss, names, GraphLabels.Values | GraphLabels.Grads));
    }

    public static void DrawLoss(TwoLayerResult r, string path)
    {
        var s = r.Settings;
        Chart.Lines(path, [new Series(LossName(s.Loss), r.Losses)],
            $"two-layer: {ChainRuleExplanation.ActivationName(s.Activation)}, {LossName(s.Loss)}, {(s.Adam ? "Adam" : "SGD")} lr={Fmt.G(s.Lr)}",
            yLabel: "loss");
    }

    public static void Print(Report report, TwoLayerResult r, string? plotPath)
    {
        var s = r.Settings;
        report.Heading($"two-layer (seeds 000, 003): 2-2-2 network, {ChainRuleExplanation.ActivationName(s.Activation)}, loss {LossName(s.Loss)}, " +
                       $"{(s.Adam ? "Adam" : "SGD")} lr {Fmt.G(s.Lr)}, {s.Epochs} epoch(s), {s.DType.ToString().ToLowerInvariant()}");
        report.Line("  in_h1 = w1·x1 + w3·x2    h1 = act(in_h1)    in_o1 = w5·h1 + w7·h2    o1 = act(in_o1)");
        report.Line("  in_h2 = w2·x1 + w4·x2    h2 = act(in_h2)    in_o2 = w6·h1 + w8·h2    o2 = act(in_o2)");
        report.Line($"  L = {ChainRuleExplanation.LossFormula(s.Loss)}");
        report.Line($"  x = ({Fmt.List(s.X, Fmt.R)}), y = ({Fmt.List(s.Y, Fmt.R)}), initial weights {(s.RandomInit ? $"torch.rand(1) × 8 after manual_seed({s.Seed})" : "as given")}");
        foreach (var line in r.Explanation) report.Line(line);

        report.Line();
        report.Line($"first epoch: o = ({Fmt.List(r.FirstOutputs, Fmt.R)}), L = {Fmt.R(r.FirstLoss)}, gradients by {(s.Gradients == GradientSource.Compare ? "autograd (compared below)" : s.Gradients.ToString().ToLowerInvariant())}");
        if (r.Comparison is { } c)
        {
            report.Table(["weight", "autograd", "hand-derived", "finite differences", "|hand - autograd|", "|numeric - autograd|"],
                Enumerable.Range(0, 8).Select(i => (IReadOnlyList<string>)[
                    $"w{i + 1}", G12(c.Autograd[i]), G12(c.Manual[i]), G12(c.Numeric[i]),
                    Fmt.E(Math.Abs(c.Manual[i] - c.Autograd[i])), Fmt.E(Math.Abs(c.Numeric[i] - c.Autograd[i]))]));
            double hand = MaxAbsDiff(c.Manual, c.Autograd), numeric = MaxAbsDiff(c.Numeric, c.Autograd);
            report.Line($"largest difference: hand-derived {Fmt.E(hand)}, finite differences {Fmt.E(numeric)} " +
                        $"(step h = {Fmt.G(HandDerivedGradients.FiniteDifferenceStep(s.DType))}: error of order h²)");
        }
        report.Table(["weight", "start", "dL/dw (epoch 1)", "final"],
            Enumerable.Range(0, 8).Select(i => (IReadOnlyList<string>)[$"w{i + 1}", Fmt.R(r.StartWeights[i]), Fmt.R(r.FirstGrads[i]), Fmt.R(r.FinalWeights[i])]));
        report.Line(r.Losses.Count == 1
            ? $"loss: {Fmt.R(r.Losses[0])}"
            : $"loss: {Fmt.R(r.Losses[0])} at epoch 1 -> {Fmt.R(r.Losses[^1])} at epoch {r.Losses.Count}");
        if (plotPath is not null) report.Wrote("loss curve", plotPath);
    }

    private static string G12(double v) => v.ToString("G12", System.Globalization.CultureInfo.InvariantCulture);

    public static double MaxAbsDiff(double[] a, double[] b) => a.Zip(b, (p, q) => Math.Abs(p - q)).Max();
}
