using System.CommandLine;
using Backprop.Lab.Cli;
using Backprop.Lab.Experiments.Broadcast;
using Backprop.Lab.Experiments.Regression;
using Backprop.Lab.Experiments.Sweep;
using Backprop.Lab.Experiments.ThreeByThree;
using Backprop.Lab.Experiments.TwoLayer;
using Backprop.Lab.Output;

namespace Backprop.Lab.Experiments.All;

/// <summary>
/// `all` (and the lab with no experiment named): every experiment at its seed defaults, the plots, and
/// &lt;out&gt;/REPORT.md with the tables and the answers to seed 003's questions. (fashion-mnist is not part of it.)
/// </summary>
internal static class AllExperiment
{
    public const string Name = "all";

    public static Command Command(LabIo io)
    {
        var command = new Command(Name, "Every experiment at its seed defaults: plots and <out>/REPORT.md with the tables and the answers to seed 003's questions (the default)");
        var common = CommonOptions.AddTo(command);
        command.SetAction(parse => Execute(common.Read(parse, io)));
        return command;
    }

    /// <summary>The root command runs `all` too: same options, same action.</summary>
    public static void Configure(RootCommand root, LabIo io)
    {
        var common = CommonOptions.AddTo(root);
        root.SetAction(parse => Execute(common.Read(parse, io)));
    }

    public static int Execute(RunContext ctx)
    {
        LabRun run = null!;
        if (ctx.Json) run = LabRun.Execute(ctx.DType);
        else ctx.Report.Progress("all experiments", LabRun.ExperimentCount, tick => run = LabRun.Execute(ctx.DType, tick));

        var (plots, graphSvg) = Draw(run, ctx.OutDir);
        string reportPath = ctx.OutPath(LabRun.Files.Report);
        AtomicText.Write(reportPath, MarkdownReport.Build(run, plots, graphSvg));
        if (ctx.Json) return ctx.WriteJson(run.ToJson(reportPath));

        var report = ctx.Report;
        TwoLayerExperiment.Print(report, run.TwoLayer, null);
        TwoLayerExperiment.Print(report, run.TwoLayerCompared, null);
        ManualVsAutogradExperiment.Print(report, run.ManualVsAutograd);
        ThreeByThreeExperiment.Print(report, run.ThreeByThree, null);
        LinearExperiment.Print(report, run.Linear, ctx.OutPath(LabRun.Files.LinearLoss));
        RegressionExperiment.Print(report, run.Regression, ctx.OutPath(LabRun.Files.RegressionFit), ctx.OutPath(LabRun.Files.RegressionLoss));
        GraphExperiment.Print(report, run.Graph, ctx.OutPath(LabRun.Files.Graph), ctx.OutPath(graphSvg));
        BroadcastExperiment.Print(report, run.Broadcast);
        SweepExperiment.Print(report, run.Sweep, plots.Where(p => p.What.StartsWith("sweep:", StringComparison.Ordinal)).Select(p => (p.What[7..], ctx.OutPath(p.File))).ToList());
        report.Heading("all");
        report.Wrote("report", reportPath);
        return 0;
    }

    /// <summary>Draws every picture into outDir; returns (what, file name relative to outDir) and the graph's SVG file name.</summary>
    private static (List<(string What, string File)> Plots, string GraphSvg) Draw(LabRun run, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var plots = new List<(string, string)>();
        LinearExperiment.Draw(run.Linear, Path.Combine(outDir, LabRun.Files.LinearLoss));
        plots.Add(("linear", LabRun.Files.LinearLoss));
        RegressionExperiment.Draw(run.Regression, Path.Combine(outDir, LabRun.Files.RegressionFit), Path.Combine(outDir, LabRun.Files.RegressionLoss));
        plots.Add(("regression fit", LabRun.Files.RegressionFit));
        plots.Add(("regression loss", LabRun.Files.RegressionLoss));
        string svg = GraphExperiment.WriteGraph(run.Graph.Dot, run.Graph.Svg, Path.Combine(outDir, LabRun.Files.Graph));
        foreach (var (what, path) in SweepExperiment.Draw(run.Sweep, outDir))
        {
            plots.Add((what, Path.GetFileName(path)));
            plots.Add(("sweep: " + what, Path.GetFileName(path)));
        }
        return (plots, Path.GetFileName(svg));
    }
}
