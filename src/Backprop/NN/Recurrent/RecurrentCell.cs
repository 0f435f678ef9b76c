namespace Backprop.NN;

/// <summary>
/// What LSTMCell and GRUCell share: weight_ih [gates·hidden, input], weight_hh [gates·hidden, hidden], bias_ih and
/// bias_hh [gates·hidden] (PyTorch's names), drawn from U(±1/√hidden) as torch's RNNCellBase.reset_parameters.
/// </summary>
public abstract class RecurrentCell : Module
{
    /// <summary>The size of each input; like cell.input_size.</summary>
    public int InputSize { get; }

    /// <summary>The size of the hidden state; like cell.hidden_size.</summary>
    public int HiddenSize { get; }

    /// <summary>[gates·hidden, input]; like cell.weight_ih.</summary>
    public Parameter WeightIh { get; }

    /// <summary>[gates·hidden, hidden]; like cell.weight_hh.</summary>
    public Parameter WeightHh { get; }

    /// <summary>[gates·hidden], or null without bias; like cell.bias_ih.</summary>
    public Parameter? BiasIh { get; }

    /// <summary>[gates·hidden], or null without bias; like cell.bias_hh.</summary>
    public Parameter? BiasHh { get; }

    private protected RecurrentCell(string name, int gates, int inputSize, int hiddenSize, bool bias, DType dtype, Generator? generator)
    {
        if (inputSize < 0 || hiddenSize <= 0)
            throw new ArgumentException($"{name}: input_size must be non-negative and hidden_size positive, got {inputSize} and {hiddenSize}");
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"{name}: expected a floating-point dtype, got {dtype.TorchName()}");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        WeightIh = RegisterParameter("weight_ih", new Parameter(Tensor.Zeros([gates * hiddenSize, inputSize], dtype)))!;
        WeightHh = RegisterParameter("weight_hh", new Parameter(Tensor.Zeros([gates * hiddenSize, hiddenSize], dtype)))!;
        BiasIh = RegisterParameter("bias_ih", bias ? new Parameter(Tensor.Zeros([gates * hiddenSize], dtype)) : null);
        BiasHh = RegisterParameter("bias_hh", bias ? new Parameter(Tensor.Zeros([gates * hiddenSize], dtype)) : null);
        ResetParameters(generator);
    }

    /// <summary>Redraws every parameter from U(±1/√hidden); like cell.reset_parameters().</summary>
    public void ResetParameters(Generator? generator = null) => RecurrentCells.ResetUniform(this, HiddenSize, generator);

    /// <summary>The input as a batch [B, input] (an unbatched [input] gets a batch of one) and whether it was batched.</summary>
    private protected (Tensor Input, bool Batched) CheckInput(string name, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim is not (1 or 2))
            throw new ArgumentException($"{name}: Expected input to be 1D or 2D, got {input.Dim}D instead");
        if (input.ShapeArray[^1] != InputSize)
            throw new ArgumentException($"{name}: input has inconsistent input_size: got {input.ShapeArray[^1]} expected {InputSize}");
        return input.Dim == 1 ? (input.Unsqueeze(0), false) : (input, true);
    }

    /// <summary>A given state checked against [B, hidden] (batched as the input), or zeros.</summary>
    private protected Tensor State(string name, string what, Tensor? state, Tensor input, bool batched)
    {
        int batch = input.ShapeArray[0];
        if (state is null) return Tensor.Zeros([batch, HiddenSize], input.DType);
        int[] expected = batched ? [batch, HiddenSize] : [HiddenSize];
        if (!state.ShapeArray.SequenceEqual(expected))
            throw new ArgumentException($"{name}: {what} has size {Shapes.Format(state.ShapeArray)}, expected {Shapes.Format(expected)}");
        return batched ? state : state.Unsqueeze(0);
    }

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString() => $"{GetType().Name}({InputSize}, {HiddenSize}{(BiasIh is null ? ", bias=False" : "")})";
}
