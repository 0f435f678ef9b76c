namespace Backprop.NN;

/// <summary>
/// One GRU step: r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr), z likewise, n = tanh(x·W_inᵀ + b_in + r·(h·W_hnᵀ + b_hn)),
/// h′ = (1 − z)·n + z·h. Input [B, input] or unbatched [input]; the state defaults to zeros.
/// Like torch.nn.GRUCell(input_size, hidden_size, bias, dtype=dtype).
/// </summary>
public sealed class GRUCell : RecurrentCell
{
    /// <summary>A cell drawing its weights from generator (the default one when null).</summary>
    public GRUCell(int inputSize, int hiddenSize, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
        : base("GRUCell", 3, inputSize, hiddenSize, bias, dtype, generator) { }

    /// <summary>The next h from input and the previous h (zeros when null); like cell(input, h).</summary>
    public Tensor Forward(Tensor input, Tensor? state = null)
    {
        var (x, batched) = CheckInput("GRUCell", input);
        var h = State("GRUCell", "hx", state, x, batched);
        var hNext = RecurrentCells.GruStep(F.Linear(x, WeightIh, BiasIh), h, WeightHh, BiasHh);
        return batched ? hNext : hNext.Squeeze(0);
    }

    /// <summary>Calls the cell with its hooks, which see (input) or (input, h) as the inputs; like cell(input, h).</summary>
    public Tensor Call(Tensor input, Tensor? state = null) =>
        !HasHooks ? Forward(input, state)
            : (Tensor)CallWithHooks(state is null ? [input] : [input, state], xs => Forward((Tensor)xs[0]!, xs.Length > 1 ? (Tensor?)xs[1] : null))!;
}
