using Backprop;
using Backprop.NN;

namespace Backprop.Tests.Sequence;

// LayerNorm against PyTorch 1.13 (Reference/seq_layers.json, "layernorm"), gradchecks of F.LayerNorm, shapes and errors.
public class LayerNormTests
{
    public static TheoryData<string> Cases => SeqReference.Names("layernorm");

    [Theory]
    [MemberData(nameof(Cases))]
    public void LayerNorm_output_and_gradients_match_torch(string name)
    {
        var c = SeqReference.Case("layernorm", name);
        var shape = c.GetProperty("normalized_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var ln = new LayerNorm(shape, c.GetProperty("eps").GetDouble(), c.GetProperty("affine").GetBoolean(), DType.Float64);
        if (ln.ElementwiseAffine)
            using (Autograd.NoGrad())
            {
                ln.Weight!.Copy_(SeqReference.Tensor(c.GetProperty("weight")));
                ln.Bias!.Copy_(SeqReference.Tensor(c.GetProperty("bias")));
            }
        var x = SeqReference.Tensor(c.GetProperty("x"), requiresGrad: true);
        var y = ln.Forward(x);
        SeqReference.AssertClose(c.GetProperty("out"), y);
        y.Mul(SeqReference.Tensor(c.GetProperty("gout"))).Sum().Backward();
        SeqReference.AssertClose(c.GetProperty("gx"), x.Grad!);
        if (ln.ElementwiseAffine)
        {
            SeqReference.AssertClose(c.GetProperty("gweight"), ln.Weight!.Grad!);
            SeqReference.AssertClose(c.GetProperty("gbias"), ln.Bias!.Grad!);
        }
    }

    [Fact]
    public void LayerNorm_passes_gradcheck_for_input_weight_and_bias()
    {
        var x = TensorAssert.Leaf(2, 3, 4);
        var w = TensorAssert.Leaf(3, 4);
        var b = TensorAssert.Leaf(3, 4);
        TensorAssert.GradCheck(a => F.LayerNorm(a[0], [3, 4], a[1], a[2]), x, w, b);
        TensorAssert.GradCheck(a => F.LayerNorm(a[0], [4], null, null, 1e-3), TensorAssert.Leaf(5, 4));
    }

    [Fact]
    public void LayerNorm_starts_as_ones_and_zeros_with_torch_names()
    {
        var ln = new LayerNorm(6);
        Assert.Equal(["weight", "bias"], ln.StateDict().Keys);
        Assert.Equal(Enumerable.Repeat(1f, 6), ln.Weight!.ToArray<float>());
        Assert.Equal(Enumerable.Repeat(0f, 6), ln.Bias!.ToArray<float>());
        Assert.Equal("LayerNorm((6,), eps=1e-05, elementwise_affine=True)", ln.ToString());   // as torch prints it
        Assert.Empty(new LayerNorm(6, elementwiseAffine: false).Parameters());
    }

    [Fact]
    public void LayerNorm_refuses_an_input_whose_trailing_shape_differs()
    {
        var e = Assert.Throws<ArgumentException>(() => new LayerNorm(5).Forward(Tensor.Zeros(2, 4)));
        Assert.Equal("LayerNorm: Given normalized_shape=[5], expected input with shape [*, 5], but got input of size [2, 4]", e.Message);
    }
}
