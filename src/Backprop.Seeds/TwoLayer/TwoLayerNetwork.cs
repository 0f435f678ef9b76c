using Backprop.NN;

namespace Backprop.Seeds.TwoLayer;

/// <summary>The activation of every unit of the 2-2-2 network (seed 003, question 6 swaps sigmoid for ReLU).</summary>
public enum Activation
{
    Sigmoid,
    Relu,
    Tanh,

    /// <summary>Sigmoid written out as seed 003 first writes it, 1 / (1 + exp(−z)), instead of torch.sigmoid (question 5).</summary>
    SigmoidByHand,
}

/// <summary>
/// The loss: the seeds' ½Σ(o − y)² (half-mse), MSELoss = mean of (o − y)² (seed 003, question 7), or cross-entropy with the
/// targets taken as class probabilities (question 8).
/// </summary>
public enum LossKind { HalfMse, Mse, CrossEntropy }

/// <summary>Every value of one forward pass, named as the seeds name them.</summary>
public sealed record ForwardPass(Tensor InH1, Tensor OutH1, Tensor InH2, Tensor OutH2, Tensor InO1, Tensor OutO1, Tensor InO2, Tensor OutO2, Tensor Loss);

/// <summary>
/// Seeds 000 and 003: two inputs, two hidden units, two outputs, no biases, eight weights w1..w8, each a tensor of
/// shape [1] as the seeds make them (torch.Tensor([0.2])). The wiring, as the seeds write it:
/// <code>
/// in_h1 = w1·x1 + w3·x2    out_h1 = act(in_h1)      in_o1 = w5·out_h1 + w7·out_h2    out_o1 = act(in_o1)
/// in_h2 = w2·x1 + w4·x2    out_h2 = act(in_h2)      in_o2 = w6·out_h1 + w8·out_h2    out_o2 = act(in_o2)
/// </code>
/// </summary>
public sealed class TwoLayerNetwork
{
    public static readonly double[] SeedInputs = [0.5, 0.3];
    public static readonly double[] SeedTargets = [0.23, -0.07];
    public static readonly double[] SeedWeights = [0.2, -0.4, 0.5, 0.6, 0.1, -0.5, -0.3, 0.8];

    /// <summary>Seed 003, question 10: torch.rand(1) eight times after torch.manual_seed(seed), w1 first.</summary>
    public static double[] RandomWeights(long seed)
    {
        var generator = new Generator(unchecked((ulong)seed));
        // torch.rand(1) is float32; .item() widens it to a Python float exactly.
        return Enumerable.Range(0, 8).Select(_ => Tensor.Rand([1], DType.Float32, generator).Item()).ToArray();
    }

    public Tensor X1 { get; }
    public Tensor X2 { get; }
    public Tensor Y1 { get; }
    public Tensor Y2 { get; }

    /// <summary>w1..w8 (index 0 is w1), the leaves that training updates.</summary>
    public Tensor[] W { get; }

    public Activation Activation { get; }
    public LossKind Loss { get; }
    public DType DType { get; }

    public TwoLayerNetwork(double[] x, double[] y, double[] weights, Activation activation, LossKind loss, DType dtype)
    {
        DType = dtype;
        X1 = Vector1(x[0]);
        X2 = Vector1(x[1]);
        Y1 = Vector1(y[0]);
        Y2 = Vector1(y[1]);
        W = weights.Select(v => Vector1(v).RequiresGrad_()).ToArray();
        Activation = activation;
        Loss = loss;
    }

    /// <summary>torch.tensor([v], dtype=dtype).</summary>
    private Tensor Vector1(double v) => Tensor.Full([1], v, DType);

    public Tensor Act(Tensor z) => Activation switch
    {
        Activation.Sigmoid => z.Sigmoid(),
        Activation.Relu => z.Relu(),
        Activation.SigmoidByHand => 1 / (1 + (-z).Exp()),
        _ => z.Tanh(),
    };

    /// <summary>The forward pass and the loss, recorded for autograd (unless grad mode is off).</summary>
    public ForwardPass Forward()
    {
        var (w1, w2, w3, w4, w5, w6, w7, w8) = (W[0], W[1], W[2], W[3], W[4], W[5], W[6], W[7]);
        var in_h1 = w1 * X1 + w3 * X2;
        var out_h1 = Act(in_h1);
        var in_h2 = w2 * X1 + w4 * X2;
        var out_h2 = Act(in_h2);
        var in_o1 = w5 * out_h1 + w7 * out_h2;
        var out_o1 = Act(in_o1);
        var in_o2 = w6 * out_h1 + w8 * out_h2;
        var out_o2 = Act(in_o2);
        return new ForwardPass(in_h1, out_h1, in_h2, out_h2, in_o1, out_o1, in_o2, out_o2, LossOf(out_o1, out_o2));
    }

    /// <summary>The loss of the outputs, as lab_torch.py writes each kind.</summary>
    public Tensor LossOf(Tensor o1, Tensor o2)
    {
        switch (Loss)
        {
            case LossKind.HalfMse:
                // The seeds' (1/2)(y1_pred − y1)² + (1/2)(y2_pred − y2)².
                return (0.5 * (o1 - Y1).Pow(2) + 0.5 * (o2 - Y2).Pow(2)).Sum();
            case LossKind.Mse:
                // F.mse_loss(o, y): the mean over the two outputs of (o − y)².
                return F.MseLoss(Outputs(o1, o2), Targets());
            default:
                // F.cross_entropy(o.unsqueeze(0), y.unsqueeze(0)) with probability targets: −Σ y·log_softmax(o).
                return F.CrossEntropy(Outputs(o1, o2).Unsqueeze(0), Targets().Unsqueeze(0));
        }
    }

    public static Tensor Outputs(Tensor o1, Tensor o2) => Tensor.Cat([o1, o2]);

    public Tensor Targets() => Tensor.Cat([Y1, Y2]);

    /// <summary>The loss at the current weights, without recording.</summary>
    public double LossValue()
    {
        using var _ = Autograd.NoGrad();
        return Forward().Loss.Item();
    }
}
