using Backprop;

// Write your own backward, plug it into autograd, and let GradCheck judge it. The exercises' 2-2-2 network (inputs
// x1, x2; two sigmoid hidden units; two sigmoid outputs; no biases; loss ½Σ(o − y)²), its sigmoid and its layers
// written as custom functions whose backward is derived by hand, the way the exercise derives d_w1..d_w8.
// W1 = [[w1, w3], [w2, w4]] and W2 = [[w5, w7], [w6, w8]]: row i holds the weights into unit i.
var x = Tensor.From(new[] { 0.5, 0.3 });                                         // x1, x2 (Float64)
var y = Tensor.From(new[] { 0.23, -0.07 });                                      // y1, y2
var w1 = Tensor.From(new[,] { { 0.2, 0.5 }, { -0.4, 0.6 } }).RequiresGrad_();   // [[w1, w3], [w2, w4]]
var w2 = Tensor.From(new[,] { { 0.1, -0.3 }, { -0.5, 0.8 } }).RequiresGrad_();  // [[w5, w7], [w6, w8]]

// 1. The seed's sigmoid, σ(z) = 1 / (1 + e^−z), with dσ/dz = σ(1 − σ): the output is saved, as the seed reuses it.
var sigmoid = new MySigmoid();
var z = Tensor.From(new[] { -1.0, 0.0, 2.0 }).RequiresGrad_();
var s = sigmoid.Apply(z);
s.Sum().Backward();
Console.WriteLine($"sigmoid: {s}");
Console.WriteLine($"dsigmoid/dz: {z.Grad}");
Console.WriteLine($"GradCheck(MySigmoid): {Autograd.GradCheck(t => sigmoid.Apply(t), Tensor.From(new[] { -1.0, 0.0, 2.0 }).RequiresGrad_())}");

// 2. The network with a hand-written layer, out = σ(W·in): its backward gives dL/dW and dL/d(in) from dL/d(out).
Tensor Loss(Function layer, Tensor wa, Tensor wb)
{
    var h = layer.Apply(wa, x);                  // h = σ(W1·x)
    var o = layer.Apply(wb, h);                  // o = σ(W2·h)
    return 0.5 * (o - y).Pow(2).Sum();           // ½Σ(o − y)²
}
var loss = Loss(new SigmoidLayer(), w1, w2);
Console.WriteLine($"loss: {loss}");
loss.Backward();
Console.WriteLine($"dL/dW1: {w1.Grad}");
Console.WriteLine($"dL/dW2: {w2.Grad}");

// The same network with the library's own ops: autograd's gradients are the same numbers.
var w1b = w1.Detach().Clone().RequiresGrad_();
var w2b = w2.Detach().Clone().RequiresGrad_();
(0.5 * (w2b.MatMul(w1b.MatMul(x).Sigmoid()).Sigmoid() - y).Pow(2).Sum()).Backward();
Console.WriteLine($"built-in ops agree: {w1b.Grad!.AllClose(w1.Grad!) && w2b.Grad!.AllClose(w2.Grad!)}");

// The graph autograd recorded, with every value and gradient (Graphviz DOT: paste it into any DOT viewer). The
// hidden and output layers are the two SigmoidLayerBackward boxes.
var hidden = new SigmoidLayer().Apply(w1, x);
var output = new SigmoidLayer().Apply(w2, hidden);
var graphLoss = 0.5 * (output - y).Pow(2).Sum();
hidden.RetainGrad();                             // keep dL/dh and dL/do too, to show them
output.RetainGrad();
w1.ZeroGrad();
w2.ZeroGrad();
graphLoss.Backward();
Console.Write(Autograd.ToDot(graphLoss, new Dictionary<string, Tensor> { ["W1"] = w1, ["W2"] = w2, ["h"] = hidden, ["o"] = output, ["loss"] = graphLoss },
    showValues: true));

// GradCheck compares the hand-written backward with finite differences, for every weight.
var fresh = new[] { w1.Detach().Clone().RequiresGrad_(), w2.Detach().Clone().RequiresGrad_() };
Console.WriteLine($"GradCheck(SigmoidLayer): {Autograd.GradCheck(ws => Loss(new SigmoidLayer(), ws[0], ws[1]), fresh)}");

// 3. The course's first back_propagate: d_w1 = (d_w5 + d_w6)·out_h1(1 − out_h1)·x1. What reaches out_h1 should be
// d_o1·o1(1 − o1)·w5 + d_o2·o2(1 − o2)·w6 (each output's error signal times the weight from h1), not the output
// layer's own weight gradients. GradCheck catches it, naming the input (W1) and the element (w1).
try
{
    Autograd.GradCheck(ws => Loss(new FirstHandedOutLayer(), ws[0], ws[1]), fresh);
}
catch (GradCheckException e)
{
    Console.WriteLine($"GradCheck(FirstHandedOutLayer) failed: {e.Message}");
}

/// <summary>σ(z) with the backward written by hand; the graph shows it as MySigmoidBackward.</summary>
sealed class MySigmoid : Function
{
    protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
    {
        var output = 1 / (1 + (-inputs[0]).Exp());
        ctx.SaveForBackward(output);
        return output;
    }

    protected override Tensor?[] Backward(FunctionContext ctx, Tensor grad)
    {
        var output = ctx.SavedTensors[0]!;
        return [grad * output * (1 - output)];       // dσ/dz = σ(1 − σ)
    }
}

/// <summary>One layer of the network, out = σ(W·in), inputs (W, in), with its chain rule written out.</summary>
class SigmoidLayer : Function
{
    protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
    {
        var (w, input) = (inputs[0], inputs[1]);
        var output = 1 / (1 + (-w.MatMul(input)).Exp());
        ctx.SaveForBackward(w, input, output);
        return output;
    }

    protected override Tensor?[] Backward(FunctionContext ctx, Tensor grad)
    {
        var (w, input, output) = (ctx.SavedTensors[0]!, ctx.SavedTensors[1]!, ctx.SavedTensors[2]!);
        var delta = grad * output * (1 - output);     // dL/d(net input) of each unit: dL/d(out) · σ'(net)
        var dW = delta.Outer(input);                  // dL/dW[i, j] = delta_i · in_j   (d_w5 = delta_o1 · out_h1, …)
        return [ctx.NeedsInputGrad[0] ? dW : null, ctx.NeedsInputGrad[1] ? InputGradient(w, input, delta) : null];
    }

    /// <summary>dL/d(in_j) = Σ_i delta_i · W[i, j]: each unit's error signal, carried back by the weight from in_j.</summary>
    protected virtual Tensor InputGradient(Tensor w, Tensor input, Tensor delta) => w.T.MatMul(delta);
}

/// <summary>The first handed-out formulas: dL/d(out_h_j) taken as Σ_i d_w(i, j), the output layer's weight gradients.</summary>
sealed class FirstHandedOutLayer : SigmoidLayer
{
    public override string Name => "FirstHandedOutLayerBackward";

    protected override Tensor InputGradient(Tensor w, Tensor input, Tensor delta) => delta.Sum() * input;   // d_w5 + d_w6 = (delta_o1 + delta_o2)·out_h1
}
