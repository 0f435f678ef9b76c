namespace Backprop.NN;

/// <summary>
/// One LSTM step: gates = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh split as i, f, g, o; c′ = σ(f)·c + σ(i)·tanh(g),
/// h′ = σ(o)·tanh(c′). Input [B, input] or unbatched [input]; the state defaults to zeros.
/// Like torch.nn.LSTMCell(input_size, hidden_size, bias, dtype=dtype).
/// </summary>
public sealed class LSTMCell : RecurrentCell
{
    /// <summary>A cell drawing its weights from generator (the default one when null).</summary>
    public LSTMCell(int inputSize, int hiddenSize, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
        : base("LSTMCell", 4, inputSize, hiddenSize, bias, dtype, generator) { }

    /// <summary>The next (h, c) from input and the previous (h, c) (zeros when null); like cell(input, (h, c)).</summary>
    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C)? state = null)
    {
        var (x, batched) = CheckInput("LSTMCell", input);
        var h = State("LSTMCell", "hx[0]", state?.H, x, batched);
        var c = State("LSTMCell", "hx[1]", state?.C, x, batched);
        var (hNext, cNext) = RecurrentCells.LstmStep(F.Linear(x, WeightIh, BiasIh), h, c, WeightHh, BiasHh);
        return batched ? (hNext, cNext) : (hNext.Squeeze(0), cNext.Squeeze(0));
    }

    /// <summary>Calls the cell with its hooks, which see (input) or (input, (h, c)) as the inputs; like cell(input, (h, c)).</summary>
    public (Tensor H, Tensor C) Call(Tensor input, (Tensor H, Tensor C)? state = null) =>
        !HasHooks ? Forward(input, state)
            : ((Tensor, Tensor))CallWithHooks(state is { } s ? [input, s] : [input],
                xs => Forward((Tensor)xs[0]!, xs.Length > 1 ? ((Tensor, Tensor))xs[1]! : null))!;
}
