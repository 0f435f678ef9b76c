using System.Globalization;

namespace Backprop.NN;

/// <summary>
/// What LSTM and GRU share: numLayers stacked layers, each one or two directions, with PyTorch's parameter names
/// (weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, "_reverse" for the backward direction) created in
/// PyTorch's order and drawn from U(±1/√hidden), so the same seed gives torch's weights. Each layer projects its
/// whole input sequence at once (x·W_ihᵀ + b_ih for every step, as PyTorch's CPU kernel does) and then steps through
/// time; the reverse direction reads the sequence backwards; dropout (training only) sits between layers.
/// Like torch.nn.RNNBase; proj_size is not supported.
/// </summary>
public abstract class RecurrentLayer : Module
{
    private readonly string _name;
    private readonly int _gates;
    private readonly Parameter[] _weightIh, _weightHh;
    private readonly Parameter?[] _biasIh, _biasHh;

    /// <summary>The size of each input step; like rnn.input_size.</summary>
    public int InputSize { get; }

    /// <summary>The size of the hidden state; like rnn.hidden_size.</summary>
    public int HiddenSize { get; }

    /// <summary>The number of stacked layers; like rnn.num_layers.</summary>
    public int NumLayers { get; }

    /// <summary>Whether the layers have biases; like rnn.bias.</summary>
    public bool Bias { get; }

    /// <summary>Whether input and output are [batch, seq, feature] rather than [seq, batch, feature]; like rnn.batch_first.</summary>
    public bool BatchFirst { get; }

    /// <summary>The dropout probability on each layer's output but the last's, in training; like rnn.dropout.</summary>
    public double Dropout { get; }

    /// <summary>Whether each layer also runs backwards through the sequence; like rnn.bidirectional.</summary>
    public bool Bidirectional { get; }

    private int Directions => Bidirectional ? 2 : 1;

