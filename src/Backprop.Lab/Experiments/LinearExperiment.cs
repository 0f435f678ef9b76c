using System.CommandLine;
using Backprop.Lab.Cli;
using Backprop.Lab.Output;
using Backprop.Plots;

namespace Backprop.Lab.Experiments;

internal sealed record LinearSettings
{
    public double[] X { get; init; } = [1, 2, 3];
    public double[] Y { get; init; } = [2, 4, 6];
    public double W { get; init; } = 1.0;
    public double Lr { get; init; } = 0.01;
    public int Epochs { get; init; } = 100;
    public double Predict { get; init; } = 4.0;
    public DType DType { get; init; } = DType.Float64;
}

internal sealed record LinearResult(LinearSettings Settings, double PredictionBefore, double[] FirstEpochGrads, List<double> Losses, double W, double Prediction)
{
    public JsonRecord ToJson() => new()
    {
        { "experiment", LinearExperiment.Name },
        { "first_epoch_grads", FirstEpochGrads },
        { "losses", Losses },
        { "w", W },
        { "prediction", new JsonRecord { { "x", Settings.Predict }, { "y", Prediction } } },
    };
}

/// <summary>Seed 001: y = x·w fitted to (1, 2), (2, 4), (3, 6) by one SGD step per sample on (x·w − y)², then the prediction at x = 4.</summary>
internal static class LinearExperiment
{
    public const string Name = "linear";

    public static Command Command(LabIo io)
    {
        var command = new Command(Name, T.HelpLinear);
        var x = Values.NumberList("--x", "1,2,3", T.HelpLinearX);
        var y = Values.NumberList("--y", "2,4,6", T.HelpLinearY);
        var w = Values.Number("--w", 1.0, T.HelpLinearW);
        var lr = Values.Number("--lr", 0.01, T.HelpLinearLr);
        var epochs = Values.Count("--epochs", 100, T.HelpLinearEpochs);
        var predict = Values.Number("--predict", 4.0, T.HelpLinearPredict);
        var plot = Values.File("--plot", T.HelpLinearPlot);
        foreach (var option in new Option[] { x, y, w, lr, epochs, predict, plot }) command.Options.Add(option);
        var common = CommonOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var ctx = common.Read(parse, io);
            var settings = new LinearSettings
            {
                X = parse.Get(x), Y = parse.Get(y), W = parse.GetValue(w), Lr = parse.GetValue(lr),
                Epochs = parse.GetValue(epochs), Predict = parse.GetValue(predict), DType = ctx.DType,
            };
            if (settings.X.Length != settings.Y.Length)
                throw new LabInputException($"--x and --y: {settings.X.Length} inputs but {settings.Y.Length} targets (one target per input)");
            var result = Run(settings);
            string? plotPath = parse.GetValue(plot) ?? (ctx.Json ? null : ctx.OutPath("linear-loss.png"));
            if (plotPath is not null) Draw(result, plotPath);
            if (ctx.Json) return ctx.WriteJson(result.ToJson());
            Print(ctx.Report, result, plotPath);
            return 0;
        });
        return command;
    }

    public static LinearResult Run(LinearSettings s)
    {
        var w = Tensor.Full([1], s.W, s.DType).RequiresGrad_();
        double before;
        using (Autograd.NoGrad()) before = (s.Predict * w).Item();
        var losses = new List<double>();   // grown as the run goes: a count is never an allocation size
        var firstGrads = new List<double>();
        Tensor? loss = null;
        for (int epoch = 0; epoch < s.Epochs; epoch++)
        {
            for (int i = 0; i < s.X.Length; i++)
            {
                loss = (s.X[i] * w - s.Y[i]).Pow(2);      // forward: (x·w − y)²
                loss.Backward();                          // dloss/dw = 2x(x·w − y), into w.Grad
                if (epoch == 0) firstGrads.Add(w.Grad!.Item());
                using (Autograd.NoGrad()) w.Sub_(s.Lr * w.Grad!);   // w.data = w.data − lr·w.grad.data
                w.Grad!.Zero_();
            }
            losses.Add(loss!.Item());
        }
        double prediction;
        using (Autograd.NoGrad()) prediction = (s.Predict * w).Item();
        return new LinearResult(s, before, firstGrads.ToArray(), losses, w.Item(), prediction);
    }

    public static void Draw(LinearResult r, string path) =>
        Chart.Lines(path, [new Series(T.LinearSeries, r.Losses)], Language.Format(T.ChartLinear, Fmt.G(r.Settings.Lr)),
            xLabel: T.AxisEpoch, yLabel: T.AxisLoss, logY: r.Losses.All(l => l > 0), logScaleNote: T.AxisLogScale);

    public static void Print(Report report, LinearResult r, string? plotPath)
    {
        var s = r.Settings;
        report.Heading(Language.Format(T.LinearHeading, Fmt.G(s.Lr), Language.Format(T.Epochs, s.Epochs), s.DType.ToString().ToLowerInvariant()));
        report.Line(Language.Format(T.LinearData, string.Join(", ", s.X.Zip(s.Y, (a, b) => $"({Fmt.G(a)}, {Fmt.G(b)})"))));
        report.Line(Language.Format(T.LinearPredictBefore, Fmt.G(s.Predict), Fmt.R(r.PredictionBefore)));
        report.Table([T.LinearSample, "x", "y", "dloss/dw"],
            r.FirstEpochGrads.Select((g, i) => (IReadOnlyList<string>)[Fmt.I(i + 1), Fmt.G(s.X[i]), Fmt.G(s.Y[i]), Fmt.R(g)]));
        var shown = Enumerable.Range(0, r.Losses.Count).Where(e => e < 3 || e >= r.Losses.Count - 2 || (e + 1) % 25 == 0);
        report.Table([T.LinearEpoch, T.LinearLastSampleLoss], shown.Select(e => (IReadOnlyList<string>)[Fmt.I(e + 1), Fmt.R(r.Losses[e])]));
        report.Line($"w = {Fmt.R(r.W)}");
        report.Line(Language.Format(T.LinearPredictAfter, Fmt.G(s.Predict), Fmt.R(r.Prediction)));
        if (plotPath is not null) report.Wrote(T.LossCurve, plotPath);
    }
}
