using System.Globalization;
using System.CommandLine;
using Backprop.Lab.Cli;
using Backprop.Lab.Experiments.TwoLayer;
using Backprop.Lab.Output;

namespace Backprop.Lab.Experiments;

/// <summary>What the comparison found; every verdict is computed from these numbers.</summary>
internal sealed record ManualVsAutogradResult(
    double[] Autograd,
    double[] Numeric,
    double[] FirstFormulas,
    double[] CorrectedFormulas,
    double[] SeedCorrection,
    double Tolerance,
    double LossBefore,
    double LossAfterAutogradStep,
    double LossAfterFirstFormulasStep)
{
    public double[] FirstErrors => Errors(FirstFormulas);
    public double[] CorrectedErrors => Errors(CorrectedFormulas);
    public double[] NumericErrors => Errors(Numeric);

    private double[] Errors(double[] g) => g.Zip(Autograd, (a, b) => Math.Abs(a - b)).ToArray();

    /// <summary>The weights whose first-formula gradient is off autograd's by more than the tolerance.</summary>
    public string[] FirstDisagree => Disagreeing(FirstErrors);
    public string[] CorrectedDisagree => Disagreeing(CorrectedErrors);
    public string[] SeedCorrectionDisagree => Disagreeing(Errors(SeedCorrection));
    public bool AutogradMatchesNumeric => Disagreeing(NumericErrors).Length == 0;

    private string[] Disagreeing(double[] errors) =>
        errors.Select((e, i) => (e, i)).Where(p => !(p.e <= Tolerance * Math.Max(1, Math.Abs(Autograd[p.i])))).Select(p => $"w{p.i + 1}").ToArray();

    /// <summary>The conclusion, in words, from the numbers: in English, as the JSON record carries it (the same in every language).</summary>
    public string Verdict => VerdictIn(CultureInfo.InvariantCulture);

    /// <summary>The conclusion in the current UI language, as the report prints it.</summary>
    public string LocalVerdict => VerdictIn(CultureInfo.CurrentUICulture);

    private string VerdictIn(CultureInfo culture)
    {
        string Text(string key, params object?[] args) => Language.Format(T.ResourceManager.GetString(key, culture)!, args);
        string list = T.ResourceManager.GetString(nameof(T.ListSeparator), culture)!;
        var first = FirstErrors;
        int worst = Array.IndexOf(first, first.Max());
        string firstPart = FirstDisagree.Length == 0
            ? Text(nameof(T.VerdictFirstAgree))
            : Text(nameof(T.VerdictFirstDisagree), string.Join(list, FirstDisagree), Fmt.G(first[worst]), worst + 1, Fmt.G(100 * first[worst] / Math.Abs(Autograd[worst])));
        string numericPart = AutogradMatchesNumeric
            ? Text(nameof(T.VerdictNumericAgree), Fmt.E(NumericErrors.Max()))
            : Text(nameof(T.VerdictNumericDisagree), string.Join(list, Disagreeing(NumericErrors)));
        string correctedPart = CorrectedDisagree.Length == 0 && SeedCorrectionDisagree.Length == 0
            ? Text(nameof(T.VerdictCorrectedAgree), Fmt.E(Math.Max(CorrectedErrors.Max(), Errors(SeedCorrection).Max())))
            : Text(nameof(T.VerdictCorrectedDisagree), string.Join(list, CorrectedDisagree.Union(SeedCorrectionDisagree)));
        string right = AutogradMatchesNumeric && CorrectedDisagree.Length == 0 ? Text(nameof(T.VerdictRight)) : "";
        return Text(nameof(T.VerdictJoin), firstPart, numericPart, correctedPart, right);
    }

    public JsonRecord ToJson() => new()
    {
        { "experiment", ManualVsAutogradExperiment.Name },
        { "autograd", Autograd },
        { "numeric", Numeric },
        { "first_formulas", FirstFormulas },
        { "corrected_formulas", CorrectedFormulas },
        { "seed_correction", SeedCorrection },
        { "first_formulas_errors", FirstErrors },
        { "corrected_formulas_errors", CorrectedErrors },
        { "tolerance", Tolerance },
        { "first_formulas_disagree", FirstDisagree },
        { "corrected_formulas_disagree", CorrectedDisagree },
        { "autograd_matches_numeric", AutogradMatchesNumeric },
        { "loss_before", LossBefore },
        { "loss_after_autograd_step", LossAfterAutogradStep },
        { "loss_after_first_formulas_step", LossAfterFirstFormulasStep },
        { "verdict", Verdict },
    };
}

