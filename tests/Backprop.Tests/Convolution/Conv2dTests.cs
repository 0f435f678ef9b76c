using System.Text.Json;
using Backprop;

namespace Backprop.Tests.Convolution;

// Forward values and gradients against PyTorch 1.13 (Reference/conv_conv2d.json); gradchecks in Float64.
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class Conv2dTests
{
    public static TheoryData<string> Cases => ConvReference.Names("conv_conv2d.json", "conv2d");

    private static (Tensor X, Tensor W, Tensor? B, Tensor Out) Run(JsonElement c)
    {
        var dtype = ConvReference.DTypeOf(c);
        var x = ConvReference.Tensor(c.GetProperty("x"), dtype, requiresGrad: true);
        var w = ConvReference.Tensor(c.GetProperty("w"), dtype, requiresGrad: true);
        var b = c.TryGetProperty("b", out var bj) ? ConvReference.Tensor(bj, dtype, requiresGrad: true) : null;
        ConvPadding padding = c.TryGetProperty("padding_mode", out var mode) ? mode.GetString()! : ConvReference.Pair(c, "padding");
        var y = Tensor.Conv2d(x, w, b, ConvReference.Pair(c, "stride"), padding, ConvReference.Pair(c, "dilation"), c.GetProperty("groups").GetInt32());
        return (x, w, b, y);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conv2d_forward_matches_torch(string name)
    {
        var c = ConvReference.Case("conv_conv2d.json", "conv2d", name);
        var (_, _, _, y) = Run(c);
        ConvReference.AssertClose(c.GetProperty("out"), y, ConvReference.DTypeOf(c));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Conv2d_gradients_match_torch(string name)
    {
        var c = ConvReference.Case("conv_conv2d.json", "conv2d", name);
        var dtype = ConvReference.DTypeOf(c);
        var (x, w, b, y) = Run(c);
        y.Mul(ConvReference.Tensor(c.GetProperty("gout"), dtype)).Sum().Backward();
        ConvReference.AssertClose(c.GetProperty("gx"), x.Grad!, dtype);
        ConvReference.AssertClose(c.GetProperty("gw"), w.Grad!, dtype);
        if (b is not null) ConvReference.AssertClose(c.GetProperty("gb"), b.Grad!, dtype);
    }

    [Fact]
    public void Conv2d_records_one_convolution_node_and_an_unbatched_squeeze()
    {
        var w = TensorAssert.Leaf(2, 1, 2, 2);
        Assert.Equal("ConvolutionBackward0", Tensor.Conv2d(TensorAssert.Leaf(1, 1, 3, 3), w).GradFn!.Name);
        Assert.Equal("SqueezeBackward1", Tensor.Conv2d(TensorAssert.Leaf(1, 3, 3), w).GradFn!.Name);
        Assert.Null(Tensor.Conv2d(TensorAssert.Seq(1, 1, 3, 3), TensorAssert.Seq(2, 1, 2, 2)).GradFn);
    }

    [Fact]
    public void Conv2d_reads_non_contiguous_inputs_in_place()
    {
        var x = Tensor.Randn([2, 5, 6, 3]).Permute(0, 3, 1, 2);   // [2, 3, 5, 6], channels last in memory
        var w = Tensor.Randn([4, 3, 3, 3]);
        var expected = Tensor.Conv2d(x.Contiguous(), w, null, 1, 1).ToArray<float>();
        Assert.Equal(expected, Tensor.Conv2d(x, w, null, 1, 1).ToArray<float>());
    }

    [Fact]
    public void Conv2d_gradcheck_with_bias_stride_padding_and_dilation()
    {
        TensorAssert.GradCheck(xs => Tensor.Conv2d(xs[0], xs[1], xs[2]), TensorAssert.Leaf(2, 2, 4, 4), TensorAssert.Leaf(3, 2, 2, 2), TensorAssert.Leaf(3));
        TensorAssert.GradCheck(xs => Tensor.Conv2d(xs[0], xs[1], xs[2], stride: (2, 1), padding: (1, 2), dilation: (2, 1)),
            TensorAssert.Leaf(1, 2, 5, 5), TensorAssert.Leaf(2, 2, 2, 3), TensorAssert.Leaf(2));
        TensorAssert.GradCheck(xs => Tensor.Conv2d(xs[0], xs[1], null, padding: "same", dilation: (1, 2)),
            TensorAssert.Leaf(1, 2, 4, 5), TensorAssert.Leaf(2, 2, 2, 2));
    }

    [Fact]
    public void Conv2d_gradcheck_with_groups_and_unbatched_input()
    {
        TensorAssert.GradCheck(xs => Tensor.Conv2d(xs[0], xs[1], xs[2], groups: 2, padding: 1),
            TensorAssert.Leaf(2, 4, 3, 3), TensorAssert.Leaf(4, 2, 2, 2), TensorAssert.Leaf(4));
        TensorAssert.GradCheck(xs => Tensor.Conv2d(xs[0], xs[1], null, stride: 2), TensorAssert.Leaf(2, 5, 5), TensorAssert.Leaf(3, 2, 3, 3));
    }

    [Fact]
    public void Conv2d_gradcheck_on_non_contiguous_views()
    {
        // x channels-last permuted, w transposed in its spatial dims, b a strided slice.
        TensorAssert.GradCheck(xs => Tensor.Conv2d(xs[0].Permute(0, 3, 1, 2), xs[1].Transpose(2, 3), xs[2].Slice(0, step: 2), padding: (1, 0)),
            TensorAssert.Leaf(2, 4, 5, 3), TensorAssert.Leaf(2, 3, 3, 2), TensorAssert.Leaf(4));
        TensorAssert.GradCheck(xs => Tensor.Conv2d(xs[0].Slice(3, 1, 5), xs[1], null, stride: 2), TensorAssert.Leaf(1, 2, 4, 6), TensorAssert.Leaf(2, 2, 2, 2));
    }

    [Fact]
    public void Conv2d_second_derivatives_pass_gradgradcheck()
    {
        // The gradient of Σ conv(x, w)² with respect to x and w, itself differentiated: both flow through unfold and fold.
        TensorAssert.GradCheck(xs =>
        {
            using var grad = Autograd.EnableGrad();
            var y = Tensor.Conv2d(xs[0], xs[1], xs[2], stride: (1, 2), padding: 1);
            var g = Autograd.Grad([y.Pow(2).Sum()], [xs[0], xs[1]], createGraph: true);
            return g[0]!.Sum(0).Mul(0.5).Add(g[1]!.Sum(0).Sum(0).Sum());
        }, TensorAssert.Leaf(2, 2, 3, 4), TensorAssert.Leaf(3, 2, 2, 2), TensorAssert.Leaf(3));
    }

    [Fact]
    public void Conv2d_errors_match_torch()
    {
        ArgumentException Throws(Func<Tensor> f) => Assert.Throws<ArgumentException>(() => f());
        var x = Tensor.Zeros(1, 1, 28, 28);
        Assert.Contains("Given groups=1, weight of size [16, 3, 5, 5], expected input[1, 1, 28, 28] to have 3 channels, but got 1 channels instead",
            Throws(() => Tensor.Conv2d(x, Tensor.Zeros(16, 3, 5, 5))).Message);
        Assert.Contains("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 3]",
            Throws(() => Tensor.Conv2d(Tensor.Zeros(2, 3), Tensor.Zeros(16, 3, 5, 5))).Message);
        Assert.Contains("Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size",
            Throws(() => Tensor.Conv2d(Tensor.Zeros(1, 3, 2, 2), Tensor.Zeros(4, 3, 3, 3))).Message);
        Assert.Contains("Kernel size: (5 x 3)",
            Throws(() => Tensor.Conv2d(Tensor.Zeros(1, 3, 4, 4), Tensor.Zeros(4, 3, 3, 3), dilation: (2, 1))).Message);
        Assert.Contains("Expected 4-dimensional weight for 4-dimensional input [1, 3, 2, 2], but got 3-dimensional weight of size [4, 3, 3] instead",
            Throws(() => Tensor.Conv2d(Tensor.Zeros(1, 3, 2, 2), Tensor.Zeros(4, 3, 3))).Message);
        Assert.Contains("Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [3, 2, 3, 3] instead",
            Throws(() => Tensor.Conv2d(Tensor.Zeros(1, 4, 5, 5), Tensor.Zeros(3, 2, 3, 3), groups: 2)).Message);
        Assert.Contains("Given weight of size [4, 3, 3, 3], expected bias to be 1-dimensional with 4 elements, but got bias of size [3] instead",
            Throws(() => Tensor.Conv2d(Tensor.Zeros(1, 3, 5, 5), Tensor.Zeros(4, 3, 3, 3), Tensor.Zeros(3))).Message);
        var x5 = Tensor.Zeros(1, 3, 5, 5);
        var w3 = Tensor.Zeros(4, 3, 3, 3);
        Assert.Contains("non-positive stride is not supported", Throws(() => Tensor.Conv2d(x5, w3, stride: 0)).Message);
        Assert.Contains("negative padding is not supported", Throws(() => Tensor.Conv2d(x5, w3, padding: -1)).Message);
        Assert.Contains("dilation should be greater than zero, but got [0, 0]", Throws(() => Tensor.Conv2d(x5, w3, dilation: 0)).Message);
        Assert.Contains("non-positive groups is not supported", Throws(() => Tensor.Conv2d(x5, w3, groups: 0)).Message);
        Assert.Contains("padding='same' is not supported for strided convolutions", Throws(() => Tensor.Conv2d(x5, w3, stride: 2, padding: "same")).Message);
        Assert.Contains("Invalid padding string 'foo', should be one of {'same', 'valid'}", Throws(() => Tensor.Conv2d(x5, w3, padding: "foo")).Message);
        Assert.Contains("expected scalar type Float but found Double", Throws(() => Tensor.Conv2d(x5, w3.Double())).Message);
        Assert.Contains("Input type (float) and bias type (double) should be the same",
            Throws(() => Tensor.Conv2d(x5, w3, Tensor.Zeros([4], DType.Float64))).Message);
        Assert.Contains("expected a floating-point input", Throws(() => Tensor.Conv2d(x5.Long(), w3.Long())).Message);
    }

    [Fact]
    public void Unfold_and_fold_match_torch_with_gradients()
    {
        foreach (var c in ConvReference.Cases("conv_conv2d.json", "window"))
        {
            var x = ConvReference.Tensor(c.GetProperty("x"), requiresGrad: true);
            var kernel = ConvReference.Pair(c, "kernel_size");
            var (dilation, padding, stride) = (ConvReference.Pair(c, "dilation"), ConvReference.Pair(c, "padding"), ConvReference.Pair(c, "stride"));
            var y = c.GetProperty("name").GetString() == "unfold"
                ? Tensor.Unfold(x, kernel, dilation, padding, stride)
                : Tensor.Fold(x, ConvReference.Pair(c, "output_size"), kernel, dilation, padding, stride);
            ConvReference.AssertClose(c.GetProperty("out"), y);
            y.Mul(ConvReference.Tensor(c.GetProperty("gout"))).Sum().Backward();
            ConvReference.AssertClose(c.GetProperty("gx"), x.Grad!);
        }
    }

    [Fact]
    public void Unfold_lays_out_windows_like_torch()
    {
        // torch.nn.functional.unfold(torch.arange(12.).reshape(1, 1, 3, 4), 2, stride=(1, 2)): rows are kernel taps, columns windows.
        var y = Tensor.Unfold(Tensor.Arange(12.0).Reshape(1, 1, 3, 4), 2, stride: (1, 2));
        TensorAssert.Close([1, 4, 4], [0, 2, 4, 6, 1, 3, 5, 7, 4, 6, 8, 10, 5, 7, 9, 11], y);
        Assert.Equal([4, 4], Tensor.Unfold(Tensor.Arange(12.0).Reshape(1, 3, 4), 2, stride: (1, 2)).Shape.ToArray());
        Assert.Equal("Im2ColBackward0", Tensor.Unfold(TensorAssert.Leaf(1, 1, 3, 3), 2).GradFn!.Name);
        Assert.Equal("Col2ImBackward0", Tensor.Fold(TensorAssert.Leaf(1, 4, 4), 3, 2).GradFn!.Name);
        Assert.Equal([2, 4, 4], Tensor.Fold(Tensor.Zeros(18, 4), 4, 3).Shape.ToArray());
    }

    [Fact]
    public void Unfold_and_fold_gradcheck_including_views_and_second_order()
    {
        TensorAssert.GradCheck(xs => Tensor.Unfold(xs[0].Transpose(2, 3), (2, 3), dilation: (2, 1), padding: 1, stride: (1, 2)), TensorAssert.Leaf(1, 2, 5, 4));
        TensorAssert.GradCheck(xs => Tensor.Fold(xs[0].Transpose(1, 2), (4, 5), 2, padding: (1, 0), stride: (1, 2)), TensorAssert.Leaf(2, 10, 8));
        TensorAssert.GradCheck(xs =>
        {
            using var grad = Autograd.EnableGrad();
            var f = Tensor.Fold(Tensor.Unfold(xs[0], 2).Pow(2), (3, 3), 2).Pow(2).Sum();
            return Autograd.Grad([f], [xs[0]], createGraph: true)[0]!;
        }, TensorAssert.Leaf(1, 1, 3, 3));
    }

    [Fact]
    public void Unfold_and_fold_errors_match_torch()
    {
        ArgumentException Throws(Func<Tensor> f) => Assert.Throws<ArgumentException>(() => f());
        var x = Tensor.Zeros(1, 2, 4, 4);
        Assert.Contains("Only 3D or 4D input Tensors are supported (got 2D)", Throws(() => Tensor.Unfold(Tensor.Zeros(2, 3), 3)).Message);
        Assert.Contains("Given input with spatial size (2, 2), kernel_size=(3, 3), dilation=(1, 1), padding=(0, 0), calculated shape of the array of sliding blocks as (0, 0), but its components must be at least one.",
            Throws(() => Tensor.Unfold(Tensor.Zeros(1, 2, 2, 2), 3)).Message);
        Assert.Contains("stride should be greater than zero, but got stride_height: 0 stride_width: 0", Throws(() => Tensor.Unfold(x, 3, stride: 0)).Message);
        Assert.Contains("padding should be non-negative, but got pad_height: -1 pad_width: -1", Throws(() => Tensor.Unfold(x, 3, padding: -1)).Message);
        Assert.Contains("dilation should be greater than zero, but got dilation_height: 0 dilation_width: 0", Throws(() => Tensor.Unfold(x, 3, dilation: 0)).Message);
        Assert.Contains("kernel size should be greater than zero, but got kernel_height: 0 kernel_width: 0", Throws(() => Tensor.Unfold(x, 0)).Message);
        Assert.Contains("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: [2]",
            Throws(() => Tensor.Fold(Tensor.Zeros(2), (4, 4), 3)).Message);
        Assert.Contains("Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=10 and kernel_size=(3, 3).",
            Throws(() => Tensor.Fold(Tensor.Zeros(1, 10, 4), (4, 4), 3)).Message);
        Assert.Contains("Given output_size=(4, 4), kernel_size=(3, 3), dilation=(1, 1), padding=(0, 0), stride=(1, 1), expected size of input's dimension 2 to match the calculated number of sliding blocks 2 * 2 = 4, but got input.size(2)=5.",
            Throws(() => Tensor.Fold(Tensor.Zeros(1, 18, 5), (4, 4), 3)).Message);
    }
}
