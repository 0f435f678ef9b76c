namespace Backprop;

// The one loss the op layer owns as an op of its own: binary cross-entropy, elementwise and unreduced. PyTorch clamps
// its logs at −100 and bounds its gradient's denominator, and a gradient composed from the forward's ops would be
// 0·∞ = NaN at inputs of exactly 0 or 1, so its backward is written out (as torch's binary_cross_entropy_backward),
// as ops, so that it differentiates again. F.BinaryCrossEntropy checks, weights and reduces around it.
public partial class Tensor
{
    /// <summary>
    /// −(y·log x + (1 − y)·log(1 − x)) elementwise for probabilities x (same shape as y), each log clamped at −100;
    /// like torch.binary_cross_entropy(x, y, reduction='none'). The caller checks that x lies in [0, 1].
    /// </summary>
    internal static Tensor BinaryCrossEntropyElementwise(Tensor x, Tensor t)
    {
        Tensor loss;
        using (Autograd.NoGrad())
            loss = t.Sub(1).Mul((1 - x).Log().ClampMin(-100)).Sub(t.Mul(x.Log().ClampMin(-100)));
        // torch's binary_cross_entropy_backward: dL/dx = (x − y) / max(x(1 − x), ε) with ε = 1e-12 as a float,
        // and binary_cross_entropy_target_backward: dL/dy = −logit(x).
        return Graph.Record(loss, OpCatalog.BinaryCrossEntropy, x, t, (x, t),
            static (g, s) => (s.x.RequiresGrad ? g.Mul(s.x.Sub(s.t)).Div((1 - s.x).Mul(s.x).ClampMin(Epsilon)) : null,
                              s.t.RequiresGrad ? s.x.Div(1 - s.x).Log().Neg().Mul(g) : null),
            new SavedTensors(x, t));
    }

    private const double Epsilon = 1e-12f;
}
