using Backprop;
using Backprop.NN;

namespace Backprop.Tests.AutogradTests;

/// <summary>ToDot with values (micrograd's draw_dot) and with a module's parameter names (torchviz's make_dot(y, params)).</summary>
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class GraphValuesTests
{
    [Fact]
    public void Seed_002_boxes_show_data_and_grad_after_backward()
    {
        // J(a, b, c) = 3(a + bc) at a = 1, b = 2, c = 3: u = 6, v = 7, J = 21; dJ/da = 3, dJ/db = 3c = 9, dJ/dc = 3b = 6.
        var a = Tensor.From(1.0).RequiresGrad_();
        var b = Tensor.From(2.0).RequiresGrad_();
        var c = Tensor.From(3.0).RequiresGrad_();
        var u = b * c;
        u.RetainGrad();
        var v = a + u;
        var j = 3 * v;
        j.Backward();
        string dot = Autograd.ToDot(j, new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b, ["c"] = c, ["u"] = u, ["v"] = v, ["J"] = j },
            showValues: true);

        Assert.Contains("out [label=\"J\\n()\\ndata 21.0000\"", dot, StringComparison.Ordinal);
        Assert.Contains("[label=\"a\\n()\\ndata 1.0000\\ngrad 3.0000\", fillcolor=\"#a6c8e0\"]", dot, StringComparison.Ordinal);
        Assert.Contains("[label=\"b\\n()\\ndata 2.0000\\ngrad 9.0000\"", dot, StringComparison.Ordinal);
        Assert.Contains("[label=\"c\\n()\\ndata 3.0000\\ngrad 6.0000\"", dot, StringComparison.Ordinal);
        Assert.Contains("[label=\"u = MulBackward0\\n()\\ndata 6.0000\\ngrad 3.0000\"]", dot, StringComparison.Ordinal);   // retained
        Assert.Contains("[label=\"v = AddBackward0\\n()\\ndata 7.0000\"]", dot, StringComparison.Ordinal);                // not retained: no grad
        Assert.Contains("[label=\"MulBackward0\"]", dot, StringComparison.Ordinal);                                     // 3·v, unnamed
    }

    [Fact]
    public void Without_showValues_a_named_intermediate_shows_its_name_and_shape_only()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var h = x * 2;
        string dot = Autograd.ToDot(h.Sum(), new Dictionary<string, Tensor> { ["h"] = h });
        Assert.Contains("[label=\"h = MulBackward0\\n(2)\"]", dot, StringComparison.Ordinal);
        Assert.DoesNotContain("data", dot, StringComparison.Ordinal);
    }

    [Fact]
    public void A_big_tensor_shows_its_first_values_and_its_size()
    {
        var x = Tensor.Arange(20).To(DType.Float64).Reshape(4, 5).RequiresGrad_();
        var y = (x * x).Sum();
        y.Backward();
        string dot = Autograd.ToDot(y, new Dictionary<string, Tensor> { ["x"] = x }, showValues: true, maxValues: 3);
        Assert.Contains("x\\n(4, 5)\\ndata [0.0000, 1.0000, 2.0000, … (20 values)]\\ngrad [0.0000, 2.0000, 4.0000, … (20 values)]", dot, StringComparison.Ordinal);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Autograd.ToDot(y, showValues: true, maxValues: -1));
        Assert.Equal("maxValues", e.ParamName);
    }

    [Fact]
    public void A_module_names_its_parameters_in_the_graph()
    {
        var model = new Sequential(new Linear(2, 3, dtype: DType.Float64), new Tanh(), new Linear(3, 1, dtype: DType.Float64));
        var y = model.Forward(Tensor.From(new[,] { { 0.5, -0.5 } })).Sum();
        string dot = Autograd.ToDot(y, model);
        foreach (var (name, shape) in new[] { ("0.weight", "(3, 2)"), ("0.bias", "(3)"), ("2.weight", "(1, 3)"), ("2.bias", "(1)") })
            Assert.Contains($"[label=\"{name}\\n{shape}\", fillcolor=\"#a6c8e0\"]", dot, StringComparison.Ordinal);
        Assert.Contains("label=\"TanhBackward0\"", dot, StringComparison.Ordinal);
    }

    [Fact]
    public void A_custom_function_s_name_is_its_box()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var y = new Cube().Apply(x);
        string dot = Autograd.ToDot(y.Sum(), new Dictionary<string, Tensor> { ["y"] = y }, showValues: true);
        Assert.Contains("[label=\"y = CubeBackward\\n(2)\\ndata [1.0000, 8.0000]\"]", dot, StringComparison.Ordinal);
    }

    private sealed class Cube : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0].Pow(3);
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor grad) => [grad * 3 * ctx.SavedTensors[0]!.Pow(2)];
    }
}
