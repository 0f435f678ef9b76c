using System.Text;
using Backprop.Lab.Experiments.Broadcast;
using Backprop.Lab.Experiments.TwoLayer;
using Backprop.Lab.Output;

namespace Backprop.Lab.Experiments.All;

/// <summary>lab-out/REPORT.md: every experiment's tables, the plots, and the answers to seed 003's questions.</summary>
internal static class MarkdownReport
{
    /// <summary>The section headings, in order (the tests check that each is there).</summary>
    public static readonly string[] Sections =
    [
        "## Two-layer network (seeds 000, 003)",
        "## Hand-derived gradients against autograd (seed 003, questions 2-4)",
        "## Three-by-three (seed 004)",
        "## Linear model (seed 001)",
        "## Regression (seed 002)",
        "## Computational graph (seed 002)",
        "## Broadcasting (seed 001)",
        "## Sweep (seed 003, questions 5-10)",
        "## Answers to seed 003's questions",
        "### Which gradient is right, and why (questions 2-4)",
        "### torch.sigmoid (question 5)",
        "### Sigmoid vs ReLU (question 6)",
        "### MSELoss and the missing ½ (question 7)",
        "### Cross-entropy (question 8)",
        "### Step size and epochs (question 9)",
        "### Random initial weights (question 10)",
    ];

    public static string Build(LabRun run, IReadOnlyList<(string What, string File)> plots, string graphSvg)
    {
        var md = new StringBuilder();
        string Section(int i) => Sections[i];
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
            foreach (var (w, file) in plots.Where(p => p.What == what)) Line($"![{w}]({file})");
            Line();
        }
        string dtype = run.DType == DType.Float64 ? "float64" : "float32";

        Line("# Backprop lab report");
        Line();
        Line($"Every experiment at the seeds' defaults, computed in {dtype} by `dotnet run --project src/Backprop.Lab -- all`. " +
             "Each experiment also runs alone (`-- <experiment> --help` lists its options); with `--json` it prints the record that " +
             "`lab_torch.py` prints for the same options, and the tests check the two agree to 1e-9.");
        Line();

        var t = run.TwoLayer;
        Line(Section(0));
        Line();
        Line("h1 = σ(w1·x1 + w3·x2), h2 = σ(w2·x1 + w4·x2), o1 = σ(w5·h1 + w7·h2), o2 = σ(w6·h1 + w8·h2), L = ½(o1 − y1)² + ½(o2 − y2)²; " +
             $"x = ({Fmt.List(t.Settings.X)}), y = ({Fmt.List(t.Settings.Y)}), one SGD step with lr {Fmt.G(t.Settings.Lr)} (question 1: the seeds' program, in C#).");
        Line();
        Line($"Outputs ({Fmt.List(t.FirstOutputs, Fmt.R)}), loss {Fmt.R(t.FirstLoss)}.");
        Line();
        Table(["weight", "start", "dL/dw", "after the step"],
            Enumerable.Range(0, 8).Select(i => new[] { $"w{i + 1}", Fmt.R(t.StartWeights[i]), Fmt.R(t.FirstGrads[i]), Fmt.R(t.FinalWeights[i]) }));
        Line("The chain rule with its numbers (`two-layer --explain`):");
        Line();
        Line("```");
        foreach (var line in t.Explanation) Line(line);
        Line("```");
        Line();

        var m = run.ManualVsAutograd;
        Line(Section(1));
        Line();
        Table(["weight", "autograd", "finite differences", "first formulas (作业2)", "error", "corrected", "error"],
            Enumerable.Range(0, 8).Select(i => new[]
            {
                $"w{i + 1}", Fmt.G(m.Autograd[i]), Fmt.G(m.Numeric[i]), Fmt.G(m.FirstFormulas[i]), Fmt.E(m.FirstErrors[i]),
                Fmt.G(m.CorrectedFormulas[i]), Fmt.E(m.CorrectedErrors[i]),
            }));
        Line($"**Verdict:** {m.Verdict}");
        Line();

        var th = run.ThreeByThree;
        Line(Section(2));
        Line();
        Line($"Linear(3, 3, bias=False) + sigmoid + MSE, x = ({Fmt.List(th.Settings.X)}), y = ({Fmt.List(th.Settings.Y)}), " +
             $"{(th.Settings.Adam ? "Adam" : "SGD")} lr {Fmt.G(th.Settings.EffectiveLr)}, {th.Settings.Steps} step(s). Loss {Fmt.R(th.Losses[0])}.");
        Line();
        Table(["w[out,in]", "autograd dL/dw", "hand-written (transposed)", "after the library's step", "after the hand-written step"],
            Enumerable.Range(0, 9).Select(k => new[]
            {
                $"w[{k / 3},{k % 3}]", Fmt.R(th.FirstGrad[k]), Fmt.R(th.HandFirstGrad[k]), Fmt.R(th.FinalWeights[k]), Fmt.R(th.HandFinalWeights[k]),
            }));
        Line($"Largest difference between the hand-written gradient and autograd's: {Fmt.E(th.FirstGrad.Zip(th.HandFirstGrad, (a, b) => Math.Abs(a - b)).Max())}; " +
             $"between the hand-written and the library's optimizer step: {Fmt.E(th.MaxStepDifference)}.");
        Line();