    private protected RecurrentLayer(string name, int gates, int inputSize, int hiddenSize, int numLayers, bool bias, bool batchFirst,
        double dropout, bool bidirectional, DType dtype, Generator? generator)
    {
        if (inputSize < 0 || hiddenSize <= 0)
            throw new ArgumentException($"{name}: input_size must be non-negative and hidden_size positive, got {inputSize} and {hiddenSize}");
        if (numLayers <= 0) throw new ArgumentException($"{name}: num_layers must be greater than or equal to 1, got {numLayers}");
        if (dropout is < 0 or > 1 || double.IsNaN(dropout))
            throw new ArgumentException($"{name}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got {dropout.ToString(CultureInfo.InvariantCulture)}");
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"{name}: expected a floating-point dtype, got {dtype.TorchName()}");
        _name = name;
        _gates = gates;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumLayers = numLayers;
        Bias = bias;
        BatchFirst = batchFirst;
        Dropout = dropout;
        Bidirectional = bidirectional;
        int n = numLayers * Directions;
        (_weightIh, _weightHh, _biasIh, _biasHh) = (new Parameter[n], new Parameter[n], new Parameter?[n], new Parameter?[n]);
        for (int layer = 0; layer < numLayers; layer++)
            for (int dir = 0; dir < Directions; dir++)
            {
                int i = layer * Directions + dir;
                int layerInput = layer == 0 ? inputSize : hiddenSize * Directions;
                string suffix = $"_l{layer}{(dir == 1 ? "_reverse" : "")}";
                _weightIh[i] = RegisterParameter("weight_ih" + suffix, new Parameter(Tensor.Zeros([gates * hiddenSize, layerInput], dtype)))!;
                _weightHh[i] = RegisterParameter("weight_hh" + suffix, new Parameter(Tensor.Zeros([gates * hiddenSize, hiddenSize], dtype)))!;
                if (bias)
                {
                    _biasIh[i] = RegisterParameter("bias_ih" + suffix, new Parameter(Tensor.Zeros([gates * hiddenSize], dtype)));
                    _biasHh[i] = RegisterParameter("bias_hh" + suffix, new Parameter(Tensor.Zeros([gates * hiddenSize], dtype)));
                }
            }
        ResetParameters(generator);
    }

    /// <summary>Redraws every parameter from U(±1/√hidden) in creation order; like rnn.reset_parameters().</summary>
    public void ResetParameters(Generator? generator = null) => RecurrentCells.ResetUniform(this, HiddenSize, generator);

    /// <summary>One step of one direction: the next state (h first) from the input's projection and the state.</summary>
    private protected abstract Tensor[] Step(Tensor inputGates, Tensor[] state, Tensor weightHh, Tensor? biasHh);

    /// <summary>
    /// Runs every layer over input; initial holds the initial states (each [layers·directions, B, hidden], or
    /// [layers·directions, hidden] for an unbatched input; null entries are zeros). Returns the last layer's outputs
    /// and the final states, shaped as the initial ones.
    /// </summary>
    private protected (Tensor Output, Tensor[] Final) Run(Tensor input, Tensor?[] initial, string[] stateNames)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim is not (2 or 3))
            throw new ArgumentException($"{_name}: Expected input to be 2D or 3D, got {input.Dim}D instead");
        bool batched = input.Dim == 3;
        var x = batched ? (BatchFirst ? input.Transpose(0, 1) : input) : input.Unsqueeze(1);   // [T, B, features]
        if (x.ShapeArray[2] != InputSize)
            throw new ArgumentException($"{_name}: input.size(-1) must be equal to input_size. Expected {InputSize}, got {x.ShapeArray[2]}");
        int steps = x.ShapeArray[0], batch = x.ShapeArray[1], n = NumLayers * Directions;
        if (steps == 0) throw new ArgumentException($"{_name}: expected a sequence of at least one step, got input of size {Shapes.Format(input.ShapeArray)}");

        var states = new Tensor[initial.Length];
        for (int k = 0; k < initial.Length; k++)
        {
            if (initial[k] is not { } given) { states[k] = Tensor.Zeros([n, batch, HiddenSize], input.DType); continue; }
            int[] expected = batched ? [n, batch, HiddenSize] : [n, HiddenSize];
            if (!given.ShapeArray.SequenceEqual(expected))
                throw new ArgumentException($"{_name}: Expected {stateNames[k]} size {Tuple(expected)}, got {Shapes.Format(given.ShapeArray)}");
            states[k] = batched ? given : given.Unsqueeze(1);
        }

        var final = new Tensor[initial.Length][];
        for (int k = 0; k < final.Length; k++) final[k] = new Tensor[n];
        for (int layer = 0; layer < NumLayers; layer++)
        {
            var outputs = new Tensor[Directions];
            for (int dir = 0; dir < Directions; dir++)
            {
                int i = layer * Directions + dir;
                var inputGates = TimeSteps(F.Linear(x, _weightIh[i], _biasIh[i]));   // every step's input projection in one product
                var state = states.Select(s => s.Select(0, i)).ToArray();
                var hs = new Tensor[steps];
                for (int s = 0; s < steps; s++)
                {
                    int t = dir == 0 ? s : steps - 1 - s;
                    state = Step(inputGates[t], state, _weightHh[i], _biasHh[i]);
                    hs[t] = state[0];
                }
                outputs[dir] = Tensor.Stack(hs, 0);
                for (int k = 0; k < state.Length; k++) final[k][i] = state[k];
            }
            x = Directions == 2 ? Tensor.Cat(outputs, 2) : outputs[0];
            if (Dropout > 0 && Training && layer < NumLayers - 1) x = F.Dropout(x, Dropout, training: true);
        }
        var output = batched ? (BatchFirst ? x.Transpose(0, 1) : x) : x.Squeeze(1);
        var finals = final.Select(f => batched ? Tensor.Stack(f, 0) : Tensor.Stack(f, 0).Squeeze(1)).ToArray();
        return (output, finals);
    }

    /// <summary>
    /// The steps of a [T, …] sequence, each [… ], as views taken by halving the sequence again and again (Narrow)
    /// down to single steps. Taking each step straight from the whole (Select) would give every step's backward a
    /// gradient of the whole sequence's size, zeros but for its step, for the engine to sum: T full-size zero fills
    /// and sums, quadratic in T (for charlm_lstm's 64 steps of [32, 1024] gates, 1 GB of memory traffic a training
    /// step, a third of its time). Halving makes log₂T levels of full-size sums instead. The gradient's values are
    /// the same (each element is its step's gradient plus zeros). PyTorch's LSTM takes the steps with unbind, one
    /// node whose backward stacks the gradients, which this graph (one output per node) cannot record.
    /// </summary>
    private static Tensor[] TimeSteps(Tensor sequence)
    {
        var steps = new Tensor[sequence.ShapeArray[0]];
        Halve(sequence, 0);
        return steps;

        void Halve(Tensor part, int first)
        {
            int length = part.ShapeArray[0];
            if (length == 1)
            {
                steps[first] = part.Select(0, 0);
                return;
            }
            int half = length / 2;
            Halve(part.Narrow(0, 0, half), first);
            Halve(part.Narrow(0, half, length - half), first + half);
        }
    }

    private static string Tuple(int[] shape) => "(" + string.Join(", ", shape) + ")";

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString()
    {
        var s = $"{GetType().Name}({InputSize}, {HiddenSize}";
        if (NumLayers != 1) s += $", num_layers={NumLayers}";
        if (!Bias) s += ", bias=False";
        if (BatchFirst) s += ", batch_first=True";
        if (Dropout != 0) s += $", dropout={Dropout.ToString(CultureInfo.InvariantCulture)}";
        if (Bidirectional) s += ", bidirectional=True";
        return s + ")";
    }
}
