using Backprop;
using Backprop.NN;
using Backprop.Optim;

// A network of your own: subclass Module<Tensor, Tensor>, register its parts in the constructor, write Forward.
// Trained here with Adam on XOR, the smallest problem a straight line cannot separate.
Tensor.ManualSeed(0);   // the same seed gives the same initial weights as torch.manual_seed(0)

var x = Tensor.From(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
var y = Tensor.From(new float[,] { { 0 }, { 1 }, { 1 }, { 0 } });

var model = new TwoLayerPerceptron(inputs: 2, hidden: 8, outputs: 1);
foreach (var (name, parameter) in model.NamedParameters())
    Console.WriteLine($"{name}: [{string.Join(", ", parameter.Shape.ToArray())}]");

var optimizer = new Adam(model.Parameters(), lr: 0.01);
var criterion = new BCEWithLogitsLoss();   // sigmoid + binary cross-entropy, computed stably

for (int epoch = 1; epoch <= 200; epoch++)
{
    var loss = criterion.Forward(model.Forward(x), y);
    optimizer.ZeroGrad();
    loss.Backward();
    optimizer.Step();
    if (epoch % 50 == 0) Console.WriteLine($"epoch {epoch}: loss {loss.Item():F4}");
}

model.Eval();
using (Autograd.NoGrad())
{
    var probabilities = model.Forward(x).Sigmoid();
    Console.WriteLine($"P(y = 1) for (0,0) (0,1) (1,0) (1,1): {probabilities.Reshape([-1])}");
    Console.WriteLine($"predicted: {probabilities.Gt(0.5).Long().Reshape([-1])}");
}

/// <summary>Linear → Tanh → Linear, with a learnable output scale: a hand-made nn.Module.</summary>
sealed class TwoLayerPerceptron : Module<Tensor, Tensor>
{
    private readonly Linear _hidden;
    private readonly Linear _output;
    private readonly Parameter _scale;

    public TwoLayerPerceptron(int inputs, int hidden, int outputs)
    {
        // Registered children and parameters are what Parameters(), StateDict() and ZeroGrad() see,
        // under the names given here ("hidden.weight", "output.bias", "scale"), as in PyTorch.
        _scale = RegisterParameter("scale", new Parameter(Tensor.Ones([1])))!;
        _hidden = RegisterModule("hidden", new Linear(inputs, hidden));
        _output = RegisterModule("output", new Linear(hidden, outputs));
    }

    public override Tensor Forward(Tensor input) => _output.Forward(_hidden.Forward(input).Tanh()) * _scale;
}
