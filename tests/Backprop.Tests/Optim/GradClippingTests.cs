using Backprop;
using Backprop.NN;

namespace Backprop.Tests.Optim;

/// <summary>ClipGradNorm and ClipGradValue against torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (PyTorch 1.13).</summary>
public class GradClippingTests
{
    public static TheoryData<string> Cases => OptimReference.Names("clip");

    private static Tensor[] Parameters(DType dtype)
    {
        var grads = OptimReference.Data.GetProperty("clip_grads").EnumerateArray().ToArray();
        return grads.Select(g =>
        {
            var shape = g.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var values = g.GetProperty("values").ValueKind == System.Text.Json.JsonValueKind.Array
                ? Flatten(g.GetProperty("values")) : [];
            var p = Tensor.Zeros(shape, dtype).RequiresGrad_();
            p.Grad = Tensor.From(values, shape).To(dtype);
            return p;
        }).ToArray();
    }

    private static double[] Flatten(System.Text.Json.JsonElement e) =>
        e.ValueKind == System.Text.Json.JsonValueKind.Array ? e.EnumerateArray().SelectMany(Flatten).ToArray() : [e.GetDouble()];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Clipping_matches_pytorch(string name)
    {
        var c = OptimReference.Case("clip", name);
        var dtype = OptimReference.DTypeOf(c);
        double rtol = dtype == DType.Float64 ? 1e-10 : 1e-6;
        var parameters = Parameters(dtype);
        if (c.GetProperty("kind").GetString() == "norm")
        {
            var normType = c.GetProperty("norm_type") is { ValueKind: System.Text.Json.JsonValueKind.String } ? double.PositiveInfinity : c.GetProperty("norm_type").GetDouble();
            var total = GradClipping.ClipGradNorm(parameters, c.GetProperty("max_norm").GetDouble(), normType);
            Assert.Equal(dtype, total.DType);
            Assert.Equal(0, total.Dim);
            TensorAssert.Close(c.GetProperty("total_norm").GetDouble(), total, rtol, 0);
        }
        else GradClipping.ClipGradValue(parameters, c.GetProperty("clip_value").GetDouble());

        var expected = c.GetProperty("grads").EnumerateArray().ToArray();
        for (int i = 0; i < parameters.Length; i++)
        {
            Assert.Equal(dtype, parameters[i].Grad!.DType);
            TensorAssert.Close(OptimReference.Doubles(expected[i]), parameters[i].Grad!, rtol, 1e-15);
        }
    }

    [Fact]
    public void ClipGradNorm_skips_parameters_without_gradients_and_returns_zero_when_there_are_none()
    {
        var a = Tensor.Zeros([2], DType.Float64).RequiresGrad_();
        var b = Tensor.Zeros([2], DType.Float64).RequiresGrad_();
        var none = GradClipping.ClipGradNorm([a, b], 1.0);
        Assert.Equal(0.0, none.Item());
        Assert.Equal(DType.Float32, none.DType);   // torch.tensor(0.)

        b.Grad = Tensor.From(new[] { 3.0, 4.0 });
        var total = GradClipping.ClipGradNorm([a, b], 1.0);
        Assert.Equal(5.0, total.Item());
        Assert.Null(a.Grad);
        TensorAssert.Close([3 / (5 + 1e-6), 4 / (5 + 1e-6)], b.Grad, 1e-15, 0);
    }

    [Fact]
    public void ClipGradNorm_on_a_single_tensor_and_a_non_contiguous_gradient()
    {
        var p = Tensor.Zeros([2, 2], DType.Float64).RequiresGrad_();
        p.Grad = Tensor.From(new[] { 1.0, 2.0, 3.0, 4.0 }, 2, 2).T;   // a transposed view: [[1, 3], [2, 4]]
        var total = GradClipping.ClipGradNorm(p, 1.0, normType: 1);
        Assert.Equal(10.0, total.Item());
        double k = 1 / (10 + 1e-6);
        TensorAssert.Close([1 * k, 3 * k, 2 * k, 4 * k], p.Grad, 1e-15, 0);
    }

    [Fact]
    public void ClipGradNorm_with_negative_infinity_uses_the_smallest_magnitude()
    {
        var p = Tensor.Zeros([3], DType.Float64).RequiresGrad_();
        p.Grad = Tensor.From(new[] { -2.0, 0.5, 4.0 });
        // torch.norm(x, -inf) is min |x|; the total over one gradient is that value again.
        Assert.Equal(0.5, GradClipping.ClipGradNorm(p, 100, double.NegativeInfinity).Item());
        TensorAssert.Close([-2.0, 0.5, 4.0], p.Grad, 0, 0);
    }

    [Fact]
    public void ClipGradNorm_with_errorIfNonfinite_refuses_an_infinite_norm()
    {
        var p = Tensor.Zeros([2], DType.Float64).RequiresGrad_();
        p.Grad = Tensor.From(new[] { double.PositiveInfinity, 1.0 });
        var ex = Assert.Throws<InvalidOperationException>(() => GradClipping.ClipGradNorm(p, 1.0, errorIfNonfinite: true));
        Assert.Contains("non-finite", ex.Message);
        TensorAssert.Close([double.PositiveInfinity, 1.0], p.Grad, 0, 0);   // untouched
    }

    [Fact]
    public void ClipGradValue_skips_parameters_without_gradients()
    {
        var a = Tensor.Zeros([2]).RequiresGrad_();
        var b = Tensor.Zeros([2]).RequiresGrad_();
        b.Grad = Tensor.From(new[] { -3f, 0.25f });
        GradClipping.ClipGradValue([a, b], 1);
        Assert.Null(a.Grad);
        TensorAssert.Close([-1, 0.25], b.Grad, 0, 0);
    }
}
