using System.Text.Json;
using Backprop;
using Backprop.NN;

namespace Backprop.Tests.Convolution;

// Max, average and adaptive average pooling against PyTorch 1.13 (Reference/conv_pool.json); gradchecks in Float64.
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class PoolingTests
{
    public static TheoryData<string> Cases => ConvReference.Names("conv_pool.json", "pool");

    private static Size2? OptionalPair(JsonElement c, string key) => c.TryGetProperty(key, out _) ? ConvReference.Pair(c, key) : null;

    private static bool Flag(JsonElement c, string key, bool fallback) => c.TryGetProperty(key, out var v) ? v.GetBoolean() : fallback;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pooling_forward_and_gradient_match_torch(string name)
    {
        var c = ConvReference.Case("conv_pool.json", "pool", name);
        var x = ConvReference.Tensor(c.GetProperty("x"), requiresGrad: true);
        Tensor y;
        switch (c.GetProperty("kind").GetString())
        {
            case "max":
                (y, var indices) = Tensor.MaxPool2dWithIndices(x, ConvReference.Pair(c, "kernel_size"), OptionalPair(c, "stride"), OptionalPair(c, "padding"),
                    OptionalPair(c, "dilation"), Flag(c, "ceil_mode", false));
                Assert.Equal(c.GetProperty("indices").EnumerateArray().Select(e => e.GetInt64()).ToArray(), indices.ToArray<long>());
                Assert.Equal(DType.Int64, indices.DType);
                break;
            case "avg":
                int? divisor = c.TryGetProperty("divisor_override", out var d) ? d.GetInt32() : null;
                y = Tensor.AvgPool2d(x, ConvReference.Pair(c, "kernel_size"), OptionalPair(c, "stride"), OptionalPair(c, "padding"),
                    Flag(c, "ceil_mode", false), Flag(c, "count_include_pad", true), divisor);
                break;
            default:
                y = Tensor.AdaptiveAvgPool2d(x, ConvReference.Pair(c, "output_size"));
                break;
        }
        ConvReference.AssertClose(c.GetProperty("out"), y);
        y.Mul(ConvReference.Tensor(c.GetProperty("gout"))).Sum().Backward();
        ConvReference.AssertClose(c.GetProperty("gx"), x.Grad!);
    }

    [Fact]
    public void MaxPool2d_takes_nan_as_the_maximum_and_the_first_of_ties()
    {
        // torch.nn.functional.max_pool2d(x, 2, stride=1, return_indices=True) on this 3×3 plane.
        var x = Tensor.From(new[] { 1.0, double.NaN, 0, 3, 2, double.NaN, 5, 4, 0.5 }, 1, 1, 3, 3);
        var (values, indices) = Tensor.MaxPool2dWithIndices(x, 2, stride: 1);
        TensorAssert.Close([double.NaN, double.NaN, 5, double.NaN], values);
        Assert.Equal([1L, 5, 6, 5], indices.ToArray<long>());
        var (_, tie) = Tensor.MaxPool2dWithIndices(Tensor.Ones([1, 1, 2, 2], DType.Float64), 2);
        Assert.Equal([0L], tie.ToArray<long>());
    }

    [Fact]
    public void MaxPool2d_gradcheck_on_views_and_its_second_derivative()
    {
        TensorAssert.GradCheck(xs => Tensor.MaxPool2d(xs[0].Permute(0, 3, 1, 2), 3, stride: 2, padding: 1, ceilMode: true), TensorAssert.Leaf(2, 5, 5, 2));
        TensorAssert.GradCheck(xs => Tensor.MaxPool2d(xs[0].Slice(2, 1), (2, 2), stride: 1, dilation: (1, 2)), TensorAssert.Leaf(1, 2, 5, 5));
        TensorAssert.GradCheck(xs =>
        {
            using var grad = Autograd.EnableGrad();
            var f = Tensor.MaxPool2d(xs[0], 2, stride: 1).Pow(3).Sum();
            return Autograd.Grad([f], [xs[0]], createGraph: true)[0]!;
        }, TensorAssert.Leaf(1, 1, 3, 3));
    }

    [Fact]
    public void AvgPool2d_gradcheck_on_views_and_its_second_derivative()
    {
        TensorAssert.GradCheck(xs => Tensor.AvgPool2d(xs[0].Transpose(2, 3), 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false),
            TensorAssert.Leaf(2, 2, 5, 6));
        TensorAssert.GradCheck(xs => Tensor.AvgPool2d(xs[0], (2, 3), stride: 1, divisorOverride: 4), TensorAssert.Leaf(2, 4, 5));
        TensorAssert.GradCheck(xs =>
        {
            using var grad = Autograd.EnableGrad();
            var f = Tensor.AvgPool2d(xs[0], 2, stride: 1, padding: 1).Pow(3).Sum();
            return Autograd.Grad([f], [xs[0]], createGraph: true)[0]!;
        }, TensorAssert.Leaf(1, 2, 3, 3));
    }

    [Fact]
    public void AdaptiveAvgPool2d_gradcheck_on_views_and_its_second_derivative()
    {
        TensorAssert.GradCheck(xs => Tensor.AdaptiveAvgPool2d(xs[0].Permute(0, 3, 1, 2), (3, 2)), TensorAssert.Leaf(2, 5, 4, 2));
        TensorAssert.GradCheck(xs =>
        {
            using var grad = Autograd.EnableGrad();
            var f = Tensor.AdaptiveAvgPool2d(xs[0], (2, 4)).Pow(3).Sum();
            return Autograd.Grad([f], [xs[0]], createGraph: true)[0]!;
        }, TensorAssert.Leaf(1, 2, 3, 5));
    }

    [Fact]
    public void Pooling_records_torch_node_names()
    {
        var x = TensorAssert.Leaf(1, 1, 4, 4);
        Assert.Equal("MaxPool2DWithIndicesBackward0", Tensor.MaxPool2d(x, 2).GradFn!.Name);
        Assert.Equal("AvgPool2DBackward0", Tensor.AvgPool2d(x, 2).GradFn!.Name);
        Assert.Equal("AdaptiveAvgPool2DBackward0", Tensor.AdaptiveAvgPool2d(x, 2).GradFn!.Name);
    }

    [Fact]
    public void Pooling_errors_match_torch()
    {
        ArgumentException Throws(Func<Tensor> f) => Assert.Throws<ArgumentException>(() => f());
        var x = Tensor.Zeros(1, 1, 4, 4);
        Assert.Contains("non-empty 3D or 4D (batch mode) tensor expected for input", Throws(() => Tensor.MaxPool2d(Tensor.Zeros(2, 3), 2)).Message);
        Assert.Contains("non-empty 3D or 4D (batch mode) tensor expected for input", Throws(() => Tensor.AvgPool2d(Tensor.Zeros(1, 0, 4), 2)).Message);
        Assert.Contains("pad should be at most half of kernel size, but got pad=2 and kernel_size=3", Throws(() => Tensor.MaxPool2d(x, 3, padding: 2)).Message);
        Assert.Contains("pad should be at most half of kernel size, but got pad=2 and kernel_size=3", Throws(() => Tensor.AvgPool2d(x, 3, padding: 2)).Message);
        Assert.Contains("stride should not be zero", Throws(() => Tensor.MaxPool2d(x, 0)).Message);
        Assert.Contains("stride should not be zero", Throws(() => Tensor.AvgPool2d(x, 2, stride: 0)).Message);
        Assert.Contains("kernel size should be greater than zero, but got kH: 0 kW: 0", Throws(() => Tensor.MaxPool2d(x, 0, stride: 1)).Message);
        Assert.Contains("dilation should be greater than zero, but got dilationH: 0 dilationW: 0", Throws(() => Tensor.MaxPool2d(x, 2, dilation: 0)).Message);
        Assert.Contains("pad must be non-negative, but got pad: -1", Throws(() => Tensor.MaxPool2d(x, 2, padding: -1)).Message);
        Assert.Contains("Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small",
            Throws(() => Tensor.MaxPool2d(Tensor.Zeros(1, 1, 2, 2), 3)).Message);
        Assert.Contains("Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small",
            Throws(() => Tensor.AvgPool2d(Tensor.Zeros(1, 1, 2, 2), 3)).Message);
        Assert.Contains("divisor must be not zero", Throws(() => Tensor.AvgPool2d(x, 2, divisorOverride: 0)).Message);
        Assert.Contains("\"max_pool2d\" not implemented for 'Long'", Throws(() => Tensor.MaxPool2d(x.Long(), 2)).Message);
        Assert.Contains("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [2, 3]", Throws(() => Tensor.AdaptiveAvgPool2d(Tensor.Zeros(2, 3), 2)).Message);
        Assert.Contains("elements of output_size must be greater than or equal to 0 but received {-1, -1}", Throws(() => Tensor.AdaptiveAvgPool2d(x, -1)).Message);
        Assert.Contains("Expected input to have non-zero size for non-batch dimensions, but input has sizes [1, 1, 0, 4] with dimension 2 being empty",
            Throws(() => Tensor.AdaptiveAvgPool2d(Tensor.Zeros(1, 1, 0, 4), 2)).Message);
    }

    [Fact]
    public void Pooling_modules_apply_their_settings_and_print_like_torch()
    {
        var x = Tensor.Randn([2, 3, 7, 6]);
        var max = new MaxPool2d(3, stride: 2, padding: 1, ceilMode: true);
        Assert.Equal(Tensor.MaxPool2d(x, 3, 2, 1, 1, true).ToArray<float>(), max.Forward(x).ToArray<float>());
        var avg = new AvgPool2d((3, 2), stride: (2, 1), padding: 1, countIncludePad: false);
        Assert.Equal(Tensor.AvgPool2d(x, (3, 2), (2, 1), 1, false, false).ToArray<float>(), avg.Forward(x).ToArray<float>());
        var adaptive = new AdaptiveAvgPool2d((2, 3));
        Assert.Equal([2, 3, 2, 3], adaptive.Forward(x).Shape.ToArray());
        Assert.Empty(max.Parameters());
        Assert.Empty(adaptive.StateDict());

        // The strings torch prints for nn.MaxPool2d((2, 3)), nn.AvgPool2d(3, (2, 1), 1), nn.MaxPool2d(2, dilation=(1, 2)), nn.AdaptiveAvgPool2d((2, 3)).
        Assert.Equal("MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, ceil_mode=False)", new MaxPool2d((2, 3)).ToString());
        Assert.Equal("AvgPool2d(kernel_size=3, stride=(2, 1), padding=1)", new AvgPool2d(3, (2, 1), 1).ToString());
        Assert.Equal("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=(1, 2), ceil_mode=False)", new MaxPool2d(2, dilation: (1, 2)).ToString());
        Assert.Equal("AdaptiveAvgPool2d(output_size=(2, 3))", adaptive.ToString());
    }
}
