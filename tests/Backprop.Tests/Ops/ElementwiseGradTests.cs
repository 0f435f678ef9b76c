using Backprop;

namespace Backprop.Tests.Ops;

/// <summary>Every differentiable elementwise op gradchecked in Float64, on contiguous, transposed, sliced and expanded inputs.</summary>
public class ElementwiseGradTests
{
    public static TheoryData<string> UnaryOps => new()
    {
        "Sigmoid", "Tanh", "Gelu", "Softplus", "LeakyRelu0.1", "Erf", "Relu", "Exp", "Sin", "Cos", "Abs", "Neg",
    };

    private static Tensor Positive(Tensor x) => x.Abs() + 0.5;

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void Unary_op_on_a_contiguous_input(string op) =>
        TensorAssert.GradCheck(xs => UnaryValueTests.Apply(op, xs[0]), TensorAssert.Leaf(2, 3));

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void Unary_op_on_a_transposed_input(string op) =>
        TensorAssert.GradCheck(xs => UnaryValueTests.Apply(op, xs[0].T), TensorAssert.Leaf(3, 2));

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void Unary_op_on_a_strided_slice(string op) =>
        TensorAssert.GradCheck(xs => UnaryValueTests.Apply(op, xs[0].Slice(1, 1, null, 2)), TensorAssert.Leaf(3, 5));

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void Unary_op_on_an_expanded_input(string op) =>
        TensorAssert.GradCheck(xs => UnaryValueTests.Apply(op, xs[0].Expand(4, 3)), TensorAssert.Leaf(1, 3));

    [Theory]
    [InlineData("Log")]
    [InlineData("Sqrt")]
    public void Positive_domain_ops(string op) =>
        TensorAssert.GradCheck(xs => UnaryValueTests.Apply(op, Positive(xs[0]).T), TensorAssert.Leaf(3, 2));

    [Theory]
    [InlineData(2.0)]
    [InlineData(3.0)]
    [InlineData(0.5)]
    [InlineData(-1.5)]
    [InlineData(0.0)]
    public void Pow_with_a_scalar_exponent(double exponent) =>
        TensorAssert.GradCheck(xs => Positive(xs[0]).Pow(exponent), TensorAssert.Leaf(2, 3));

    public static TheoryData<int[], int[]> BroadcastShapes => new()
    {
        { [2, 3], [2, 3] },
        { [2, 3], [3] },
        { [2, 1], [1, 3] },
        { [3], [2, 1, 3] },
        { [], [2, 2] },
        { [2, 3], [] },
    };

    public static TheoryData<string, int[], int[]> BinaryCases()
    {
        var data = new TheoryData<string, int[], int[]>();
        foreach (var op in new[] { "Add", "Sub", "Mul", "Div", "Pow", "Maximum", "Minimum" })
            foreach (var (a, b) in new (int[], int[])[] { ([2, 3], [2, 3]), ([2, 3], [3]), ([2, 1], [1, 3]), ([3], [2, 1, 3]), ([], [2, 2]) })
                data.Add(op, a, b);
        return data;
    }

