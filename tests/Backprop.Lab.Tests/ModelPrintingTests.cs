using Backprop.Lab.Experiments.FashionMnist;
using Backprop.NN;

namespace Backprop.Lab.Tests;

/// <summary>The lab's Fashion-MNIST models printed as PyTorch 1.13 prints fmnist_torch.py's (print(model)), and summarised.</summary>
public class ModelPrintingTests
{
    [Fact]
    public void The_mlp_prints_as_torch_prints_it()
    {
        const string torch = """
            Sequential(
              (0): Flatten(start_dim=1, end_dim=-1)
              (1): Linear(in_features=784, out_features=256, bias=True)
              (2): ReLU()
              (3): Linear(in_features=256, out_features=10, bias=True)
            )
            """;
        Assert.Equal(torch, FashionMnistModels.Build(FashionMnistModels.Mlp, new Generator(0)).ToString());
    }

    [Fact]
    public void The_cnn_prints_as_torch_prints_it()
    {
        const string torch = """
            Sequential(
              (0): Conv2d(1, 16, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
              (1): ReLU()
              (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
              (3): Conv2d(16, 32, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
              (4): ReLU()
              (5): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
              (6): Flatten(start_dim=1, end_dim=-1)
              (7): Linear(in_features=1568, out_features=10, bias=True)
            )
            """;
        Assert.Equal(torch, FashionMnistModels.Build(FashionMnistModels.Cnn, new Generator(0)).ToString());
    }

    [Fact]
    public void The_cnn_summary_lists_each_layer_s_output_shape_and_parameters()
    {
        var model = FashionMnistModels.Build(FashionMnistModels.Cnn, new Generator(0));
        model[0].Parameters().First().RequiresGrad_(false);   // the first conv's weight frozen: that layer is partly trainable
        var summary = ModelSummary.Create(model, [1, 1, 28, 28]);
        // Shapes and counts as torch computes them: conv 1·16·25 + 16 = 416, conv 16·32·25 + 32 = 12,832, linear 1568·10 + 10 = 15,690.
        const string expected = """
            ===================================================================================================================
            Layer (type:depth-idx)                  Output Shape             Param #                  Trainable
            ===================================================================================================================
            Sequential                              [1, 10]                  --                       --
            ├─Conv2d: 1-1                           [1, 16, 28, 28]          416                      Partial
            ├─ReLU: 1-2                             [1, 16, 28, 28]          --                       --
            ├─MaxPool2d: 1-3                        [1, 16, 14, 14]          --                       --
            ├─Conv2d: 1-4                           [1, 32, 14, 14]          12,832                   True
            ├─ReLU: 1-5                             [1, 32, 14, 14]          --                       --
            ├─MaxPool2d: 1-6                        [1, 32, 7, 7]            --                       --
            ├─Flatten: 1-7                          [1, 1568]                --                       --
            ├─Linear: 1-8                           [1, 10]                  15,690                   True
            ===================================================================================================================
            Total params: 28,938
            Trainable params: 28,538
            Non-trainable params: 400
            ===================================================================================================================
            Input size (MB): 0.00
            Forward/backward pass size (MB): 0.35
            Params size (MB): 0.12
            Estimated Total Size (MB): 0.47
            ===================================================================================================================
            """;
        Assert.Equal(expected, summary.ToString());
        Assert.Equal(28_938, summary.TotalParams);
        Assert.Equal(3136, summary.InputBytes);
        // Leaf outputs, values and gradients: 2·4·(12544·2 + 3136 + 6272·2 + 1568·2 + 10) bytes.
        Assert.Equal(2L * 4 * (12544 * 2 + 3136 + 6272 * 2 + 1568 * 2 + 10), summary.ForwardBackwardBytes);
        Assert.Equal([1, 16, 14, 14], summary.Rows[3].OutputShape!);
        Assert.Equal("3", summary.Rows[4].Name);
    }
}
