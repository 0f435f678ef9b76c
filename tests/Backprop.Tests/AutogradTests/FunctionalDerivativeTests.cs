using System.Text.Json;
using Backprop;

namespace Backprop.Tests.AutogradTests;

/// <summary>
/// Jacobian, Hessian, Vjp, Jvp, Hvp and Vhp against PyTorch 1.13's torch.autograd.functional
/// (Reference/functional.json, written by tests/reference/functional_reference.py), and GradGradCheck.
/// </summary>
public class FunctionalDerivativeTests
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "functional.json"))).RootElement);

    private static readonly double[] X = [0.5, -1.2, 2.0], B = [0.6, -1.5, 0.8], A2 = [0.4, -0.3], B2 = [1.2, 0.7], V3 = [1.0, -2.0, 0.5], V2 = [0.7, -0.2];
    private static readonly double[] A = [0.3, -0.7, 1.1, 0.9, 0.2, -0.4];

    // The script's functions, with the library's ops.
    private static Tensor F(Tensor x) => x.Sin() * x.Pow(2);
    private static Tensor G(Tensor[] ab) => ab[0].MatMul(ab[1]).Tanh();
    private static Tensor S(Tensor x) => x.Pow(3).Sum() + (x[0] * x[1]).Sin();
    private static Tensor T(Tensor[] ab) => (ab[0].Exp() * ab[1].Pow(2)).Sum() + (ab[0] * ab[1]).Sum();

    private static Tensor Vec(double[] values, params int[] shape) => Tensor.From(values, shape.Length == 0 ? [values.Length] : shape);

    private static void AssertReference(JsonElement expected, Tensor actual)
    {
        Assert.Equal(expected.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(), actual.Shape.ToArray());
        TensorAssert.Close(expected.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray(), actual, rtol: 1e-12, atol: 1e-14);
    }

    private static JsonElement Ref(string name) => Root.Value.GetProperty(name);

    private static string Message(string name) => Ref("messages").GetProperty(name).GetString()!;

    [Fact]
    public void Jacobian_of_a_function_of_one_tensor_matches_torch()
    {
        var j = Autograd.Jacobian(F, Vec(X));
        AssertReference(Ref("jacobian_f"), j);
        Assert.False(j.RequiresGrad);
    }

    [Fact]
    public void Jacobian_of_a_function_of_two_tensors_has_a_block_per_input()
    {
        var j = Autograd.Jacobian(G, [Vec(A, 2, 3), Vec(B)]);
        AssertReference(Ref("jacobian_g_a"), j[0]);
        AssertReference(Ref("jacobian_g_b"), j[1]);
    }

    [Fact]
    public void Jacobian_of_several_outputs_is_indexed_output_then_input()
    {
        var j = Autograd.Jacobian(xs => new[] { F(xs[0]), G([xs[1], xs[2]]) }, [Vec(X), Vec(A, 2, 3), Vec(B)]);
        AssertReference(Ref("jacobian_f"), j[0][0]);
        TensorAssert.Close([3, 2, 3], new double[18], j[0][1]);
        TensorAssert.Close([3, 3], new double[9], j[0][2]);
        TensorAssert.Close([2, 3], new double[6], j[1][0]);
        AssertReference(Ref("jacobian_g_a"), j[1][1]);
        AssertReference(Ref("jacobian_g_b"), j[1][2]);
    }

    [Fact]
    public void Hessian_matches_torch()
    {
        AssertReference(Ref("hessian_s"), Autograd.Hessian(S, Vec(X)));
        var h = Autograd.Hessian(T, [Vec(A2), Vec(B2)]);
        for (int i = 0; i < 2; i++)
            for (int k = 0; k < 2; k++)
                AssertReference(Ref("hessian_t")[i][k], h[i][k]);
    }

    [Fact]
    public void Vjp_and_Jvp_match_torch()
    {
        var (o, vjp) = Autograd.Vjp(F, Vec(X), Vec(V3));
        AssertReference(Ref("vjp_f").GetProperty("output"), o);
        AssertReference(Ref("vjp_f").GetProperty("vjp"), vjp);
        var (o2, jvp) = Autograd.Jvp(F, Vec(X), Vec(V3));
        AssertReference(Ref("jvp_f").GetProperty("output"), o2);
        AssertReference(Ref("jvp_f").GetProperty("jvp"), jvp);
        var (outs, jvps) = Autograd.Jvp(xs => [G(xs)], [Vec(A, 2, 3), Vec(B)], [Vec(A, 2, 3) * 0.5, Vec(V3)]);
        AssertReference(Ref("jvp_g").GetProperty("output"), outs[0]);
        AssertReference(Ref("jvp_g").GetProperty("jvp"), jvps[0]);
        var (outs2, vjps) = Autograd.Vjp(xs => [G(xs)], [Vec(A, 2, 3), Vec(B)], [Vec(V2)]);
        AssertReference(Ref("vjp_g").GetProperty("output"), outs2[0]);
        AssertReference(Ref("vjp_g").GetProperty("vjp_a"), vjps[0]);
        AssertReference(Ref("vjp_g").GetProperty("vjp_b"), vjps[1]);
    }

    [Fact]
    public void Hvp_and_Vhp_match_torch()
    {
        var (o, hvp) = Autograd.Hvp(S, Vec(X), Vec(V3));
        AssertReference(Ref("hvp_s").GetProperty("output"), o);
        AssertReference(Ref("hvp_s").GetProperty("hvp"), hvp);
        var (o2, vhp) = Autograd.Vhp(S, Vec(X), Vec(V3));
        AssertReference(Ref("vhp_s").GetProperty("output"), o2);
        AssertReference(Ref("vhp_s").GetProperty("vhp"), vhp);
        var (o3, hvps) = Autograd.Hvp(T, [Vec(A2), Vec(B2)], [Vec(V2), Vec([0.3, 0.9])]);
        AssertReference(Ref("hvp_t").GetProperty("output"), o3);
        AssertReference(Ref("hvp_t").GetProperty("hvp_a"), hvps[0]);
        AssertReference(Ref("hvp_t").GetProperty("hvp_b"), hvps[1]);
    }

    [Fact]
    public void With_createGraph_the_results_are_differentiable()
    {
        var x = Vec(X).RequiresGrad_();
        var (_, vjp) = Autograd.Vjp(F, x, Vec(V3), createGraph: true);
        Assert.True(vjp.RequiresGrad);
        AssertReference(Ref("vjp_f_create_graph_grad"), Autograd.Grad([vjp.Sum()], [x])[0]!);
        var x2 = Vec(X).RequiresGrad_();
        var h = Autograd.Hessian(S, x2, createGraph: true);
        AssertReference(Ref("hessian_s_create_graph_grad"), Autograd.Grad([h.Sum()], [x2])[0]!);
    }

    [Fact]
    public void Without_createGraph_the_caller_s_graph_is_left_alone()
    {
        var x = Vec(X).RequiresGrad_();
        var (o, vjp) = Autograd.Vjp(F, x, Vec(V3));
        Assert.False(o.RequiresGrad);
        Assert.False(vjp.RequiresGrad);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void An_input_the_output_does_not_depend_on_gets_zeros_or_a_strict_error()
    {
        var j = Autograd.Jacobian(xs => xs[0] * 2, [Vec(A2), Vec(B2)]);
        AssertReference(Ref("jacobian_unused")[0], j[0]);
        AssertReference(Ref("jacobian_unused")[1], j[1]);
        var e = Assert.Throws<InvalidOperationException>(() => Autograd.Jacobian(xs => xs[0] * 2, [Vec(A2), Vec(B2)], strict: true));
        Assert.Equal(Message("jacobian_strict_unused"), e.Message);
    }

    [Fact]
    public void Errors_are_torch_s()
    {
        Assert.Equal(Message("vjp_strict_constant"),
            Assert.Throws<InvalidOperationException>(() => Autograd.Vjp(_ => Tensor.Ones([2], DType.Float64), Vec(A2), Vec(V2), strict: true)).Message);
        Assert.Equal(Message("vjp_v_none"), Assert.Throws<InvalidOperationException>(() => Autograd.Vjp(F, Vec(X))).Message);
        Assert.Equal(Message("vjp_v_size"), Assert.Throws<InvalidOperationException>(() => Autograd.Vjp(F, Vec(X), Vec(V2))).Message);
        Assert.Equal(Message("jvp_v_size_tuple"),
            Assert.Throws<InvalidOperationException>(() => Autograd.Jvp(xs => [G(xs)], [Vec(A, 2, 3), Vec(B)], [Vec(A, 2, 3), Vec(V2)])).Message);
        Assert.Equal(Message("hessian_not_scalar"), Assert.Throws<InvalidOperationException>(() => Autograd.Hessian(F, Vec(X))).Message);
        Assert.Equal(Message("hessian_strict_linear"),
            Assert.Throws<InvalidOperationException>(() => Autograd.Hessian(x => (x * 2).Sum(), Vec(X), strict: true)).Message);
    }

    [Fact]
    public void GradGradCheck_passes_on_built_in_ops_and_catches_a_backward_that_is_not_differentiable()
    {
        Assert.True(Autograd.GradGradCheck(xs => G(xs), [TensorAssert.Leaf(2, 3), TensorAssert.Leaf(3)]));
        Assert.True(Autograd.GradGradCheck(x => x.Sigmoid() * x.Pow(2), TensorAssert.Leaf(4)));
        // A custom function whose backward leaves the graph (Detach): its second derivative is wrongly zero.
        var detached = new DetachedSquare();
        var e = Assert.Throws<GradCheckException>(() => Autograd.GradGradCheck(x => detached.Apply(x), TensorAssert.Leaf([0.5, -1.0], 2)));
        Assert.StartsWith("GradCheck: Jacobian mismatch for output 0 with respect to input 0, element 0", e.Message, StringComparison.Ordinal);
    }

    private sealed class DetachedSquare : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0] * inputs[0];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor grad) => [grad * 2 * ctx.SavedTensors[0]!.Detach()];
    }
}
