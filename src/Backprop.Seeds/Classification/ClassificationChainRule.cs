using System.Globalization;
using System.Text;
using Backprop.Seeds.Texts;

namespace Backprop.Seeds.Classification;

/// <summary>
/// The gradient of one weight of a classifier, derived by hand through the layers (backpropagation written out, in
/// double) beside autograd's, over the whole training set at the current weights: the chain rule's formula, its
/// terms for the first training point, the sum and the penalty's share. The words are SeedText's, in the current UI
/// language; the numbers are formatted invariantly.
/// </summary>
public sealed record ClassificationChainRule(IReadOnlyList<string> Lines, double ByHand, double Autograd)
{
    /// <summary>The name of unit <paramref name="unit"/> of layer <paramref name="layer"/> (0: the features, then h1.1…, last: the output, "out" in English).</summary>
    public static string UnitName(ClassificationSettings settings, int layer, int unit)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (layer == 0) return FeatureName(settings.Features[unit]);
        if (layer == settings.Hidden.Count + 1) return SeedText.Classification_Output;
        return $"h{layer}.{unit + 1}";
    }

    public static string FeatureName(Feature f) => f switch
    {
        Feature.X1 => "x1", Feature.X2 => "x2", Feature.X1Squared => "x1²", Feature.X2Squared => "x2²",
        Feature.X1X2 => "x1·x2", Feature.SinX1 => "sin x1", _ => "sin x2",
    };

    /// <summary>dL/dw for w = Layers[layer].weight[j, i] (from unit i of the layer below to unit j).</summary>
    public static ClassificationChainRule Derive(ClassificationSession session, int layer, int j, int i)
    {
        ArgumentNullException.ThrowIfNull(session);
        var s = session.Settings;
        int depth = session.Layers.Count;
        if (layer < 0 || layer >= depth) throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Classification: layer must be 0 to {depth - 1}.");
        var weight = session.Layers[layer].Weight;
        if (j < 0 || j >= weight.Shape[0] || i < 0 || i >= weight.Shape[1])
            throw new ArgumentOutOfRangeException(nameof(j), $"Classification: layer {layer} has a [{weight.Shape[0]}, {weight.Shape[1]}] weight; [{j}, {i}] is outside it.");

        var (x, y) = session.TrainingSet;
        int n = x.Shape[0];
        double[] labels = y.ToDoubleArray();
        // The forward pass in double: a[k] is layer k's input ([n, in]), z[k] its output before the activation.
        var W = session.Layers.Select(l => l.Weight.ToDoubleArray()).ToArray();
        var B = session.Layers.Select(l => l.Bias!.ToDoubleArray()).ToArray();
        var widths = session.Layers.Select(l => l.Weight.Shape[0]).ToArray();
        var a = new double[depth + 1][];
        var z = new double[depth][];
        a[0] = x.ToDoubleArray();
        int width = x.Shape[1];
        for (int k = 0; k < depth; k++)
        {
            int outs = widths[k];
            z[k] = new double[n * outs];
            a[k + 1] = new double[n * outs];
            for (int p = 0; p < n; p++)
                for (int o = 0; o < outs; o++)
                {
                    double sum = B[k][o];
                    for (int q = 0; q < width; q++) sum += a[k][p * width + q] * W[k][o * width + q];
                    z[k][p * outs + o] = sum;
                    a[k + 1][p * outs + o] = k == depth - 1 ? sum : Activate(s.Activation, sum);
                }
            width = outs;
        }
        // δ[k] = dL/dz[k]: at the logit (σ(z) − y)/n (BCEWithLogits, mean), then back through each layer's weight.
        var delta = new double[depth][];
        delta[depth - 1] = new double[n];
        for (int p = 0; p < n; p++) delta[depth - 1][p] = (Sigmoid(z[depth - 1][p]) - labels[p]) / n;
        for (int k = depth - 2; k >= layer; k--)
        {
            int units = widths[k], above = widths[k + 1];
            delta[k] = new double[n * units];
            for (int p = 0; p < n; p++)
                for (int u = 0; u < units; u++)
                {
                    double back = 0;
                    for (int o = 0; o < above; o++) back += W[k + 1][o * units + u] * delta[k + 1][p * above + o];
                    delta[k][p * units + u] = Derivative(s.Activation, z[k][p * units + u], a[k + 1][p * units + u]) * back;
                }
        }
        int ins = session.Layers[layer].Weight.Shape[1], unitsHere = widths[layer];
        double sumTerms = 0;
        for (int p = 0; p < n; p++) sumTerms += delta[layer][p * unitsHere + j] * a[layer][p * ins + i];
        double w = W[layer][j * ins + i];
        double penalty = s.Regularization switch
        {
            Regularization.L1 => s.RegularizationRate * Math.Sign(w),
            Regularization.L2 => 2 * s.RegularizationRate * w,
            _ => 0,
        };
        double byHand = sumTerms + penalty;

        var objective = session.Objective(x, y);
        double autograd = Backprop.Autograd.Grad([objective], [weight])[0]!.ToDoubleArray()[j * ins + i];

        string from = UnitName(s, layer, i), to = UnitName(s, layer + 1, j), output = SeedText.Classification_Output;
        var lines = new List<string>
        {
            Language.Format(SeedText.Classification_Weight, layer + 1, j, i, from, to, R(w)),
            $"dL/dw = Σₙ δ({to})ₙ · {from}ₙ" + PenaltyFormula(s.Regularization),
            Language.Format(SeedText.Classification_OutputDelta, output, n),
        };
        for (int k = depth - 2; k >= layer; k--)
        {
            string unit = k == layer ? UnitName(s, k + 1, j) : $"h{k + 1}.u";
            string next = k + 1 == depth - 1 ? output : $"h{k + 2}.k";
            lines.Add($"δ({unit})ₙ = {DerivativeFormula(s.Activation, unit)} · Σₖ w({next} ← {unit}) · δ({next})ₙ");
        }
        lines.Add(Language.Format(SeedText.Classification_FirstPoint, R(labels[0])));
        lines.Add($"  δ({output}) = (σ({G(z[depth - 1][0])}) − {R(labels[0])}) / {n} = {G(delta[depth - 1][0])}");
        for (int k = depth - 2; k >= layer; k--)
        {
            int units = widths[k], above = widths[k + 1];
            for (int u = 0; u < units; u++)
            {
                if (k == layer && u != j) continue;
                var sb = new StringBuilder();
                sb.Append(CultureInfo.InvariantCulture, $"  δ({UnitName(s, k + 1, u)}) = {G(Derivative(s.Activation, z[k][u], a[k + 1][u]))} · (");
                for (int o = 0; o < above; o++)
                {
                    if (o > 0) sb.Append(" + ");
                    sb.Append(CultureInfo.InvariantCulture, $"{G(W[k + 1][o * units + u])} · {G(delta[k + 1][o])}");
                }
                sb.Append(CultureInfo.InvariantCulture, $") = {G(delta[k][u])}");
                lines.Add(sb.ToString());
            }
        }
        lines.Add($"  δ({to}) · {from} = {G(delta[layer][j])} · {G(a[layer][i])} = {G(delta[layer][j] * a[layer][i])}");
        lines.Add(Language.Format(SeedText.Classification_Sum, n, R(sumTerms)));
        if (s.Regularization != Regularization.None)
            lines.Add(s.Regularization == Regularization.L1
                ? Language.Format(SeedText.Classification_PenaltyL1, R(s.RegularizationRate), Math.Sign(w), R(penalty))
                : Language.Format(SeedText.Classification_PenaltyL2, R(s.RegularizationRate), G(w), R(penalty)));
        lines.Add(Language.Format(SeedText.Classification_ByHand, R(byHand)));
        return new ClassificationChainRule(lines, byHand, autograd);
    }

    private static string PenaltyFormula(Regularization r) => r switch
    {
        Regularization.L1 => " + λ·sign(w)",
        Regularization.L2 => " + 2λ·w",
        _ => "",
    };

    private static string DerivativeFormula(HiddenActivation act, string unit) => act switch
    {
        HiddenActivation.Tanh => $"(1 − {unit}ₙ²)",
        HiddenActivation.Sigmoid => $"{unit}ₙ(1 − {unit}ₙ)",
        HiddenActivation.Relu => $"[z({unit})ₙ > 0]",
        _ => "1",
    };

    private static double Activate(HiddenActivation act, double v) => act switch
    {
        HiddenActivation.Tanh => Math.Tanh(v),
        HiddenActivation.Relu => Math.Max(v, 0),
        HiddenActivation.Sigmoid => Sigmoid(v),
        _ => v,
    };

    private static double Derivative(HiddenActivation act, double z, double a) => act switch
    {
        HiddenActivation.Tanh => 1 - a * a,
        HiddenActivation.Relu => z > 0 ? 1 : 0,
        HiddenActivation.Sigmoid => a * (1 - a),
        _ => 1,
    };

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    private static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
