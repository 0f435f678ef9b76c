using Backprop;
using Backprop.NN;

namespace Backprop.Tests.Convolution;

// The Conv2d layer: PyTorch's default initialisation bit for bit under a seed (Reference/conv_init.json), its
// parameter names, printing and argument checks, and a small conv → batch-norm → pool network end to end.
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class Conv2dModuleTests
{
    [Fact]
    public void Conv2d_default_initialisation_is_bit_exact_with_torch_under_a_seed()
    {
        foreach (var c in ConvReference.Cases("conv_init.json", "init"))
        {
            Tensor.ManualSeed((ulong)c.GetProperty("seed").GetInt32());
            var conv = new Conv2d(c.GetProperty("in_channels").GetInt32(), c.GetProperty("out_channels").GetInt32(), ConvReference.Pair(c, "kernel_size"),
                groups: c.GetProperty("groups").GetInt32(), bias: c.GetProperty("bias").GetBoolean());
            Assert.Equal(ConvReference.Shape(c.GetProperty("weight")), conv.Weight.Shape.ToArray());
            Assert.Equal(ConvReference.Data(c.GetProperty("weight")).Select(v => (float)v).ToArray(), conv.Weight.ToArray<float>());
            if (c.TryGetProperty("bias_values", out var b)) Assert.Equal(ConvReference.Data(b).Select(v => (float)v).ToArray(), conv.Bias!.ToArray<float>());
            else Assert.Null(conv.Bias);
        }
    }

    [Fact]
    public void Conv2d_names_its_parameters_as_torch_does()
    {
        var conv = new Conv2d(3, 4, 3);
        Assert.Equal(["weight", "bias"], conv.StateDict().Keys.ToArray());
        Assert.Equal([4, 3, 3, 3], conv.Weight.Shape.ToArray());
        Assert.True(conv.Weight.RequiresGrad);
        Assert.Equal(["weight"], new Conv2d(3, 4, 3, bias: false).StateDict().Keys.ToArray());
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"],
            new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2)).StateDict().Keys.ToArray());
    }

    [Fact]
    public void Conv2d_forward_is_the_functional_convolution_with_its_settings()
    {
        var conv = new Conv2d(4, 6, (3, 2), stride: (2, 1), padding: (1, 0), dilation: (1, 2), groups: 2, dtype: DType.Float64);
        var x = TensorAssert.Seq(2, 4, 7, 6);
        var expected = Tensor.Conv2d(x, conv.Weight, conv.Bias, (2, 1), (1, 0), (1, 2), 2);
        Assert.Equal(expected.ToArray<double>(), conv.Forward(x).ToArray<double>());
        var same = new Conv2d(2, 3, 4, padding: "same", dilation: (1, 2));
        Assert.Equal([1, 3, 5, 6], same.Forward(Tensor.Zeros(1, 2, 5, 6)).Shape.ToArray());
    }

    [Fact]
    public void Conv2d_prints_like_torch()
    {
        Assert.Equal("Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1))", new Conv2d(3, 4, 3).ToString());
        Assert.Equal("Conv2d(3, 4, kernel_size=(3, 5), stride=(2, 2), padding=(1, 1), dilation=(2, 2), bias=False)",
            new Conv2d(3, 4, (3, 5), stride: 2, padding: 1, dilation: 2, bias: false).ToString());
        Assert.Equal("Conv2d(4, 4, kernel_size=(3, 3), stride=(1, 1), padding=same, groups=2)", new Conv2d(4, 4, 3, padding: "same", groups: 2).ToString());
    }

    [Fact]
    public void Conv2d_constructor_errors_match_torch()
    {
        Assert.Contains("in_channels must be divisible by groups", Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 3, groups: 2)).Message);
        Assert.Contains("out_channels must be divisible by groups", Assert.Throws<ArgumentException>(() => new Conv2d(4, 3, 3, groups: 2)).Message);
        Assert.Contains("groups must be a positive integer", Assert.Throws<ArgumentException>(() => new Conv2d(4, 4, 3, groups: 0)).Message);
        Assert.Contains("padding='same' is not supported for strided convolutions",
            Assert.Throws<ArgumentException>(() => new Conv2d(4, 4, 3, stride: 2, padding: "same")).Message);
        Assert.Contains("Invalid padding string 'foo', should be one of {'same', 'valid'}",
            Assert.Throws<ArgumentException>(() => new Conv2d(4, 4, 3, padding: "foo")).Message);
    }

    [Fact]
    public void Conv_batchnorm_pool_network_trains_its_parameters()
    {
        Tensor.ManualSeed(0);
        var net = new Sequential(new Conv2d(1, 4, 3, padding: 1), new BatchNorm2d(4), new MaxPool2d(2), new Conv2d(4, 2, 3), new AdaptiveAvgPool2d(1));
        var x = Tensor.Randn([3, 1, 8, 8]);
        var y = net.Forward(x);
        Assert.Equal([3, 2, 1, 1], y.Shape.ToArray());
        y.Pow(2).Sum().Backward();
        foreach (var (name, p) in net.NamedParameters())
        {
            Assert.NotNull(p.Grad);
            Assert.Equal(p.Shape.ToArray(), p.Grad!.Shape.ToArray());
            // The first conv's bias shifts whole channels, which the batch norm after it removes: its gradient is ~0.
            if (name != "0.bias") Assert.True(p.Grad.Abs().Sum().Item() > 1e-4, $"{name} got a zero gradient");
        }
    }
}
