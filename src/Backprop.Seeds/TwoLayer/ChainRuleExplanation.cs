using System.Globalization;
using Backprop.Seeds.Texts;

namespace Backprop.Seeds.TwoLayer;

/// <summary>
/// --explain: every forward value, then for each weight the chain-rule product, first in symbols and then with its
/// numbers, e.g. dL/dw5 = (o1 - y1) · o1(1 - o1) · h1 = (0.476946 - 0.23) · 0.476946·(1 - 0.476946) · 0.562177 = 0.034633.
/// </summary>
public static class ChainRuleExplanation
{
    public static IReadOnlyList<string> Lines(TwoLayerNetwork net, ForwardPass f, double lr, bool sgd)
    {
        double V(Tensor t) => t.Item();
        double x1 = V(net.X1), x2 = V(net.X2), y1 = V(net.Y1), y2 = V(net.Y2);
        var w = net.W.Select(V).ToArray();
        double h1 = V(f.OutH1), h2 = V(f.OutH2), o1 = V(f.OutO1), o2 = V(f.OutO2);
        string act = ActivationName(net.Activation);
        var lines = new List<string>();

        lines.Add(SeedText.ChainForward);
        lines.Add($"  in_h1 = w1·x1 + w3·x2 = {N(w[0])}·{N(x1)} + {N(w[2])}·{N(x2)} = {G(V(f.InH1))}");
        lines.Add($"  h1 = {act}(in_h1) = {G(h1)}");
        lines.Add($"  in_h2 = w2·x1 + w4·x2 = {N(w[1])}·{N(x1)} + {N(w[3])}·{N(x2)} = {G(V(f.InH2))}");
        lines.Add($"  h2 = {act}(in_h2) = {G(h2)}");
        lines.Add($"  in_o1 = w5·h1 + w7·h2 = {N(w[4])}·{N(h1)} + {N(w[6])}·{N(h2)} = {G(V(f.InO1))}");
        lines.Add($"  o1 = {act}(in_o1) = {G(o1)}");
        lines.Add($"  in_o2 = w6·h1 + w8·h2 = {N(w[5])}·{N(h1)} + {N(w[7])}·{N(h2)} = {G(V(f.InO2))}");
        lines.Add($"  o2 = {act}(in_o2) = {G(o2)}");
        lines.Add($"  L = {LossFormula(net.Loss)} = {G(V(f.Loss))}");

        var (d1, d2) = HandDerivedGradients.LossSlopes(net, f.OutO1.Detach(), f.OutO2.Detach());
        double dO1 = V(d1), dO2 = V(d2);
        double sO1 = V(HandDerivedGradients.Slope(net, f.OutO1.Detach())), sO2 = V(HandDerivedGradients.Slope(net, f.OutO2.Detach()));
        double sH1 = V(HandDerivedGradients.Slope(net, f.OutH1.Detach())), sH2 = V(HandDerivedGradients.Slope(net, f.OutH2.Detach()));
        var grads = HandDerivedGradients.Corrected(net, f).Select(V).ToArray();

        lines.Add(SeedText.ChainBackward);
        if (net.Loss == LossKind.CrossEntropy)
        {
            var p = TwoLayerNetwork.Outputs(f.OutO1.Detach(), f.OutO2.Detach()).Softmax(0).ToDoubleArray();
            lines.Add($"  p = softmax(o1, o2) = ({N(p[0])}, {N(p[1])})");
        }
        lines.Add($"  dL/do1 = {LossSlope(net.Loss, 1)} = {LossSlopeNumbers(net.Loss, o1, y1, y1, y2, net, f, 0)} = {G(dO1)}");
        lines.Add($"  dL/do2 = {LossSlope(net.Loss, 2)} = {LossSlopeNumbers(net.Loss, o2, y2, y1, y2, net, f, 1)} = {G(dO2)}");
        lines.Add($"  do1/din_o1 = {Slope(net.Activation, "o1")} = {SlopeNumbers(net.Activation, o1)} = {G(sO1)}");
        lines.Add($"  do2/din_o2 = {Slope(net.Activation, "o2")} = {SlopeNumbers(net.Activation, o2)} = {G(sO2)}");
        lines.Add($"  dh1/din_h1 = {Slope(net.Activation, "h1")} = {SlopeNumbers(net.Activation, h1)} = {G(sH1)}");
        lines.Add($"  dh2/din_h2 = {Slope(net.Activation, "h2")} = {SlopeNumbers(net.Activation, h2)} = {G(sH2)}");

        // Output weights: three factors.
        void Output(int k, int o, string h, double oVal, double yVal, double hVal)
        {
            string yName = $"y{o}", oName = $"o{o}";
            lines.Add($"  dL/dw{k} = dL/d{oName} · d{oName}/din_{oName} · din_{oName}/dw{k} = {LossSlope(net.Loss, o)} · {Slope(net.Activation, oName)} · {h}");
            string lossNumbers = net.Loss == LossKind.HalfMse ? $"({N(oVal)} - {N(yVal)})" : N(o == 1 ? dO1 : dO2);
            lines.Add($"         = {lossNumbers} · {SlopeNumbers(net.Activation, oVal)} · {N(hVal)} = {G(grads[k - 1])}");
        }
        Output(5, 1, "h1", o1, y1, h1);
        Output(6, 2, "h1", o2, y2, h1);
        Output(7, 1, "h2", o1, y1, h2);
        Output(8, 2, "h2", o2, y2, h2);

        // Hidden weights: the unit feeds both outputs, so two paths add up before the unit's own slope.
        void Hidden(int k, string h, double sH, string viaO1, string viaO2, double wO1, double wO2, string x, double xVal)
        {
            lines.Add($"  dL/dw{k} = (dL/do1 · do1/din_o1 · {viaO1} + dL/do2 · do2/din_o2 · {viaO2}) · d{h}/din_{h} · {x}");
            lines.Add($"         = ({LossSlope(net.Loss, 1)} · {Slope(net.Activation, "o1")} · {viaO1} + {LossSlope(net.Loss, 2)} · {Slope(net.Activation, "o2")} · {viaO2}) · {Slope(net.Activation, h)} · {x}");
            lines.Add($"         = ({N(dO1)} · {N(sO1)} · {N(wO1)} + {N(dO2)} · {N(sO2)} · {N(wO2)}) · {N(sH)} · {N(xVal)} = {G(grads[k - 1])}");
        }
        Hidden(1, "h1", sH1, "w5", "w6", w[4], w[5], "x1", x1);
        Hidden(2, "h2", sH2, "w7", "w8", w[6], w[7], "x1", x1);
        Hidden(3, "h1", sH1, "w5", "w6", w[4], w[5], "x2", x2);
        Hidden(4, "h2", sH2, "w7", "w8", w[6], w[7], "x2", x2);

        if (sgd)
        {
            lines.Add(Language.Format(SeedText.ChainUpdateSgd, G(lr)));
            for (int i = 0; i < 8; i++)
                lines.Add($"  w{i + 1} = {N(w[i])} - {N(lr)} · {N(grads[i])} = {G(w[i] - lr * grads[i])}");
        }
        else lines.Add(SeedText.ChainUpdateAdam);
        return lines;
    }