/// <summary>
/// Seed 003, questions 2-4: the course's first hand-derived back_propagate (its d_w1..d_w4 are wrong) against autograd
/// and finite differences, then the corrected formulas; which weights disagree, and by how much, is computed.
/// </summary>
internal static class ManualVsAutogradExperiment
{
    public const string Name = "manual-vs-autograd";

    public static Command Command(LabIo io)
    {
        var command = new Command(Name, T.HelpManualVsAutograd);
        var x = Values.NumberList("--x", "0.5,0.3", T.HelpManualVsAutogradX, 2);
        var y = Values.NumberList("--y", "0.23,-0.07", T.HelpManualVsAutogradY, 2);
        var weights = Values.NumberList("--weights", "0.2,-0.4,0.5,0.6,0.1,-0.5,-0.3,0.8", T.HelpManualVsAutogradWeights, 8);
        var init = Values.Choice("--init", "fixed", T.HelpManualVsAutogradInit, "fixed", "random");
        var seed = Values.Seed();
        var tolerance = Values.Number("--tolerance", 1e-7, T.HelpManualVsAutogradTolerance);
        foreach (var option in new Option[] { x, y, weights, init, seed, tolerance }) command.Options.Add(option);
        var common = CommonOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var ctx = common.Read(parse, io);
            var settings = new TwoLayerSettings
            {
                X = parse.Get(x), Y = parse.Get(y), Weights = parse.Get(weights),
                RandomInit = parse.GetValue(init) == "random", Seed = parse.GetValue(seed), DType = ctx.DType,
            };
            var result = Run(settings, parse.GetValue(tolerance));
            if (ctx.Json) return ctx.WriteJson(result.ToJson());
            Print(ctx.Report, result);
            return 0;
        });
        return command;
    }

    public static ManualVsAutogradResult Run(TwoLayerSettings s, double tolerance = 1e-7)
    {
        var start = TwoLayerExperiment.StartWeights(s);
        var net = new TwoLayerNetwork(s.X, s.Y, start, Activation.Sigmoid, LossKind.HalfMse, s.DType);
        var f = net.Forward();
        double[] first = Items(HandDerivedGradients.AsFirstHandedOut(net, f));
        double[] corrected = Items(HandDerivedGradients.Corrected(net, f));
        double[] seedCorrection = Items(HandDerivedGradients.AsSeedCorrects(net, f));
        double lossBefore = f.Loss.Item();
        f.Loss.Backward();
        double[] autograd = net.W.Select(w => w.Grad!.Item()).ToArray();
        double[] numeric = HandDerivedGradients.Numeric(net);

        // One SGD step (lr 1, the seed's step) with each gradient: does the loss go down?
        double LossAfterStep(double[] grads)
        {
            var moved = new TwoLayerNetwork(s.X, s.Y, start.Select((w, i) => w - grads[i]).ToArray(), Activation.Sigmoid, LossKind.HalfMse, s.DType);
            return moved.LossValue();
        }
        return new ManualVsAutogradResult(autograd, numeric, first, corrected, seedCorrection, tolerance,
            lossBefore, LossAfterStep(autograd), LossAfterStep(first));
    }

    private static double[] Items(Tensor[] ts) => ts.Select(t => t.Item()).ToArray();

    public static void Print(Report report, ManualVsAutogradResult r)
    {
        report.Heading(T.ManualHeading);
        report.Line(T.ManualFirstHandout);
        report.Line(T.ManualSeedCorrection);
        report.Line(T.ManualChainRule);
        report.Table([T.Weight, T.ColAutograd, T.FiniteDifferences, T.FirstFormulas, T.Error, T.Corrected, T.Error],
            Enumerable.Range(0, 8).Select(i => (IReadOnlyList<string>)[
                $"w{i + 1}", Fmt.G(r.Autograd[i]), Fmt.G(r.Numeric[i]), Fmt.G(r.FirstFormulas[i]), Fmt.E(r.FirstErrors[i]),
                Fmt.G(r.CorrectedFormulas[i]), Fmt.E(r.CorrectedErrors[i])]));
        report.Line(Language.Format(T.ManualStepLosses, Fmt.G(r.LossBefore), Fmt.G(r.LossAfterAutogradStep), Fmt.G(r.LossAfterFirstFormulasStep)));
        report.Styled(Language.Format(T.VerdictLabel, r.LocalVerdict), "bold");
    }
}
