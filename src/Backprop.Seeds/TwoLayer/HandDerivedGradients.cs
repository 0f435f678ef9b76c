namespace Backprop.Seeds.TwoLayer;

/// <summary>
/// The gradients of the 2-2-2 network worked out by hand with the chain rule, one formula per weight, as a student
/// writes them in seed 003's back_propagate (d_w1..d_w8), for any of the activations and losses. Also the finite
/// differences that check both.
/// </summary>
public static class HandDerivedGradients
{
    /// <summary>
    /// The corrected back_propagate of seed 003, generalised from sigmoid and ½Σ(o − y)²: d_o is dL/d(out_o), the
    /// activation's slope is written through the unit's output (sigmoid: o(1 − o), tanh: 1 − o², ReLU: 1 where o &gt; 0).
    /// Returns d_w1..d_w8 in order.
    /// </summary>
    public static Tensor[] Corrected(TwoLayerNetwork net, ForwardPass f)
    {
        using var _ = Autograd.NoGrad();
        var (x1, x2) = (net.X1, net.X2);
        var (w5, w6, w7, w8) = (net.W[4], net.W[5], net.W[6], net.W[7]);
        var (out_h1, out_h2, out_o1, out_o2) = (f.OutH1.Detach(), f.OutH2.Detach(), f.OutO1.Detach(), f.OutO2.Detach());

        var (d_o1, d_o2) = LossSlopes(net, out_o1, out_o2);

        // Output layer: dL/dw = dL/do · do/d(in_o) · d(in_o)/dw.
        var d_w5 = d_o1 * Slope(net, out_o1) * out_h1;
        var d_w7 = d_o1 * Slope(net, out_o1) * out_h2;
        var d_w6 = d_o2 * Slope(net, out_o2) * out_h1;
        var d_w8 = d_o2 * Slope(net, out_o2) * out_h2;

        // Hidden layer: out_h1 feeds both outputs (through w5 and w6), so dL/d(out_h1) is a sum of two paths.
        var d_w1 = (d_o1 * Slope(net, out_o1) * w5 + d_o2 * Slope(net, out_o2) * w6) * Slope(net, out_h1) * x1;
        var d_w3 = (d_o1 * Slope(net, out_o1) * w5 + d_o2 * Slope(net, out_o2) * w6) * Slope(net, out_h1) * x2;
        var d_w2 = (d_o1 * Slope(net, out_o1) * w7 + d_o2 * Slope(net, out_o2) * w8) * Slope(net, out_h2) * x1;
        var d_w4 = (d_o1 * Slope(net, out_o1) * w7 + d_o2 * Slope(net, out_o2) * w8) * Slope(net, out_h2) * x2;

        return [d_w1, d_w2, d_w3, d_w4, d_w5, d_w6, d_w7, d_w8];
    }

    /// <summary>
    /// The first back_propagate the course handed out (seed 003's 作业2, sigmoid and ½Σ(o − y)² only), whose d_w1..d_w4
    /// the seed finds wrong: it adds d_w5 + d_w6, the output-layer gradients themselves, where the chain rule needs
    /// each output's error signal times the weight that carries out_h1 to it (the seed's fix writes d_w5·w5/out_h1).
    /// </summary>
    public static Tensor[] AsFirstHandedOut(TwoLayerNetwork net, ForwardPass f)
    {
        using var _ = Autograd.NoGrad();
        var (x1, x2, y1, y2) = (net.X1, net.X2, net.Y1, net.Y2);
        var (out_h1, out_h2, out_o1, out_o2) = (f.OutH1.Detach(), f.OutH2.Detach(), f.OutO1.Detach(), f.OutO2.Detach());

        var d_o1 = out_o1 - y1;
        var d_o2 = out_o2 - y2;

        var d_w5 = d_o1 * out_o1 * (1 - out_o1) * out_h1;
        var d_w7 = d_o1 * out_o1 * (1 - out_o1) * out_h2;
        var d_w6 = d_o2 * out_o2 * (1 - out_o2) * out_h1;
        var d_w8 = d_o2 * out_o2 * (1 - out_o2) * out_h2;

        var d_w1 = (d_w5 + d_w6) * out_h1 * (1 - out_h1) * x1;
        var d_w3 = (d_w5 + d_w6) * out_h1 * (1 - out_h1) * x2;
        var d_w2 = (d_w7 + d_w8) * out_h2 * (1 - out_h2) * x1;
        var d_w4 = (d_w7 + d_w8) * out_h2 * (1 - out_h2) * x2;

        return [d_w1, d_w2, d_w3, d_w4, d_w5, d_w6, d_w7, d_w8];
    }

