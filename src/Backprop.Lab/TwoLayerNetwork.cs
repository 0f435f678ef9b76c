namespace Backprop.Lab;

/// <summary>
/// Seeds 000 and 003: two inputs, two sigmoid hidden units, two sigmoid outputs, no biases, eight
/// weights named w1..w8 as the seeds name them. One step of SGD on ½Σ(o − y)², gradients by autograd.
/// </summary>
/// <remarks>
/// The wiring, as the seeds write it (w1, w2 leave x1; w3, w4 leave x2; w5, w6 leave h1; w7, w8 leave h2):
/// <code>
/// h1 = σ(w1·x1 + w3·x2)    o1 = σ(w5·h1 + w7·h2)
/// h2 = σ(w2·x1 + w4·x2)    o2 = σ(w6·h1 + w8·h2)
/// </code>
/// </remarks>
internal sealed class TwoLayerNetwork
{
    public const string Name = "two-layer";

    public static readonly double[] SeedInputs = [0.5, 0.3];
    public static readonly double[] SeedTargets = [0.23, -0.07];
    public static readonly double[] SeedWeights = [0.2, -0.4, 0.5, 0.6, 0.1, -0.5, -0.3, 0.8];

    private readonly Tensor _x1, _x2, _y1, _y2;

    /// <summary>w1..w8, the leaves that SGD updates.</summary>
    public Tensor[] Weights { get; }

    public TwoLayerNetwork(double[] inputs, double[] targets, double[] weights, DType dtype = DType.Float64)
    {
        _x1 = Constant(inputs[0], dtype);
        _x2 = Constant(inputs[1], dtype);
        _y1 = Constant(targets[0], dtype);
        _y2 = Constant(targets[1], dtype);
        Weights = new Tensor[weights.Length];
        for (int i = 0; i < weights.Length; i++) Weights[i] = Constant(weights[i], dtype).RequiresGrad_();
    }

    private static Tensor Constant(double value, DType dtype) => dtype == DType.Float64 ? Tensor.From(value) : Tensor.From((float)value);

    /// <summary>What one training step saw and did; every number as a double.</summary>
    public sealed record StepResult(double H1, double H2, double O1, double O2, double Loss, double[] Gradients, double[] UpdatedWeights);

    /// <summary>The forward pass as the seeds write it: hidden values, outputs and the loss ½(o1 − y1)² + ½(o2 − y2)².</summary>
    private (Tensor H1, Tensor H2, Tensor O1, Tensor O2, Tensor Loss) Forward()
    {
        var (w1, w2, w3, w4) = (Weights[0], Weights[1], Weights[2], Weights[3]);
        var (w5, w6, w7, w8) = (Weights[4], Weights[5], Weights[6], Weights[7]);

        var h1 = (w1 * _x1 + w3 * _x2).Sigmoid();
        var h2 = (w2 * _x1 + w4 * _x2).Sigmoid();
        var o1 = (w5 * h1 + w7 * h2).Sigmoid();
        var o2 = (w6 * h1 + w8 * h2).Sigmoid();
        var loss = (0.5 * (o1 - _y1).Pow(2) + 0.5 * (o2 - _y2).Pow(2)).Sum();
        return (h1, h2, o1, o2, loss);
    }

    /// <summary>Forward, backward, then w ← w − lr·dL/dw for each weight, the gradients zeroed afterwards (as the seed's update_w does).</summary>
    public StepResult Step(double lr)
    {
        var (h1, h2, o1, o2, loss) = Forward();
        loss.Backward();
        var gradients = new double[Weights.Length];
        for (int i = 0; i < Weights.Length; i++) gradients[i] = Weights[i].Grad!.Item();

        // The update is not part of the model: no graph for it.
        using (Autograd.NoGrad())
            foreach (var w in Weights) w.Sub_(w.Grad! * lr);
        foreach (var w in Weights) w.ZeroGrad();

        var updated = new double[Weights.Length];
        for (int i = 0; i < Weights.Length; i++) updated[i] = Weights[i].Item();
        return new StepResult(h1.Item(), h2.Item(), o1.Item(), o2.Item(), loss.Item(), gradients, updated);
    }

    /// <summary>The loss at the current weights, without recording a graph.</summary>
    public double Loss()
    {
        using (Autograd.NoGrad()) return Forward().Loss.Item();
    }

    /// <summary>Runs the seeds' setting (lr 1, one step, Float64) and writes the report.</summary>
    public static void Run(TextWriter output)
    {
        const double lr = 1;
        var network = new TwoLayerNetwork(SeedInputs, SeedTargets, SeedWeights);
        var step = network.Step(lr);
        double lossAfter = network.Loss();

        output.WriteLine("two-layer: the 2-2-2 sigmoid network of seeds 000 and 003 (Float64, gradients by autograd)");
        output.WriteLine();
        output.WriteLine("  h1 = sigmoid(w1*x1 + w3*x2)      o1 = sigmoid(w5*h1 + w7*h2)");
        output.WriteLine("  h2 = sigmoid(w2*x1 + w4*x2)      o2 = sigmoid(w6*h1 + w8*h2)");
        output.WriteLine("  L  = 1/2 (o1 - y1)^2 + 1/2 (o2 - y2)^2");
        output.WriteLine();
        output.WriteLine($"  inputs   x1 = {SeedInputs[0]:R}, x2 = {SeedInputs[1]:R}");
        output.WriteLine($"  targets  y1 = {SeedTargets[0]:R}, y2 = {SeedTargets[1]:R}");
        output.WriteLine();
        output.WriteLine($"step 1 (SGD, lr = {lr:R})");
        output.WriteLine("  forward");
        output.WriteLine($"    h1 = {step.H1:R}");
        output.WriteLine($"    h2 = {step.H2:R}");
        output.WriteLine($"    o1 = {step.O1:R}");
        output.WriteLine($"    o2 = {step.O2:R}");
        output.WriteLine($"    L  = {step.Loss:R}");
        output.WriteLine("  backward and update: w <- w - lr * dL/dw");
        output.WriteLine($"    {"weight",-6}  {"before",8}  {"dL/dw",24}  {"after",24}");
        for (int i = 0; i < SeedWeights.Length; i++)
            output.WriteLine($"    {"w" + (i + 1),-6}  {SeedWeights[i],8:R}  {step.Gradients[i],24:R}  {step.UpdatedWeights[i],24:R}");
        output.WriteLine();
        output.WriteLine($"  loss with the updated weights: {lossAfter:R} (was {step.Loss:R})");
    }
}
