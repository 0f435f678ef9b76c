using Backprop.Lab.Experiments.Broadcast;
using Backprop.Lab.Experiments.Regression;
using Backprop.Lab.Experiments.Sweep;
using Backprop.Lab.Experiments.ThreeByThree;
using Backprop.Lab.Experiments.TwoLayer;
using Backprop.Lab.Output;

namespace Backprop.Lab.Experiments.All;

/// <summary>Every experiment's result at its seed defaults, and the files they drew.</summary>
internal sealed record LabRun(
    DType DType,
    TwoLayerResult TwoLayer,
    TwoLayerResult TwoLayerCompared,
    ManualVsAutogradResult ManualVsAutograd,
    ThreeByThreeResult ThreeByThree,
    LinearResult Linear,
    RegressionResult Regression,
    GraphResult Graph,
    List<BroadcastCase> Broadcast,
    SweepResult Sweep)
{
    /// <summary>The names of the files `all` writes into the output folder, by what they show.</summary>
    public static class Files
    {
        public const string Report = "REPORT.md";
        public const string LinearLoss = "linear-loss.png";
        public const string RegressionFit = "regression-fit.png";
        public const string RegressionLoss = "regression-loss.png";
        public const string Graph = "graph.dot";
        public const string TwoLayerLoss = "two-layer-loss.png";
    }

    /// <summary>Runs everything at the seeds' defaults; progress counts experiments.</summary>
    public static LabRun Execute(DType dtype, Action<int>? progress = null)
    {
        int done = 0;
        T Step<T>(Func<T> run)
        {
            var result = run();
            progress?.Invoke(++done);
            return result;
        }
        var seed = new TwoLayerSettings { DType = dtype };
        return new LabRun(
            dtype,
            Step(() => TwoLayerExperiment.Run(seed, explain: true)),
            Step(() => TwoLayerExperiment.Run(seed with { Gradients = GradientSource.Compare })),
            Step(() => ManualVsAutogradExperiment.Run(seed)),
            Step(() => ThreeByThreeExperiment.Run(new ThreeByThreeSettings { DType = dtype })),
            Step(() => LinearExperiment.Run(new LinearSettings { DType = dtype })),
            Step(() => RegressionExperiment.Run(new RegressionSettings { DType = dtype })),
            Step(() => GraphExperiment.Run(1, 2, 3, dtype)),
            Step(BroadcastExperiment.SeedCases),
            Step(() => SweepExperiment.Run(new SweepSettings { DType = dtype })));
    }

    public const int ExperimentCount = 9;

    public JsonRecord ToJson(string reportPath) => new()
    {
        { "experiment", AllExperiment.Name },
        { "report", reportPath },
        { "results", new JsonRecord
            {
                { TwoLayerExperiment.Name, TwoLayer.ToJson() },
                { ManualVsAutogradExperiment.Name, ManualVsAutograd.ToJson() },
                { ThreeByThreeExperiment.Name, ThreeByThree.ToJson() },
                { LinearExperiment.Name, Linear.ToJson() },
                { RegressionExperiment.Name, Regression.ToJson() },
                { GraphExperiment.Name, Graph.ToJson() },
                { BroadcastExperiment.Name, BroadcastExperiment.ToJson(Broadcast) },
                { SweepExperiment.Name, Sweep.ToJson() },
            }
        },
    };
}
