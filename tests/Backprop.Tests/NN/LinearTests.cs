using System.Text.Json;
using Backprop;
using Backprop.NN;
using static Backprop.Tests.NN.NNReference;

namespace Backprop.Tests.NN;

/// <summary>nn.Linear: PyTorch's default initialisation bit for bit after the same seed, forward and backward, names.</summary>
[Collection("DefaultGenerator")]
public class LinearTests
{
    [Fact]
    public void Init_after_manual_seed_0_is_torchs_bit_for_bit()
    {
        // torch.manual_seed(0); nn.Linear(3, 2): weight.flatten().tolist(), bias.tolist()
        Tensor.ManualSeed(0);
        var linear = new Linear(3, 2);
        Assert.Equal([-0.004322517663240433f, 0.3097158372402191f, -0.4751853346824646f, -0.4248946011066437f, -0.2223689705133438f, 0.15482072532176971f],
            linear.Weight.ToArray<float>());
        Assert.Equal([-0.011439144611358643f, 0.45777493715286255f], linear.Bias!.ToArray<float>());
    }

    [Fact]
    public void Init_after_manual_seed_42_is_torchs_bit_for_bit()
    {
        // torch.manual_seed(42); nn.Linear(3, 2)
        Tensor.ManualSeed(42);
        var linear = new Linear(3, 2);
        Assert.Equal([0.4414065182209015f, 0.47920528054237366f, -0.1352572739124298f, 0.5303604602813721f, -0.1264995038509369f, 0.11650390923023224f],
            linear.Weight.ToArray<float>());
        Assert.Equal([-0.28108587861061096f, 0.3390677869319916f], linear.Bias!.ToArray<float>());
    }

    public static TheoryData<int> InitCases()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Layers.GetProperty("linear_init").GetArrayLength(); i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(InitCases))]
    public void Init_matches_torch_exactly_for_every_size_dtype_and_seed_and_consumes_the_same_draws(int index)
    {
        var c = Layers.GetProperty("linear_init")[index];
        var dtype = DTypeOf(c.GetProperty("dtype"));
        bool bias = c.GetProperty("bias").ValueKind == JsonValueKind.Array;
        Tensor.ManualSeed(c.GetProperty("seed").GetUInt64());
        var linear = new Linear(c.GetProperty("in").GetInt32(), c.GetProperty("out").GetInt32(), bias, dtype);
        Assert.Equal(Doubles(c.GetProperty("weight")), linear.Weight.ToDoubleArray());
        if (bias) Assert.Equal(Doubles(c.GetProperty("bias")), linear.Bias!.ToDoubleArray());
        else Assert.Null(linear.Bias);
        Assert.Equal(dtype, linear.Weight.DType);
        // The next draw of the default generator is torch's next torch.rand(1): Linear took exactly as many draws.
        Assert.Equal(c.GetProperty("next_rand").GetDouble(), Tensor.Rand(1).ToDoubleArray()[0]);
    }

    [Fact]
    public void A_given_generator_seeded_alike_gives_the_same_init_as_the_default_one()
    {
        Tensor.ManualSeed(42);
        var viaDefault = new Linear(5, 4);
        var viaGenerator = new Linear(5, 4, generator: new Generator(42));
        Assert.Equal(viaDefault.Weight.ToArray<float>(), viaGenerator.Weight.ToArray<float>());
        Assert.Equal(viaDefault.Bias!.ToArray<float>(), viaGenerator.Bias!.ToArray<float>());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Forward_and_backward_match_pytorch_for_a_3d_input(int index)
    {
        var c = Layers.GetProperty("linear_forward")[index];
        var dtype = DTypeOf(c.GetProperty("dtype"));
        double rtol = dtype == DType.Float64 ? 1e-12 : 1e-6;
        var linear = new Linear(4, 3, dtype: dtype);
        linear.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight"] = Packed(c.GetProperty("weight"), dtype),
            ["bias"] = Packed(c.GetProperty("bias"), dtype),
        });
        var x = Packed(c.GetProperty("input"), dtype).RequiresGrad_();
        var y = linear.Forward(x);
        TensorAssert.Close([2, 2, 3], Doubles(c.GetProperty("output").GetProperty("values")), y, rtol, 1e-7);
        y.Backward(Tensor.From(Doubles(c.GetProperty("grad_output")), y.ShapeArray).To(dtype));
        TensorAssert.Close(Doubles(c.GetProperty("grad_weight")), linear.Weight.Grad!, rtol, 1e-7);
        TensorAssert.Close(Doubles(c.GetProperty("grad_bias")), linear.Bias!.Grad!, rtol, 1e-7);
        TensorAssert.Close(Doubles(c.GetProperty("grad_input")), x.Grad!, rtol, 1e-7);
    }

    [Fact]
    public void F_Linear_gradchecks_for_input_weight_and_bias_with_leading_dims_and_views()
    {
        var x = TensorAssert.Leaf(2, 4, 3);
        var w = TensorAssert.Leaf([0.3, -0.7, 1.1, 0.4, 0.9, -0.2], 2, 3);
        var b = TensorAssert.Leaf([0.25, -0.5], 2);
        TensorAssert.GradCheck(xs => F.Linear(xs[0], xs[1], xs[2]), x, w, b);
        TensorAssert.GradCheck(xs => F.Linear(xs[0].Transpose(0, 1), xs[1].T.T, xs[2]), x, w, b);
        TensorAssert.GradCheck(xs => F.Linear(xs[0].Select(0, 1), xs[1]), x, w);
    }

    [Fact]
    public void Module_forward_equals_F_Linear()
    {
        var linear = new Linear(3, 2, generator: new Generator(3));
        var x = Tensor.Randn([4, 3], generator: new Generator(5));
        Assert.Equal(F.Linear(x, linear.Weight, linear.Bias).ToArray<float>(), linear.Forward(x).ToArray<float>());
        var noBias = new Linear(3, 2, bias: false, generator: new Generator(3));
        Assert.Equal(x.MatMul(noBias.Weight.T).ToArray<float>(), noBias.Forward(x).ToArray<float>());
    }

    [Fact]
    public void Parameters_are_named_weight_and_bias_and_bias_false_registers_none()
    {
        var linear = new Linear(3, 2);
        Assert.Equal(["weight", "bias"], linear.NamedParameters().Select(p => p.Name));
        TensorAssert.Shape([2, 3], linear.Weight);
        TensorAssert.Shape([2], linear.Bias!);
        Assert.Equal(["weight"], new Linear(3, 2, bias: false).NamedParameters().Select(p => p.Name));
        var model = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2, bias: false));
        Assert.Equal(["0.weight", "0.bias", "2.weight"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal("Linear(in_features=3, out_features=2, bias=True)", linear.ToString());
    }

    [Fact]
    public void A_float64_layer_keeps_float64_parameters_and_outputs()
    {
        var linear = new Linear(3, 3, bias: false, dtype: DType.Float64);
        Assert.Equal(DType.Float64, linear.Weight.DType);
        Assert.Equal(DType.Float64, linear.Forward(Tensor.Ones([1, 3], DType.Float64)).DType);
    }
}
