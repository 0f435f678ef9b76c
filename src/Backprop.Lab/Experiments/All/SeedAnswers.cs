using Backprop.Lab.Experiments.TwoLayer;
using Backprop.Lab.Output;

namespace Backprop.Lab.Experiments.All;

/// <summary>
/// The answers to seed 003's questions, each a paragraph built from the run's numbers: change a setting and the answer
/// follows the numbers, not a text written in advance.
/// </summary>
internal static class SeedAnswers
{
    public static string G(double v) => Fmt.G(v);

    private static string Epochs(int n) => n == 1 ? "1 epoch" : $"{n} epochs";

    private static string Weights(IEnumerable<int> indices) => string.Join(", ", indices.Select(i => $"w{i + 1}"));

    /// <summary>Questions 2-4: the first hand-derived gradients against autograd.</summary>
    public static string WhichGradientIsRight(LabRun run)
    {
        var m = run.ManualVsAutograd;
        var wrongSign = Enumerable.Range(0, 8).Where(i => Math.Sign(m.FirstFormulas[i]) != Math.Sign(m.Autograd[i])).ToList();
        int worst = Array.IndexOf(m.FirstErrors, m.FirstErrors.Max());
        string disagreement = m.FirstDisagree.Length == 0
            ? "The first hand-derived formulas agree with autograd on every weight at these settings."
            : $"The first hand-derived formulas (作业2) disagree with autograd on {string.Join(", ", m.FirstDisagree)} and agree on the rest; " +
              $"the largest error is on w{worst + 1}: {G(m.FirstFormulas[worst])} where autograd gives {G(m.Autograd[worst])}" +
              (wrongSign.Count > 0 ? $", and on {Weights(wrongSign)} even the sign is wrong." : ".");
        string referee = m.AutogradMatchesNumeric
            ? $"Finite differences, which need no derivation at all, side with autograd: they differ from it by at most {Fmt.E(m.NumericErrors.Max())} " +
              $"on all eight weights, against {Fmt.E(m.FirstErrors.Max())} for the first formulas. So autograd is right."
            : $"Finite differences disagree with autograd on some weights (largest difference {Fmt.E(m.NumericErrors.Max())}); check the settings.";
        string why =
            "Why: out_h1 reaches the loss through both outputs, along w5 to o1 and along w6 to o2, so the chain rule gives " +
            "dL/dw1 = (d_o1·o1(1−o1)·w5 + d_o2·o2(1−o2)·w6)·h1(1−h1)·x1. The first formulas write (d_w5 + d_w6) for that bracket, but " +
            "d_w5 = d_o1·o1(1−o1)·h1: they multiply each output's error signal by h1, the input of w5, instead of by w5, the weight that carries h1 forward. " +
            "The seed's fix, d_w5·w5/out_h1, swaps that h1 for w5. " +
            (m.CorrectedDisagree.Length == 0
                ? $"With it (and with the chain rule written out) the hand-derived gradients equal autograd's to {Fmt.E(m.CorrectedErrors.Max())}."
                : $"Even corrected, {string.Join(", ", m.CorrectedDisagree)} still disagree.");
        string step = $"One SGD step (lr 1) from L = {G(m.LossBefore)} reaches {G(m.LossAfterAutogradStep)} with autograd's gradients " +
                      $"and {G(m.LossAfterFirstFormulasStep)} with the first formulas'" +
                      (m.LossAfterFirstFormulasStep > m.LossAfterAutogradStep ? ": the wrong gradients still go downhill, but less far." : ".");
        string compare =
            "Question 4, the two methods: the hand derivation is one formula per weight, right only if every path through the network is found; " +
            $"autograd records the forward pass and applies each op's local derivative, and reproduces the corrected formulas to {Fmt.E(run.TwoLayerCompared.Comparison is { } c ? TwoLayerExperiment.MaxAbsDiff(c.Manual, c.Autograd) : double.NaN)} here.";
        return string.Join("\n\n", disagreement, referee, why, step, compare);
    }

