using Backprop.Lab.Experiments.TwoLayer;
using Backprop.Lab.Output;

namespace Backprop.Lab.Experiments.All;

/// <summary>
/// The answers to seed 003's questions, each a paragraph built from the run's numbers: change a setting and the answer
/// follows the numbers, not a text written in advance. The words come from LabText in the current UI language.
/// </summary>
internal static class SeedAnswers
{
    public static string G(double v) => Fmt.G(v);

    private static string F(string format, params object?[] args) => Language.Format(format, args);

    private static string Epochs(int n) => F(n == 1 ? T.EpochCountOne : T.EpochCountMany, n);

    private static string Weights(IEnumerable<int> indices) => string.Join(T.ListSeparator, indices.Select(i => $"w{i + 1}"));

    /// <summary>Questions 2-4: the first hand-derived gradients against autograd.</summary>
    public static string WhichGradientIsRight(LabRun run)
    {
        var m = run.ManualVsAutograd;
        var wrongSign = Enumerable.Range(0, 8).Where(i => Math.Sign(m.FirstFormulas[i]) != Math.Sign(m.Autograd[i])).ToList();
        int worst = Array.IndexOf(m.FirstErrors, m.FirstErrors.Max());
        string disagreement = m.FirstDisagree.Length == 0
            ? T.Q2FirstAgree
            : F(T.Q2FirstDisagree, string.Join(T.ListSeparator, m.FirstDisagree), worst + 1, G(m.FirstFormulas[worst]), G(m.Autograd[worst]),
                wrongSign.Count > 0 ? F(T.Q2WrongSign, Weights(wrongSign)) : T.Q2Period);
        string referee = m.AutogradMatchesNumeric
            ? F(T.Q2RefereeAgree, Fmt.E(m.NumericErrors.Max()), Fmt.E(m.FirstErrors.Max()))
            : F(T.Q2RefereeDisagree, Fmt.E(m.NumericErrors.Max()));
        string why = T.Q2Why +
            (m.CorrectedDisagree.Length == 0
                ? F(T.Q2CorrectedAgree, Fmt.E(m.CorrectedErrors.Max()))
                : F(T.Q2CorrectedDisagree, string.Join(T.ListSeparator, m.CorrectedDisagree)));
        string step = F(T.Q2Step, G(m.LossBefore), G(m.LossAfterAutogradStep), G(m.LossAfterFirstFormulasStep)) +
                      (m.LossAfterFirstFormulasStep > m.LossAfterAutogradStep ? T.Q2StepWorse : T.Q2Period);
        string compare = F(T.Q2Compare,
            Fmt.E(run.TwoLayerCompared.Comparison is { } c ? TwoLayerExperiment.MaxAbsDiff(c.Manual, c.Autograd) : double.NaN));
        return string.Join("\n\n", disagreement, referee, why, step, compare);
    }

    /// <summary>Question 5: torch.sigmoid against the sigmoid written out.</summary>
    public static string BuiltInSigmoid(LabRun run)
    {
        var s = run.Sweep;
        double d = s.SigmoidByHandMaxDifference;
        return F(T.Q5, s.Settings.Epochs, G(s.Settings.Lr), d == 0 ? T.Q5Identical : F(T.Q5Differ, Fmt.E(d)));
    }

    /// <summary>Question 6: sigmoid against ReLU (and tanh).</summary>
    public static string SigmoidVersusRelu(LabRun run)
    {
        var s = run.Sweep;
        var sig = s.Activations.First(c => c.Name == "sigmoid");
        var relu = s.Activations.First(c => c.Name == "relu");
        var tanh = s.Activations.First(c => c.Name == "tanh");
        int ten = Math.Min(10, sig.Losses.Count) - 1;
        var reluGrads = s.ActivationFirstGrads["relu"];
        var dead = Enumerable.Range(0, 8).Where(i => reluGrads[i] == 0).ToList();
        var y = TwoLayerNetwork.SeedTargets;
        string better = relu.Losses[ten] < sig.Losses[ten] ? T.Q6ReluAhead : T.Q6SigmoidAhead;
        double o1 = run.TwoLayer.FirstOutputs[0];
        return F(T.Q6, ten + 1, G(s.Settings.Lr), G(sig.Losses[ten]), G(relu.Losses[ten]), better,
                   sig.Losses.Count, G(sig.Losses[^1]), G(relu.Losses[^1]), G(o1 * (1 - o1))) +
               (dead.Count > 0 ? F(T.Q6Dead, Weights(dead)) : "") +
               F(T.Q6Range, G(y[1]), Fmt.List(sig.FinalOutputs), Fmt.List(relu.FinalOutputs), Fmt.List(tanh.FinalOutputs), G(tanh.Losses[^1]));
    }

