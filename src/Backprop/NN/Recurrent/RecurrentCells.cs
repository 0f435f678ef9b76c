namespace Backprop.NN;

// The step functions the recurrent layers and cells share: one time step from the input's projection (x·W_ihᵀ + b_ih,
// computed for all steps at once by the layers) and the previous state. Composed of recorded ops, so autograd
// derives backpropagation through time and every higher derivative.
internal static class RecurrentCells
{
    /// <summary>
    /// One LSTM step, gate order i, f, g, o as PyTorch's: c′ = σ(f)·c + σ(i)·tanh(g), h′ = σ(o)·tanh(c′).
    /// </summary>
    public static (Tensor H, Tensor C) LstmStep(Tensor inputGates, Tensor h, Tensor c, Tensor weightHh, Tensor? biasHh)
    {
        var gates = inputGates.Add(F.Linear(h, weightHh, biasHh));
        var chunks = gates.Chunk(4, -1);
        var i = chunks[0].Sigmoid();
        var f = chunks[1].Sigmoid();
        var g = chunks[2].Tanh();
        var o = chunks[3].Sigmoid();
        var cNext = f.Mul(c).Add(i.Mul(g));
        return (o.Mul(cNext.Tanh()), cNext);
    }

    /// <summary>
    /// One GRU step, gate order r, z, n as PyTorch's: r = σ(…), z = σ(…), n = tanh(x_n + r·(h·W_hnᵀ + b_hn)),
    /// h′ = n + z·(h − n) (that is (1 − z)·n + z·h, written as torch's kernel computes it).
    /// </summary>
    public static Tensor GruStep(Tensor inputGates, Tensor h, Tensor weightHh, Tensor? biasHh)
    {
        var xs = inputGates.Chunk(3, -1);
        var hs = F.Linear(h, weightHh, biasHh).Chunk(3, -1);
        var r = xs[0].Add(hs[0]).Sigmoid();
        var z = xs[1].Add(hs[1]).Sigmoid();
        var n = xs[2].Add(r.Mul(hs[2])).Tanh();
        return n.Add(z.Mul(h.Sub(n)));
    }

    /// <summary>Draws every parameter of a recurrent module from U(±1/√hidden), in registration order, as PyTorch's reset_parameters.</summary>
    public static void ResetUniform(Module module, int hiddenSize, Generator? generator)
    {
        double stdv = hiddenSize > 0 ? 1.0 / Math.Sqrt(hiddenSize) : 0;
        foreach (var p in module.Parameters()) Init.Uniform_(p, -stdv, stdv, generator);
    }
}
