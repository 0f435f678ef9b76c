using System.Text;
using Backprop.Lab.Experiments.Broadcast;
using Backprop.Lab.Experiments.TwoLayer;
using Backprop.Lab.Output;

namespace Backprop.Lab.Experiments.All;

/// <summary>lab-out/REPORT.md: every experiment's tables, the plots, and the answers to seed 003's questions.</summary>
internal static class MarkdownReport
{
    /// <summary>The section headings in the current UI language, in order (the tests check that each is there).</summary>
    public static string[] Sections =>
    [
        T.SectionTwoLayer,
        T.SectionManual,
        T.SectionThree,
        T.SectionLinear,
        T.SectionRegression,
        T.SectionGraph,
        T.SectionBroadcast,
        T.SectionSweep,
        T.SectionAnswers,
        T.SectionQ2,
        T.SectionQ5,
        T.SectionQ6,
        T.SectionQ7,
        T.SectionQ8,
        T.SectionQ9,
        T.SectionQ10,
    ];

    public static string Build(LabRun run, IReadOnlyList<(string What, string File)> plots, string graphSvg)
    {
        var md = new StringBuilder();
        var sections = Sections;
        string Section(int i) => sections[i];
        void Line(string text = "") => md.Append(text).Append('\n');
        void Table(IReadOnlyList<string> headers, IEnumerable<IEnumerable<string>> rows)
        {
            Line("| " + string.Join(" | ", headers) + " |");
            Line("|" + string.Concat(headers.Select(_ => " --- |")));
            foreach (var row in rows) Line("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
            Line();
        }
        void Image(string what)
        {
            foreach (var (w, file) in plots.Where(p => p.What == what)) Line($"![{Sweep.SweepExperiment.PlotCaption(w)}]({file})");
            Line();
        }
        string dtype = run.DType == DType.Float64 ? "float64" : "float32";

        Line(T.ReportTitle);
        Line();
        Line(Language.Format(T.ReportIntro, dtype));
        Line();

        var t = run.TwoLayer;
        Line(Section(0));
        Line();
        Line(Language.Format(T.ReportTwoLayerModel, Fmt.List(t.Settings.X), Fmt.List(t.Settings.Y), Fmt.G(t.Settings.Lr)));
        Line();
        Line(Language.Format(T.ReportTwoLayerOutputs, Fmt.List(t.FirstOutputs, Fmt.R), Fmt.R(t.FirstLoss)));
        Line();
        Table([T.Weight, T.Start, "dL/dw", T.AfterTheStep],
            Enumerable.Range(0, 8).Select(i => new[] { $"w{i + 1}", Fmt.R(t.StartWeights[i]), Fmt.R(t.FirstGrads[i]), Fmt.R(t.FinalWeights[i]) }));
        Line(T.ReportChainRule);
        Line();
        Line("```");
        foreach (var line in t.Explanation) Line(line);
        Line("```");
        Line();

        var m = run.ManualVsAutograd;
        Line(Section(1));
        Line();
        Table([T.Weight, T.ColAutograd, T.FiniteDifferences, T.FirstFormulasHomework, T.Error, T.Corrected, T.Error],
            Enumerable.Range(0, 8).Select(i => new[]
            {
                $"w{i + 1}", Fmt.G(m.Autograd[i]), Fmt.G(m.Numeric[i]), Fmt.G(m.FirstFormulas[i]), Fmt.E(m.FirstErrors[i]),
                Fmt.G(m.CorrectedFormulas[i]), Fmt.E(m.CorrectedErrors[i]),
            }));
        Line(Language.Format(T.ReportVerdict, m.LocalVerdict));
        Line();

        var th = run.ThreeByThree;
        Line(Section(2));
        Line();
        Line(Language.Format(T.ReportThreeModel, Fmt.List(th.Settings.X), Fmt.List(th.Settings.Y), th.Settings.Adam ? "Adam" : "SGD",
            Fmt.G(th.Settings.EffectiveLr), Language.Format(T.Steps, th.Settings.Steps), Fmt.R(th.Losses[0])));
        Line();
        Table(["w[out,in]", T.ThreeAutogradGrad, T.ThreeHandGrad, T.AfterLibraryStep, T.AfterHandStep],
            Enumerable.Range(0, 9).Select(k => new[]
            {
                $"w[{k / 3},{k % 3}]", Fmt.R(th.FirstGrad[k]), Fmt.R(th.HandFirstGrad[k]), Fmt.R(th.FinalWeights[k]), Fmt.R(th.HandFinalWeights[k]),
            }));
        Line(Language.Format(T.ReportThreeDifferences, Fmt.E(th.FirstGrad.Zip(th.HandFirstGrad, (a, b) => Math.Abs(a - b)).Max()), Fmt.E(th.MaxStepDifference)));
        Line();

        var li = run.Linear;
        Line(Section(3));
        Line();
        Line(Language.Format(T.ReportLinearModel, string.Join("), (", li.Settings.X.Zip(li.Settings.Y, (a, b) => $"{Fmt.G(a)}, {Fmt.G(b)}")),
            Fmt.G(li.Settings.Lr), li.Settings.Epochs));
        Line();
        Line(Language.Format(T.ReportLinearResult, Fmt.List(li.FirstEpochGrads), Fmt.R(li.W), Fmt.G(li.Settings.Predict),
            Fmt.R(li.PredictionBefore), Fmt.R(li.Prediction), Fmt.G(li.Losses[^1])));
        Line();
        Image("linear");

        var r = run.Regression;
        Line(Section(4));
        Line();
        Line(Language.Format(T.ReportRegression, r.Xs.Length, r.Settings.Seed, Fmt.G(r.Settings.W0), r.Settings.Iters, Fmt.G(r.Settings.Lr),
            Fmt.R(r.W), Fmt.R(r.B), Fmt.G(r.Losses[0]), Fmt.G(r.Losses[^1])));
        Line();
        Image("regression fit");
        Image("regression loss");

        var g = run.Graph;
        Line(Section(5));
        Line();
        Line(Language.Format(T.ReportGraph, Fmt.G(g.A), Fmt.G(g.B), Fmt.G(g.C), Fmt.R(g.J), Fmt.R(g.GradA), Fmt.R(g.GradB), Fmt.R(g.GradC)));
        Line();
        Line($"![{T.ReportGraphImage}]({graphSvg}) " + Language.Format(T.ReportGraphDotToo, LabRun.Files.Graph));
        Line();
        Line("```dot");
        Line(g.Dot.TrimEnd());
        Line("```");
        Line();

        Line(Section(6));
        Line();
        Table([T.CaseColumn, "a", "b", T.ResultColumn],
            run.Broadcast.Select(c => new[]
            {
                c.Title, $"`{c.A.Text}` {NestedList.FormatShape(c.A.Shape)}", $"`{c.B.Text}` {NestedList.FormatShape(c.B.Shape)}",
                c.Error is null ? Language.Format(T.ShapeCell, NestedList.FormatShape(c.ResultShape!)) : Language.Format(T.ErrorCell, c.Error),
            }));

        var s = run.Sweep;
        Line(Section(7));
        Line();
        Line(T.ReportSweepIntro);
        Line();
        Table([T.LrColumn, .. s.Settings.EpochCounts.Select(e => Language.Format(T.EpochsColumn, e)), T.LossEverRose],
            Enumerable.Range(0, s.Settings.Lrs.Length).Select(i => (IEnumerable<string>)[
                Fmt.G(s.Settings.Lrs[i]), .. Enumerable.Range(0, s.Settings.EpochCounts.Length).Select(j => Fmt.G(s.LossAfter[i, j])), s.Rises[i] ? T.Yes : T.No]));
        Image("lr × epochs heatmap");
        Image("loss curves per learning rate");
        Table([T.ActivationColumn, Language.Format(T.LossAtEpoch, 1), Language.Format(T.LossAtEpoch, s.Settings.Epochs), T.OutputsAtEnd],
            s.Activations.Select(c => new[] { c.Name, Fmt.G(c.Losses[0]), Fmt.G(c.Losses[^1]), Fmt.List(c.FinalOutputs) }));
        Image("activation curves");
        Table([T.LossFunctionColumn, "dL/dw1", "dL/dw2", "dL/dw3", "dL/dw4", "dL/dw5", "dL/dw6", "dL/dw7", "dL/dw8"],
            s.FirstGrads.Select(kv => (IEnumerable<string>)[kv.Key, .. kv.Value.Select(Fmt.G)]));
        Table([T.LossFunctionColumn, Language.Format(T.LossAtEpoch, 1), Language.Format(T.LossAtEpoch, s.Settings.Epochs), T.OutputsAtEnd],
            s.Losses.Select(c => new[] { c.Name, Fmt.G(c.Losses[0]), Fmt.G(c.Losses[^1]), Fmt.List(c.FinalOutputs) }));
        Image("loss-function curves");
        Table([T.Start, T.WeightsColumn, Language.Format(T.LossAtEpoch, 1), Language.Format(T.LossAtEpoch, s.Settings.Epochs)],
            new[] { new[] { T.InitFixed, Fmt.List(TwoLayerNetwork.SeedWeights), Fmt.G(s.Fixed.Losses[0]), Fmt.G(s.Fixed.Losses[^1]) } }
                .Concat(s.Random.Select(x => new[] { Language.Format(T.InitRandomSeed, x.Seed), Fmt.List(x.Start), Fmt.G(x.Curve.Losses[0]), Fmt.G(x.Curve.Losses[^1]) })));
        Image("initial-weight curves");

        Line(Section(8));
        Line();
        Line(T.ReportAnswersIntro);
        Line();
        (int Index, string Text)[] answers =
        [
            (9, SeedAnswers.WhichGradientIsRight(run)),
            (10, SeedAnswers.BuiltInSigmoid(run)),
            (11, SeedAnswers.SigmoidVersusRelu(run)),
            (12, SeedAnswers.MseLossAndTheHalf(run)),
            (13, SeedAnswers.CrossEntropy(run)),
            (14, SeedAnswers.StepSize(run)),
            (15, SeedAnswers.RandomInitialWeights(run)),
        ];
        foreach (var (index, text) in answers)
        {
            Line(Section(index));
            Line();
            Line(text);
            Line();
        }
        return md.ToString();
    }
}
