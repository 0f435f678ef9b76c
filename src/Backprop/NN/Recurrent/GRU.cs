namespace Backprop.NN;

/// <summary>
/// A multi-layer gated recurrent unit network: per step r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr), z likewise,
/// n = tanh(x·W_inᵀ + b_in + r·(h·W_hnᵀ + b_hn)), h′ = (1 − z)·n + z·h. Input [T, B, input] ([B, T, input] with
/// batchFirst, or unbatched [T, input]); returns every step's h of the last layer (both directions concatenated)
/// and the final h, [layers·directions, B, hidden]. Like torch.nn.GRU(input_size, hidden_size, num_layers, bias,
/// batch_first, dropout, bidirectional, dtype=dtype).
/// </summary>
public sealed class GRU : RecurrentLayer
{
    /// <summary>A network drawing its weights from generator (the default one when null).</summary>
    public GRU(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0,
        bool bidirectional = false, DType dtype = DType.Float32, Generator? generator = null)
        : base("GRU", 3, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, generator) { }

    /// <summary>The outputs and final h from input and the initial h0 (zeros when null); like gru(input, h0).</summary>
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0 = null)
    {
        var (output, final) = Run(input, [h0], ["hidden"]);
        return (output, final[0]);
    }

    /// <summary>
    /// Calls the network with its hooks, which see (input) or (input, h0) as the inputs, as torch's positional
    /// arguments, and the (output, h) pair as the output; like gru(input, h0).
    /// </summary>
    public (Tensor Output, Tensor H) Call(Tensor input, Tensor? h0 = null) =>
        !HasHooks ? Forward(input, h0)
            : ((Tensor, Tensor))CallWithHooks(h0 is null ? [input] : [input, h0], xs => Forward((Tensor)xs[0]!, xs.Length > 1 ? (Tensor?)xs[1] : null))!;

    private protected override Tensor[] Step(Tensor inputGates, Tensor[] state, Tensor weightHh, Tensor? biasHh) =>
        [RecurrentCells.GruStep(inputGates, state[0], weightHh, biasHh)];
}