    /// <summary>Six significant digits, invariant culture (the lab's explain format).</summary>
    public static string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>
    /// The lines of <see cref="Lines"/> that derive dL/dwk (k = 1..8): its chain-rule product in symbols and then with
    /// the numbers, as the playground shows them for a clicked weight.
    /// </summary>
    public static IReadOnlyList<string> ForWeight(IReadOnlyList<string> lines, int k)
    {
        var result = new List<string>();
        string head = $"  dL/dw{k} = ";
        for (int i = 0; i < lines.Count; i++)
        {
            if (!lines[i].StartsWith(head, StringComparison.Ordinal)) continue;
            result.Add(lines[i].Trim());
            for (int j = i + 1; j < lines.Count && lines[j].StartsWith("         =", StringComparison.Ordinal); j++) result.Add(lines[j].Trim());
            break;
        }
        return result;
    }

    /// <summary>
    /// In words, how the chain rule reaches wk (k = 1..8): an output weight's three factors, or a hidden weight's two
    /// paths through o1 and o2 added up; in the current UI language.
    /// </summary>
    public static string Describe(int k)
    {
        if (k is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(k), k, "ChainRuleExplanation.Describe: the weights are w1..w8");
        if (k >= 5)
            return Language.Format(SeedText.ChainOutputWeight, k, k is 5 or 6 ? "h1" : "h2", k is 5 or 7 ? "o1" : "o2");
        string hidden = k is 1 or 3 ? "h1" : "h2";
        return Language.Format(SeedText.ChainHiddenWeight, k, k <= 2 ? "x1" : "x2", hidden, hidden == "h1" ? "w5" : "w7", hidden == "h1" ? "w6" : "w8");
    }

    /// <summary>A number in six significant digits, negative ones in parentheses so that products read unambiguously.</summary>
    private static string N(double v) => v < 0 ? $"({G(v)})" : G(v);

    public static string ActivationName(Activation a) => a switch
    {
        Activation.Sigmoid => "sigmoid",
        Activation.SigmoidByHand => SeedText.SigmoidByHand,
        Activation.Relu => "relu",
        _ => "tanh",
    };

    public static string LossFormula(LossKind loss) => loss switch
    {
        LossKind.HalfMse => "½(o1 - y1)² + ½(o2 - y2)²",
        LossKind.Mse => "((o1 - y1)² + (o2 - y2)²) / 2",
        _ => "-(y1·log p1 + y2·log p2), p = softmax(o1, o2)",
    };

    private static string LossSlope(LossKind loss, int i) => loss switch
    {
        LossKind.HalfMse => $"(o{i} - y{i})",
        LossKind.Mse => $"2(o{i} - y{i})/2",
        _ => $"(p{i}(y1 + y2) - y{i})",
    };

    private static string LossSlopeNumbers(LossKind loss, double o, double y, double y1, double y2, TwoLayerNetwork net, ForwardPass f, int index)
    {
        switch (loss)
        {
            case LossKind.HalfMse: return $"{N(o)} - {N(y)}";
            case LossKind.Mse: return $"2({N(o)} - {N(y)})/2";
            default:
                var p = TwoLayerNetwork.Outputs(f.OutO1.Detach(), f.OutO2.Detach()).Softmax(0).ToDoubleArray();
                return $"{N(p[index])}·({N(y1)} + {N(y2)}) - {N(y)}";
        }
    }

    private static string Slope(Activation a, string u) => a switch
    {
        Activation.Sigmoid or Activation.SigmoidByHand => $"{u}(1 - {u})",
        Activation.Tanh => $"(1 - {u}²)",
        _ => $"[{u} > 0]",
    };

    private static string SlopeNumbers(Activation a, double u) => a switch
    {
        Activation.Sigmoid or Activation.SigmoidByHand => $"{N(u)}·(1 - {N(u)})",
        Activation.Tanh => $"(1 - {N(u)}²)",
        _ => $"[{N(u)} > 0]",
    };
}
