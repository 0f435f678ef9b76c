using Backprop;
using Backprop.NN;

namespace Backprop.Tests.NN;

/// <summary>The activation, reshaping and pass-through modules: each equals its functional form, has no parameters, prints as torch.</summary>
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class ActivationModuleTests
{
    private static readonly Tensor X = Tensor.From([-3.0, -1.2, -0.3, 0.0, 0.4, 1.5, 2.8]);

    public static TheoryData<string> Modules() => ["ReLU", "Sigmoid", "Tanh", "LeakyReLU", "GELU", "GELUTanh", "Softplus", "Softmax", "LogSoftmax"];

    private static (Module<Tensor, Tensor> Module, Func<Tensor, Tensor> Function, string Printed) Make(string name) => name switch
    {
        "ReLU" => (new ReLU(), F.Relu, "ReLU()"),
        "Sigmoid" => (new Sigmoid(), t => t.Sigmoid(), "Sigmoid()"),
        "Tanh" => (new Tanh(), F.Tanh, "Tanh()"),
        "LeakyReLU" => (new LeakyReLU(0.2), t => t.LeakyRelu(0.2), "LeakyReLU(negative_slope=0.2)"),
        "GELU" => (new GELU(), t => t.Gelu(), "GELU(approximate='none')"),
        "GELUTanh" => (new GELU(GeluApproximation.Tanh), t => F.Gelu(t, GeluApproximation.Tanh), "GELU(approximate='tanh')"),
        "Softplus" => (new Softplus(2, 10), t => t.Softplus(2, 10), "Softplus(beta=2, threshold=10)"),
        "Softmax" => (new Softmax(0), t => t.Softmax(0), "Softmax(dim=0)"),
        "LogSoftmax" => (new LogSoftmax(-1), t => t.LogSoftmax(-1), "LogSoftmax(dim=-1)"),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Modules))]
    public void Module_equals_its_function_and_has_no_parameters(string name)
    {
        var (module, function, printed) = Make(name);
        Assert.Equal(function(X).ToArray<double>(), module.Forward(X).ToArray<double>());
        Assert.Empty(module.Parameters());
        Assert.Equal(printed, module.ToString());
    }

    [Fact]
    public void Gelu_tanh_approximation_matches_pytorch_and_gradchecks()
    {
        // nn.GELU(approximate='tanh') in float64: outputs and d/dx
        var x = X.Clone().RequiresGrad_();
        var y = new GELU(GeluApproximation.Tanh).Forward(x);
        TensorAssert.Close([-0.0036373920817729943, -0.13829723086213508, -0.11462907645724074, 0.0, 0.2621611694273562, 1.3995715769802328, 2.7933111063931206],
            y, 1e-12, 1e-15);
        y.Sum().Backward();
        TensorAssert.Close([-0.011584166630969648, -0.11772613473311258, 0.26770454836119817, 0.5, 0.8026588344205614, 1.127710793151433, 1.0194584612853284],
            x.Grad!, 1e-12, 1e-15);
        TensorAssert.GradCheck(xs => F.Gelu(xs[0].T, GeluApproximation.Tanh), TensorAssert.Leaf(3, 2));
    }

    [Fact]
    public void Flatten_merges_all_but_the_batch_dim_by_default()
    {
        TensorAssert.Shape([2, 60], new Flatten().Forward(Tensor.Zeros(2, 3, 4, 5)));
        TensorAssert.Shape([24, 5], new Flatten(0, 2).Forward(Tensor.Zeros(2, 3, 4, 5)));
        Assert.Equal("Flatten(start_dim=1, end_dim=-1)", new Flatten().ToString());
        var x = TensorAssert.Leaf(2, 3, 2);
        TensorAssert.GradCheck(xs => new Flatten().Forward(xs[0].Transpose(1, 2)), x);
    }

    [Fact]
    public void Identity_returns_its_input()
    {
        var x = Tensor.Ones(2);
        Assert.Same(x, new Identity().Forward(x));
    }

    [Fact]
    public void A_sequential_classifier_trains_end_to_end_with_modules_only()
    {
        // Sequential(Linear, ReLU, Linear) + CrossEntropyLoss: a few hand-written SGD steps lower the loss.
        var g = new Generator(0);
        var model = new Sequential(new Linear(4, 8, generator: g), new ReLU(), new Dropout(0.1, g), new Linear(8, 3, generator: g));
        var x = Tensor.Randn([16, 4], generator: g);
        var y = x.Select(1, 0).Gt(0).Long() + x.Select(1, 1).Gt(0.5).Long();
        var lossFn = new CrossEntropyLoss();
        double first = 0, last = 0;
        for (int step = 0; step < 30; step++)
        {
            model.ZeroGrad();
            var loss = lossFn.Forward(model.Forward(x), y);
            loss.Backward();
            using (Autograd.NoGrad())
                foreach (var p in model.Parameters()) p.Sub_(p.Grad!, alpha: 0.5);
            if (step == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(last < 0.7 * first, $"loss went from {first} to {last}");
        model.Eval();
        Assert.False(model[2].Training);
    }
}
