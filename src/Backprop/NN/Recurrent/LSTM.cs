namespace Backprop.NN;

/// <summary>
/// A multi-layer long short-term memory network: per step gates = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh split as
/// i, f, g, o; c′ = σ(f)·c + σ(i)·tanh(g), h′ = σ(o)·tanh(c′). Input [T, B, input] ([B, T, input] with batchFirst,
/// or unbatched [T, input]); returns every step's h of the last layer (both directions concatenated) and the final
/// (h, c), each [layers·directions, B, hidden]. Like torch.nn.LSTM(input_size, hidden_size, num_layers, bias,
/// batch_first, dropout, bidirectional, dtype=dtype).
/// </summary>
public sealed class LSTM : RecurrentLayer
{
    /// <summary>A network drawing its weights from generator (the default one when null).</summary>
    public LSTM(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0,
        bool bidirectional = false, DType dtype = DType.Float32, Generator? generator = null)
        : base("LSTM", 4, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, dtype, generator) { }

    /// <summary>The outputs and final (h, c) from input and the initial (h0, c0) (zeros when null); like lstm(input, (h0, c0)).</summary>
    public (Tensor Output, (Tensor H, Tensor C) State) Forward(Tensor input, (Tensor H, Tensor C)? state = null)
    {
        var (output, final) = Run(input, [state?.H, state?.C], ["hidden[0]", "hidden[1]"]);
        return (output, (final[0], final[1]));
    }

    /// <summary>
    /// Calls the network with its hooks, which see (input) or (input, (h0, c0)) as the inputs, as torch's positional
    /// arguments, and the (output, (h, c)) pair as the output; like lstm(input, (h0, c0)).
    /// </summary>
    public (Tensor Output, (Tensor H, Tensor C) State) Call(Tensor input, (Tensor H, Tensor C)? state = null) =>
        !HasHooks ? Forward(input, state)
            : ((Tensor, (Tensor, Tensor)))CallWithHooks(state is { } s ? [input, s] : [input],
                xs => Forward((Tensor)xs[0]!, xs.Length > 1 ? ((Tensor, Tensor))xs[1]! : null))!;

    private protected override Tensor[] Step(Tensor inputGates, Tensor[] state, Tensor weightHh, Tensor? biasHh)
    {
        var (h, c) = RecurrentCells.LstmStep(inputGates, state[0], state[1], weightHh, biasHh);
        return [h, c];
    }
}