    /// <summary>
    /// Seed 003's corrected formulas exactly as it prints them (sigmoid, ½Σ(o − y)²): d_w5·w5/out_h1 recovers
    /// d_o1·o1(1 − o1)·w5, the error signal that reaches out_h1 through w5.
    /// </summary>
    public static Tensor[] AsSeedCorrects(TwoLayerNetwork net, ForwardPass f)
    {
        using var _ = Autograd.NoGrad();
        var (x1, x2, y1, y2) = (net.X1, net.X2, net.Y1, net.Y2);
        var (w5, w6, w7, w8) = (net.W[4], net.W[5], net.W[6], net.W[7]);
        var (out_h1, out_h2, out_o1, out_o2) = (f.OutH1.Detach(), f.OutH2.Detach(), f.OutO1.Detach(), f.OutO2.Detach());

        var d_o1 = out_o1 - y1;
        var d_o2 = out_o2 - y2;

        var d_w5 = d_o1 * out_o1 * (1 - out_o1) * out_h1;
        var d_w7 = d_o1 * out_o1 * (1 - out_o1) * out_h2;
        var d_w6 = d_o2 * out_o2 * (1 - out_o2) * out_h1;
        var d_w8 = d_o2 * out_o2 * (1 - out_o2) * out_h2;

        var d_w1 = (d_w5 * w5 / out_h1 + d_w6 * w6 / out_h1) * out_h1 * (1 - out_h1) * x1;
        var d_w3 = (d_w5 * w5 / out_h1 + d_w6 * w6 / out_h1) * out_h1 * (1 - out_h1) * x2;
        var d_w2 = (d_w7 * w7 / out_h2 + d_w8 * w8 / out_h2) * out_h2 * (1 - out_h2) * x1;
        var d_w4 = (d_w7 * w7 / out_h2 + d_w8 * w8 / out_h2) * out_h2 * (1 - out_h2) * x2;

        return [d_w1, d_w2, d_w3, d_w4, d_w5, d_w6, d_w7, d_w8];
    }

    /// <summary>dL/d(out_o1), dL/d(out_o2) for the network's loss.</summary>
    public static (Tensor D1, Tensor D2) LossSlopes(TwoLayerNetwork net, Tensor out_o1, Tensor out_o2)
    {
        var (y1, y2) = (net.Y1, net.Y2);
        switch (net.Loss)
        {
            case LossKind.HalfMse:
                // d/do of ½(o − y)²
                return (out_o1 - y1, out_o2 - y2);
            case LossKind.Mse:
                // d/do of ((o1 − y1)² + (o2 − y2)²)/2: the mean's 1/2 cancels the square's 2
                return (2 * (out_o1 - y1) / 2, 2 * (out_o2 - y2) / 2);
            default:
            {
                // d/do_i of −Σ y_j·log softmax(o)_j = p_i·(y1 + y2) − y_i, with p = softmax(o)
                var p = TwoLayerNetwork.Outputs(out_o1, out_o2).Softmax(0);
                var (p1, p2) = (p.Narrow(0, 0, 1), p.Narrow(0, 1, 1));
                return (p1 * (y1 + y2) - y1, p2 * (y1 + y2) - y2);
            }
        }
    }

    /// <summary>The activation's derivative, written through the unit's output value.</summary>
    public static Tensor Slope(TwoLayerNetwork net, Tensor output) => net.Activation switch
    {
        Activation.Sigmoid or Activation.SigmoidByHand => output * (1 - output),
        Activation.Tanh => 1 - output * output,
        _ => output.Gt(0).To(output.DType),   // ReLU: 1 where the unit is on, 0 where it is off (PyTorch takes 0 at 0)
    };

    /// <summary>The step of the central differences: small against the weights, large against rounding.</summary>
    public static double FiniteDifferenceStep(DType dtype) => dtype == DType.Float64 ? 1e-6 : 1e-3;

    /// <summary>Central finite differences (L(w + h) − L(w − h)) / 2h, one weight at a time; the weights are restored.</summary>
    public static double[] Numeric(TwoLayerNetwork net)
    {
        using var _ = Autograd.NoGrad();
        double h = FiniteDifferenceStep(net.DType);
        var grads = new double[net.W.Length];
        for (int i = 0; i < net.W.Length; i++)
        {
            var w = net.W[i];
            var original = w.Clone();
            w.Add_(h);
            double plus = net.Forward().Loss.Item();
            w.Copy_(original);
            w.Sub_(h);
            double minus = net.Forward().Loss.Item();
            w.Copy_(original);
            grads[i] = (plus - minus) / (2 * h);
        }
        return grads;
    }
}