        var li = run.Linear;
        Line(Section(3));
        Line();
        Line($"y = w·x on ({string.Join("), (", li.Settings.X.Zip(li.Settings.Y, (a, b) => $"{Fmt.G(a)}, {Fmt.G(b)}"))}), one SGD step per sample, lr {Fmt.G(li.Settings.Lr)}, {li.Settings.Epochs} epochs.");
        Line();
        Line($"First epoch's gradients: {Fmt.List(li.FirstEpochGrads)}. w = {Fmt.R(li.W)}; prediction at x = {Fmt.G(li.Settings.Predict)}: " +
             $"{Fmt.R(li.PredictionBefore)} before, {Fmt.R(li.Prediction)} after training. Last loss {Fmt.G(li.Losses[^1])}.");
        Line();
        Image("linear");

        var r = run.Regression;
        Line(Section(4));
        Line();
        Line($"{r.Xs.Length} points of y = 3x + 1 (x = torch.rand after manual_seed({r.Settings.Seed})), w and b from {Fmt.G(r.Settings.W0)}, " +
             $"{r.Settings.Iters} gradient-descent steps with lr {Fmt.G(r.Settings.Lr)}: w = {Fmt.R(r.W)}, b = {Fmt.R(r.B)} " +
             $"(loss {Fmt.G(r.Losses[0])} → {Fmt.G(r.Losses[^1])}).");
        Line();
        Image("regression fit");
        Image("regression loss");

        var g = run.Graph;
        Line(Section(5));
        Line();
        Line($"J(a, b, c) = 3(a + b·c) at a = {Fmt.G(g.A)}, b = {Fmt.G(g.B)}, c = {Fmt.G(g.C)}: J = {Fmt.R(g.J)}; " +
             $"dJ/da = 3 = {Fmt.R(g.GradA)}, dJ/db = 3c = {Fmt.R(g.GradB)}, dJ/dc = 3b = {Fmt.R(g.GradC)}.");
        Line();
        Line($"![the recorded graph, every box with its value and gradient]({graphSvg}) (also as Graphviz DOT: [{LabRun.Files.Graph}]({LabRun.Files.Graph}))");
        Line();
        Line("```dot");
        Line(g.Dot.TrimEnd());
        Line("```");
        Line();

        Line(Section(6));
        Line();
        Table(["case", "a", "b", "result"],
            run.Broadcast.Select(c => new[]
            {
                c.Name, $"`{c.A.Text}` {NestedList.FormatShape(c.A.Shape)}", $"`{c.B.Text}` {NestedList.FormatShape(c.B.Shape)}",
                c.Error is null ? $"shape {NestedList.FormatShape(c.ResultShape!)}" : $"error: {c.Error}",
            }));

        var s = run.Sweep;
        Line(Section(7));
        Line();
        Line("Loss after training, by learning rate and epochs (SGD, sigmoid, ½Σ(o − y)², the seeds' weights):");
        Line();
        Table(["lr", .. s.Settings.EpochCounts.Select(e => $"{e} epochs"), "loss ever rose"],
            Enumerable.Range(0, s.Settings.Lrs.Length).Select(i => (IEnumerable<string>)[
                Fmt.G(s.Settings.Lrs[i]), .. Enumerable.Range(0, s.Settings.EpochCounts.Length).Select(j => Fmt.G(s.LossAfter[i, j])), s.Rises[i] ? "yes" : "no"]));
        Image("lr × epochs heatmap");
        Image("loss curves per learning rate");
        Table(["activation", "loss at epoch 1", $"loss at epoch {s.Settings.Epochs}", "outputs at the end"],
            s.Activations.Select(c => new[] { c.Name, Fmt.G(c.Losses[0]), Fmt.G(c.Losses[^1]), Fmt.List(c.FinalOutputs) }));
        Image("activation curves");
        Table(["loss", "dL/dw1", "dL/dw2", "dL/dw3", "dL/dw4", "dL/dw5", "dL/dw6", "dL/dw7", "dL/dw8"],
            s.FirstGrads.Select(kv => (IEnumerable<string>)[kv.Key, .. kv.Value.Select(Fmt.G)]));
        Table(["loss", "loss at epoch 1", $"loss at epoch {s.Settings.Epochs}", "outputs at the end"],
            s.Losses.Select(c => new[] { c.Name, Fmt.G(c.Losses[0]), Fmt.G(c.Losses[^1]), Fmt.List(c.FinalOutputs) }));
        Image("loss-function curves");
        Table(["start", "weights", "loss at epoch 1", $"loss at epoch {s.Settings.Epochs}"],
            new[] { new[] { "fixed", Fmt.List(TwoLayerNetwork.SeedWeights), Fmt.G(s.Fixed.Losses[0]), Fmt.G(s.Fixed.Losses[^1]) } }
                .Concat(s.Random.Select(x => new[] { $"torch.rand, seed {x.Seed}", Fmt.List(x.Start), Fmt.G(x.Curve.Losses[0]), Fmt.G(x.Curve.Losses[^1]) })));
        Image("initial-weight curves");

        Line(Section(8));
        Line();
        Line("Each answer is written from this run's numbers above.");
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