    /// <summary>Question 7: nn.MSELoss and the missing ½.</summary>
    public static string MseLossAndTheHalf(LabRun run)
    {
        var g = run.Sweep.FirstGrads;
        var half = g["half-mse"];
        var mse = g["mse"];
        var perOutput = g["mse-per-output"];
        double same = half.Zip(mse, (a, b) => Math.Abs(a - b)).Max();
        var ratios = perOutput.Zip(half, (a, b) => a / b).ToArray();
        string factor = ratios.Max() - ratios.Min() < 1e-12 ? F(T.Q7Exactly, G(ratios[0])) : F(T.Q7Range, G(ratios.Min()), G(ratios.Max()));
        return F(T.Q7, Fmt.E(same), factor, G(perOutput[4]), G(half[4]));
    }

    /// <summary>Question 8: cross-entropy.</summary>
    public static string CrossEntropy(LabRun run)
    {
        var s = run.Sweep;
        var half = s.FirstGrads["half-mse"];
        var ce = s.FirstGrads["cross-entropy"];
        var flipped = Enumerable.Range(0, 8).Where(i => Math.Sign(half[i]) != Math.Sign(ce[i])).ToList();
        var ceCurve = s.Losses.First(c => c.Name == "cross-entropy");
        var mseCurve = s.Losses.First(c => c.Name == "half-mse");
        var y = TwoLayerNetwork.SeedTargets;
        double Dist(double[] o) => Math.Sqrt((o[0] - y[0]) * (o[0] - y[0]) + (o[1] - y[1]) * (o[1] - y[1]));
        return F(T.Q8, flipped.Count == 0 ? T.Q8NoWeight : Weights(flipped), G(ce[4]), G(half[4]), ceCurve.Losses.Count,
            Fmt.List(ceCurve.FinalOutputs), G(Dist(ceCurve.FinalOutputs)), Fmt.List(y), Fmt.List(mseCurve.FinalOutputs), G(Dist(mseCurve.FinalOutputs)));
    }

    /// <summary>Question 9: the learning rate and the number of epochs.</summary>
    public static string StepSize(LabRun run)
    {
        var s = run.Sweep;
        var set = s.Settings;
        int last = set.EpochCounts.Length - 1;
        var parts = new List<string>();
        for (int j = 0; j < set.EpochCounts.Length; j++)
        {
            int best = Enumerable.Range(0, set.Lrs.Length).MinBy(i => s.LossAfter[i, j]);
            parts.Add(F(T.Q9Part, Epochs(set.EpochCounts[j]), G(set.Lrs[best]), G(s.LossAfter[best, j])));
        }
        var rising = Enumerable.Range(0, set.Lrs.Length).Where(i => s.Rises[i]).Select(i => G(set.Lrs[i])).ToList();
        // Stuck: the loss barely moved over the whole run.
        var stuck = Enumerable.Range(0, set.Lrs.Length)
            .Where(i => s.LrCurves[i].Losses.Count > 2 && Math.Abs(s.LrCurves[i].Losses[^1] - s.LrCurves[i].Losses[1]) < 0.01 * s.LrCurves[i].Losses[1]).ToList();
        var y = TwoLayerNetwork.SeedTargets;
        double halfYSquared = 0.5 * (y[0] * y[0] + y[1] * y[1]);
        string text = F(T.Q9Best, string.Join(T.Q9PartJoin, parts), G(set.Lrs[0]), G(s.LossAfter[0, 0]), Epochs(set.EpochCounts[0]),
            G(s.LossAfter[0, last]), Epochs(set.EpochCounts[last]));
        text += rising.Count > 0 ? F(T.Q9Rising, string.Join(T.ListSeparator, rising)) : T.Q9NoRise;
        if (stuck.Count > 0)
        {
            var example = s.LrCurves[stuck[0]];
            text += F(T.Q9Stuck, string.Join(T.ListSeparator, stuck.Select(i => G(set.Lrs[i]))), G(example.Losses[^1]),
                Fmt.List(example.FinalOutputs), G(halfYSquared));
        }
        return text;
    }

    /// <summary>Question 10: random initial weights.</summary>
    public static string RandomInitialWeights(LabRun run)
    {
        var s = run.Sweep;
        var finals = s.Random.Select(r => r.Curve.Losses[^1]).ToList();
        var starts = s.Random.Select(r => r.Curve.Losses[0]).ToList();
        double fixedEnd = s.Fixed.Losses[^1];
        return F(T.Q10, G(s.Fixed.Losses[0]), G(fixedEnd), s.Fixed.Losses.Count, string.Join(T.ListSeparator, s.Random.Select(r => r.Seed)),
            G(starts.Min()), G(starts.Max()), G(finals.Min()), G(finals.Max()),
            G(Math.Max(finals.Max(), fixedEnd) / Math.Min(finals.Min(), fixedEnd)));
    }
}
