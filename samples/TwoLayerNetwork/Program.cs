using Backprop;

// The 2-2-2 network of the classic backpropagation exercise: inputs x1, x2; two sigmoid hidden units; two sigmoid
// outputs; no biases; loss ½Σ(o − y)². Each layer's weights are a matrix whose row i holds the weights into unit i,
// so W1 = [[w1, w3], [w2, w4]] and W2 = [[w5, w7], [w6, w8]] in the exercise's names. Autograd computes the gradients
// that the exercise derives by hand with the chain rule; plain SGD with lr = 1 does the updates.
var x = Tensor.From(new[] { 0.5, 0.3 });                                         // x1, x2 (Float64)
var y = Tensor.From(new[] { 0.23, -0.07 });                                      // y1, y2
var w1 = Tensor.From(new[,] { { 0.2, 0.5 }, { -0.4, 0.6 } }).RequiresGrad_();   // [[w1, w3], [w2, w4]]
var w2 = Tensor.From(new[,] { { 0.1, -0.3 }, { -0.5, 0.8 } }).RequiresGrad_();  // [[w5, w7], [w6, w8]]
const double lr = 1.0;

for (int step = 1; step <= 5; step++)
{
    var h = w1.MatMul(x).Sigmoid();             // h = σ(W1·x)
    var o = w2.MatMul(h).Sigmoid();             // o = σ(W2·h)
    var loss = 0.5 * (o - y).Pow(2).Sum();      // ½Σ(o − y)²
    loss.Backward();                            // dloss/dW1 and dloss/dW2 land in w1.Grad and w2.Grad

    if (step == 1)
    {
        Console.WriteLine($"outputs: {o}");
        Console.WriteLine($"dL/dW1: {w1.Grad}");
        Console.WriteLine($"dL/dW2: {w2.Grad}");
    }
    Console.WriteLine($"step {step}: loss {loss.Item():F6}");

    // The update is not part of the model: record no graph for it, then clear the gradients for the next step.
    using (Autograd.NoGrad())
    {
        w1.Sub_(w1.Grad!, alpha: lr);
        w2.Sub_(w2.Grad!, alpha: lr);
    }
    w1.ZeroGrad();
    w2.ZeroGrad();
}

Console.WriteLine($"W1 after 5 steps: {w1}");
Console.WriteLine($"W2 after 5 steps: {w2}");