    /// <summary>Question 5: torch.sigmoid against the sigmoid written out.</summary>
    public static string BuiltInSigmoid(LabRun run)
    {
        var s = run.Sweep;
        double d = s.SigmoidByHandMaxDifference;
        return $"Over {s.Settings.Epochs} epochs (SGD, lr {G(s.Settings.Lr)}) the loss curves with torch.sigmoid and with 1/(1 + exp(−z)) written out " +
               (d == 0 ? "are identical to the last bit" : $"differ by at most {Fmt.E(d)}, rounding") +
               ": the built-in computes the same function, so the results cannot differ beyond rounding; what it adds is a stable, fused backward (σ(1 − σ) from the saved output).";
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
        string better = relu.Losses[ten] < sig.Losses[ten] ? "ReLU is far ahead" : "sigmoid is ahead";
        return $"After {ten + 1} epochs (lr {G(s.Settings.Lr)}) the loss is {G(sig.Losses[ten])} with sigmoid and {G(relu.Losses[ten])} with ReLU: {better}; " +
               $"after {sig.Losses.Count}: {G(sig.Losses[^1])} against {G(relu.Losses[^1])}. " +
               $"Sigmoid's slope is at most ¼ and the seeds' outputs sit near 0.5, so every gradient is shrunk by o(1 − o) (here {G(run.TwoLayer.FirstOutputs[0] * (1 - run.TwoLayer.FirstOutputs[0]))} for o1) at each layer; ReLU passes the gradient unshrunk where a unit is on. " +
               (dead.Count > 0
                   ? $"But ReLU's first gradients for {Weights(dead)} are exactly 0: they lead into or out of units that start off (a negative input gives output 0 and slope 0), no gradient flows through an off unit, and so those weights do not learn. "
                   : "") +
               $"Neither can fit y2 = {G(y[1])}: sigmoid's outputs lie in (0, 1) and ReLU's in [0, ∞); they end at o = ({Fmt.List(sig.FinalOutputs)}) and ({Fmt.List(relu.FinalOutputs)}). " +
               $"tanh, whose range includes negative values, reaches ({Fmt.List(tanh.FinalOutputs)}) with loss {G(tanh.Losses[^1])}.";
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
        return $"nn.MSELoss() on the output vector (o1, o2) averages the two squared errors: ((o1 − y1)² + (o2 − y2)²)/2, which for two outputs is exactly the seeds' ½Σ(o − y)² " +
               $"(first gradients equal to {Fmt.E(same)}). Applied to each output separately and summed, MSELoss(o1, y1) + MSELoss(o2, y2) = (o1 − y1)² + (o2 − y2)² " +
               $"has no ½, and every gradient comes out {(ratios.Max() - ratios.Min() < 1e-12 ? $"exactly {G(ratios[0])}" : $"{G(ratios.Min())}–{G(ratios.Max())}")} times the hand-written one (e.g. dL/dw5 {G(perOutput[4])} against {G(half[4])}): " +
               "that is the difference the seed saw, and multiplying by ½ removes it. The factor only rescales the gradient, i.e. the learning rate.";
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
        return $"Cross-entropy treats (o1, o2) as scores for a softmax and y as class probabilities: dL/do_i = p_i(y1 + y2) − y_i instead of (o_i − y_i). " +
               $"The gradients differ in size and, for {(flipped.Count == 0 ? "no weight" : Weights(flipped))}, in sign (dL/dw5: {G(ce[4])} against {G(half[4])}). " +
               $"After {ceCurve.Losses.Count} epochs its outputs are ({Fmt.List(ceCurve.FinalOutputs)}), {G(Dist(ceCurve.FinalOutputs))} away from y = ({Fmt.List(y)}), " +
               $"against ({Fmt.List(mseCurve.FinalOutputs)}), {G(Dist(mseCurve.FinalOutputs))} away, with ½Σ(o − y)²: " +
               $"the targets are not a probability distribution (y2 is negative), so cross-entropy drives the outputs somewhere else; it is the loss for classification, not for fitting values.";
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
            parts.Add($"{Epochs(set.EpochCounts[j])}: lr {G(set.Lrs[best])} (loss {G(s.LossAfter[best, j])})");
        }
        var rising = Enumerable.Range(0, set.Lrs.Length).Where(i => s.Rises[i]).Select(i => G(set.Lrs[i])).ToList();
        // Stuck: the loss barely moved over the whole run.
        var stuck = Enumerable.Range(0, set.Lrs.Length)
            .Where(i => s.LrCurves[i].Losses.Count > 2 && Math.Abs(s.LrCurves[i].Losses[^1] - s.LrCurves[i].Losses[1]) < 0.01 * s.LrCurves[i].Losses[1]).ToList();
        var y = TwoLayerNetwork.SeedTargets;
        double halfYSquared = 0.5 * (y[0] * y[0] + y[1] * y[1]);
        string text = $"The best learning rate for each training length: {string.Join("; ", parts)}. " +
                      $"Within a suitable range, a larger step or more epochs lowers the loss (with lr {G(set.Lrs[0])} the loss goes from {G(s.LossAfter[0, 0])} after " +
                      $"{Epochs(set.EpochCounts[0])} to {G(s.LossAfter[0, last])} after {Epochs(set.EpochCounts[last])}). ";
        text += rising.Count > 0
            ? $"With lr {string.Join(", ", rising)} the loss rises at some steps: the step overshoots the minimum. "
            : "No learning rate in the grid made the loss rise. ";
        if (stuck.Count > 0)
        {
            var example = s.LrCurves[stuck[0]];
            text += $"With lr {string.Join(", ", stuck.Select(i => G(set.Lrs[i])))} it stays where it was after the first step, at {G(example.Losses[^1])}: " +
                    $"the first step throws the weights so far that the sigmoids saturate (outputs ({Fmt.List(example.FinalOutputs)})), their slope o(1 − o) is ~0, " +
                    $"and no gradient is left to learn with; {G(example.Losses[^1])} is ½(y1² + y2²) = {G(halfYSquared)}, the loss of outputs stuck at 0. " +
                    "Training longer does not help, as the seed observed.";
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
        return $"From the seeds' weights the loss goes {G(s.Fixed.Losses[0])} → {G(fixedEnd)} in {s.Fixed.Losses.Count} epochs; from torch.rand weights " +
               $"(seeds {string.Join(", ", s.Random.Select(r => r.Seed))}) it starts anywhere in {G(starts.Min())}–{G(starts.Max())} and ends in {G(finals.Min())}–{G(finals.Max())}, " +
               $"within a factor {G(Math.Max(finals.Max(), fixedEnd) / Math.Min(finals.Min(), fixedEnd))} of the fixed start. " +
               "The starting point changes the first losses and the path, not where training ends: with enough epochs every start reaches the same kind of fit " +
               "(the sigmoid outputs cannot reach y2 < 0 from any start).";
    }
}
