using System.CommandLine;
using Backprop.Lab.Cli;
using Backprop.Lab.Output;
using Backprop.Seeds.Regression;
using Backprop.Plots;

namespace Backprop.Lab.Experiments.Regression;

internal sealed record RegressionSettings
{
    /// <summary>A CSV of x,y points; null: generate Points points of y = 3x + 1 with x = torch.rand(n, 1) after torch.manual_seed(Seed).</summary>
    public string? Data { get; init; }
    public int Points { get; init; } = 500;
    public long Seed { get; init; }
    public double W0 { get; init; } = 0.5;
    public double B0 { get; init; } = 0.5;
    public double Lr { get; init; } = 0.01;
    public int Iters { get; init; } = 2000;
    public bool Module { get; init; }
    public DType DType { get; init; } = DType.Float64;
}

internal sealed record RegressionResult(RegressionSettings Settings, double[] Xs, double[] Ys, List<double> Losses, double W, double B)
{
    public JsonRecord ToJson() => new()
    {
        { "experiment", RegressionExperiment.Name },
        { "losses", Losses },
        { "w", W },
        { "b", B },
    };
}

/// <summary>
/// Seed 002: fit y = w·x + b by gradient descent on the mean squared error; manual mode is tensors with a hand update
/// (w.data = w.data − lr·w.grad), module mode is a Linear(1, 1) layer, the MSE loss and the library's SGD.
/// </summary>
internal static class RegressionExperiment
{
    public const string Name = "regression";

    public static Command Command(LabIo io)
    {
        var command = new Command(Name, T.HelpRegression);
        var data = Values.File("--data", T.HelpRegressionData);
        var points = Values.Count("--points", 500, T.HelpRegressionPoints);
        var seed = Values.Seed(T.HelpRegressionSeed);
        var w0 = Values.Number("--w0", 0.5, T.HelpRegressionW0);
        var b0 = Values.Number("--b0", 0.5, T.HelpRegressionB0);
        var lr = Values.Number("--lr", 0.01, T.HelpLinearLr);
        var iters = Values.Count("--iters", 2000, T.HelpRegressionIters);
        var mode = Values.Choice("--mode", "manual", T.HelpRegressionMode, "manual", "module");
        var plot = Values.File("--plot", T.HelpRegressionPlot);
        var lossPlot = Values.File("--loss-plot", T.HelpRegressionLossPlot);
        foreach (var option in new Option[] { data, points, seed, w0, b0, lr, iters, mode, plot, lossPlot }) command.Options.Add(option);
        var common = CommonOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var ctx = common.Read(parse, io);
            var settings = new RegressionSettings
            {
                Data = parse.GetValue(data), Points = parse.GetValue(points), Seed = parse.GetValue(seed),
                W0 = parse.GetValue(w0), B0 = parse.GetValue(b0), Lr = parse.GetValue(lr), Iters = parse.GetValue(iters),
                Module = parse.GetValue(mode) == "module", DType = ctx.DType,
            };
            RegressionResult result = null!;
            if (ctx.Json) result = Run(settings);
            else ctx.Report.Progress("regression", settings.Iters, tick => result = Run(settings, tick));
            string? fitPath = parse.GetValue(plot) ?? (ctx.Json ? null : ctx.OutPath("regression-fit.png"));
            string? lossPath = parse.GetValue(lossPlot) ?? (ctx.Json ? null : ctx.OutPath("regression-loss.png"));
            Draw(result, fitPath, lossPath);
            if (ctx.Json) return ctx.WriteJson(result.ToJson());
            Print(ctx.Report, result, fitPath, lossPath);
            return 0;
        });
        return command;
    }

    /// <summary>The points: read from the CSV, or generated as the seed does (x = torch.rand(n, 1), y = x·3 + 1, float32).</summary>
    public static (double[] X, double[] Y) Points(RegressionSettings s)
    {
        if (s.Data is not null) return PointsCsv.Read(s.Data);
        return LinearRegressionFit.Points(s.Points, s.Seed);
    }

    public static RegressionResult Run(RegressionSettings s, Action<int>? progress = null)
    {
        var (xs, ys) = Points(s);
        var x = Tensor.From(xs, xs.Length, 1).To(s.DType);
        var y = Tensor.From(ys, ys.Length, 1).To(s.DType);
        var losses = new List<double>();
        var fit = new LinearRegressionFit(x, y, s.W0, s.B0, s.Lr, s.Module);
        for (int i = 0; i < s.Iters; i++)
        {
            losses.Add(fit.Step());
            if (i % 64 == 0) progress?.Invoke(i);
        }
        return new RegressionResult(s, xs, ys, losses, fit.W, fit.B);
    }

    public static void Draw(RegressionResult r, string? fitPath, string? lossPath)
    {
        if (fitPath is not null)
            Chart.ScatterWithLine(fitPath, r.Xs, r.Ys, r.W, r.B, Language.Format(T.ChartRegressionFit, Fmt.G(r.W), Fmt.G(r.B)), dataLabel: T.ChartData);
        if (lossPath is not null)
            Chart.Lines(lossPath, [new Series(r.Settings.Module ? T.RegressionSeriesModule : T.RegressionSeriesManual, r.Losses)],
                Language.Format(T.ChartRegressionLoss, Fmt.G(r.Settings.Lr)), xLabel: T.AxisIteration, yLabel: T.AxisLoss,
                logY: r.Losses.All(l => l > 0), logScaleNote: T.AxisLogScale);
    }

    public static void Print(Report report, RegressionResult r, string? fitPath, string? lossPath)
    {
        var s = r.Settings;
        string source = s.Data is null ? Language.Format(T.RegressionSeedData, s.Points, s.Seed) : Language.Format(T.RegressionFileData, r.Xs.Length, s.Data);
        report.Heading(Language.Format(T.RegressionHeading, s.Module ? T.RegressionModule : T.RegressionManual, Fmt.G(s.Lr), s.Iters));
        report.Line(Language.Format(T.RegressionData, source, Fmt.G(s.W0), Fmt.G(s.B0)));
        var shown = Enumerable.Range(0, r.Losses.Count).Where(i => i == 0 || (i + 1) % Math.Max(1, s.Iters / 8) == 0 || i == r.Losses.Count - 1).Distinct();
        report.Table([T.Iteration, T.Loss], shown.Select(i => (IReadOnlyList<string>)[Fmt.I(i + 1), Fmt.R(r.Losses[i])]));
        report.Line(Language.Format(T.RegressionFitted, Fmt.R(r.W), Fmt.R(r.B)) + (s.Data is null ? T.RegressionMadeWith : ""));
        if (fitPath is not null) report.Wrote(T.RegressionFitFile, fitPath);
        if (lossPath is not null) report.Wrote(T.LossCurve, lossPath);
    }
}