    private static Tensor Binary(string op, Tensor a, Tensor b) => op switch
    {
        "Add" => a + b,
        "Sub" => a - b,
        "Mul" => a * b,
        "Div" => a / (b.Abs() + 0.5),
        "Pow" => (a.Abs() + 0.5).Pow(b),
        "Maximum" => a.Maximum(b),
        "Minimum" => a.Minimum(b),
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Binary_op_with_broadcasting(string op, int[] shapeA, int[] shapeB)
    {
        var a = TensorAssert.Leaf(shapeA);
        var b = (TensorAssert.Leaf(shapeB).Detach() * 0.9 + 0.05).RequiresGrad_();   // no ties with a
        TensorAssert.GradCheck(xs => Binary(op, xs[0], xs[1]), a, b);
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Mul")]
    [InlineData("Div")]
    [InlineData("Pow")]
    public void Binary_op_on_non_contiguous_operands(string op)
    {
        var a = TensorAssert.Leaf(3, 2);
        var b = TensorAssert.Leaf(2, 6);
        TensorAssert.GradCheck(xs => Binary(op, xs[0].T, xs[1].Slice(1, 0, null, 2)), a, b);
    }

    [Fact]
    public void Maximum_splits_the_gradient_on_ties_as_PyTorch_does()
    {
        var a = Tensor.From(new[] { 1.0, 2.0, 3.0 }).RequiresGrad_();
        var b = Tensor.From(new[] { 1.0, 5.0, 3.0 }).RequiresGrad_();
        a.Maximum(b).Sum().Backward();
        TensorAssert.Close([0.5, 0.0, 0.5], a.Grad!);
        TensorAssert.Close([0.5, 1.0, 0.5], b.Grad!);
    }

    [Fact]
    public void Clamp_passes_the_gradient_inside_the_closed_interval()
    {
        var x = Tensor.From(new[] { 0.0, 1.0, 2.0 }).RequiresGrad_();
        x.Clamp(0, 1).Sum().Backward();
        TensorAssert.Close([1.0, 1.0, 0.0], x.Grad!);
        TensorAssert.GradCheck(xs => xs[0].Clamp(-0.5, 0.6), TensorAssert.Leaf(2, 3));
        TensorAssert.GradCheck(xs => xs[0].ClampMin(0.1), TensorAssert.Leaf(2, 3));
        TensorAssert.GradCheck(xs => xs[0].ClampMax(0.1), TensorAssert.Leaf(2, 3));
    }

    [Fact]
    public void Abs_and_relu_have_zero_gradient_at_zero()
    {
        var x = Tensor.From(new[] { 0.0, 1.0, -2.0 }).RequiresGrad_();
        x.Abs().Sum().Backward();
        TensorAssert.Close([0.0, 1.0, -1.0], x.Grad!);
        x.ZeroGrad();
        x.Relu().Sum().Backward();
        TensorAssert.Close([0.0, 1.0, 0.0], x.Grad!);
    }

    [Fact]
    public void Pow_tensor_exponent_gradient_at_zero_base_is_zero()
    {
        var x = Tensor.From(new[] { 0.0, 2.0 }).RequiresGrad_();
        var e = Tensor.From(new[] { 2.0, 3.0 }).RequiresGrad_();
        x.Pow(e).Sum().Backward();
        TensorAssert.Close([0.0, 12.0], x.Grad!);
        TensorAssert.Close([0.0, 8 * Math.Log(2)], e.Grad!, rtol: 1e-12);
    }

    [Fact]
    public void Pow_zero_has_zero_gradient()
    {
        var x = Tensor.From(new[] { 0.0, 2.0 }).RequiresGrad_();
        x.Pow(0).Sum().Backward();
        TensorAssert.Close([0.0, 0.0], x.Grad!);
    }

    [Fact]
    public void Where_routes_gradients_to_the_chosen_side()
    {
        var cond = Tensor.From(new[] { true, false, true });
        TensorAssert.GradCheck(xs => Tensor.Where(cond, xs[0], xs[1]), TensorAssert.Leaf(3), TensorAssert.Leaf(2, 1));
        var a = Tensor.From(new[] { 1.0, 2.0, 3.0 }).RequiresGrad_();
        Tensor.Where(cond, a, 0).Sum().Backward();
        TensorAssert.Close([1.0, 0.0, 1.0], a.Grad!);
    }

    [Fact]
    public void Second_derivatives_of_unary_ops_agree_with_gradcheck_of_the_first()
    {
        foreach (var op in new[] { "Sigmoid", "Tanh", "Gelu", "Softplus", "Exp", "Sin", "Cos", "Erf" })
            TensorAssert.GradCheck(xs => Autograd.Grad([UnaryValueTests.Apply(op, xs[0]).Sum()], [xs[0]], createGraph: true)[0]!, TensorAssert.Leaf(4));
    }
}
