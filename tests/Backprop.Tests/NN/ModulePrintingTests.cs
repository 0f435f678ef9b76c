using Backprop;
using Backprop.NN;

namespace Backprop.Tests.NN;

/// <summary>Module.ToString() against PyTorch 1.13's print(model) for the same modules (texts copied from torch's output).</summary>
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class ModulePrintingTests
{
    private sealed class Block : Module<Tensor, Tensor>
    {
        public Block()
        {
            RegisterModule("conv", new Conv2d(3, 8, 3, stride: 2, bias: false));
            RegisterModule("bn", new BatchNorm2d(8));
            RegisterModule("act", new LeakyReLU(0.1));
        }

        public override Tensor Forward(Tensor input) => input;
    }

    private sealed class Net : Module<Tensor, Tensor>
    {
        public Net()
        {
            RegisterModule("features", new Sequential(new Block(), new Dropout(0.25), new AdaptiveAvgPool2d(1)));
            RegisterModule("head", new Linear(8, 3));
        }

        public override Tensor Forward(Tensor input) => input;
    }

    private sealed class Scaled : Module<Tensor, Tensor>
    {
        public override Tensor Forward(Tensor input) => input * 2;
        public override string ExtraRepr() => "factor=2\nmode=fixed";
    }

    [Fact]
    public void A_nested_model_prints_as_torch_prints_it()
    {
        const string torch = """
            Net(
              (features): Sequential(
                (0): Block(
                  (conv): Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), bias=False)
                  (bn): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                  (act): LeakyReLU(negative_slope=0.1)
                )
                (1): Dropout(p=0.25, inplace=False)
                (2): AdaptiveAvgPool2d(output_size=1)
              )
              (head): Linear(in_features=8, out_features=3, bias=True)
            )
            """;
        Assert.Equal(torch, new Net().ToString());
    }

    [Fact]
    public void Sequential_prints_its_children_and_an_empty_one_prints_empty_parentheses()
    {
        const string torch = """
            Sequential(
              (0): Linear(in_features=2, out_features=8, bias=True)
              (1): Tanh()
              (2): Linear(in_features=8, out_features=1, bias=True)
              (3): Sigmoid()
            )
            """;
        Assert.Equal(torch, new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1), new Sigmoid()).ToString());
        Assert.Equal("Sequential()", new Sequential().ToString());
    }

    [Fact]
    public void ExtraRepr_gives_a_layer_s_settings_and_a_multi_line_one_is_indented()
    {
        Assert.Equal("in_features=1, out_features=1, bias=True", new Linear(1, 1).ExtraRepr());
        Assert.Equal("", new Sequential().ExtraRepr());
        // torch: a module whose extra_repr has two lines prints them on lines of their own.
        Assert.Equal("Scaled(\n  factor=2\n  mode=fixed\n)", new Scaled().ToString());
        Assert.Equal("Sequential(\n  (0): Scaled(\n    factor=2\n    mode=fixed\n  )\n)", new Sequential(new Scaled()).ToString());
    }
}
