namespace Backprop.Tests.AutogradTests;

// Every gradient is differentiable (issue 13): a sweep of the differentiable ops through a gradgradcheck in Float64
// (PyTorch's torch.autograd.gradgradcheck: the gradient, taken with createGraph, is itself gradchecked, so second
// derivatives are compared with finite differences of first derivatives), and the ops on empty tensors.
public class SecondOrderTests
{
    // Points away from every op's kinks (0 for ReLU, |x|, LeakyReLU; the pooling windows' ties).
    private static readonly double[] X = [-1.3, -0.45, 0.35, 0.8, 1.7, -0.9];

    // A grad_output that is not all ones, so that each output's weight matters.
    private static readonly double[] V = [0.7, -1.1, 0.4, 1.3, -0.6, 0.9];

    public static TheoryData<string> UnaryOps => new()
    {
        "Sigmoid", "Tanh", "Gelu", "Softplus", "LeakyRelu0.1", "Erf", "Relu", "Exp", "Sin", "Cos", "Abs", "Neg",
        "Square", "Pow3", "Softmax", "LogSoftmax", "Sum", "Mean", "Clamp", "Sign",
    };

    private static Tensor Apply(string op, Tensor x) => op switch
    {
        "Square" => x * x,
        "Pow3" => x.Pow(3),
        "Softmax" => x.Reshape(2, 3).Softmax(1).Reshape(6),
        "LogSoftmax" => x.Reshape(2, 3).LogSoftmax(1).Reshape(6),
        "Sum" => x.Sum().Expand(6) * x,
        "Mean" => x.Mean().Expand(6) * x,
        "Clamp" => x.Clamp(-1, 1) * x,
        _ => Ops.UnaryValueTests.Apply(op, x),
    };

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void Second_derivatives_of_unary_ops_match_finite_differences_of_first_derivatives(string op)
    {
        var x = Tensor.From(X).RequiresGrad_();
        var v = Tensor.From(V);
        Assert.True(Autograd.GradCheck(x => Autograd.Grad([Apply(op, x)], [x], [v], createGraph: true)[0]!, x));
    }

    public static TheoryData<string> BinaryOps => new() { "Add", "Sub", "Mul", "Div", "Pow", "MatMul", "Where", "Maximum" };

    private static Tensor Apply(string op, Tensor a, Tensor b) => op switch
    {
        "Add" => (a + b) * a,
        "Sub" => (a - b) * b,
        "Mul" => a * b,
        "Div" => a / b,
        "Pow" => a.Abs().Pow(b),
        "MatMul" => a.Reshape(2, 3).MatMul(b.Reshape(3, 2)).Reshape(4) * a.Narrow(0, 0, 4),
        "Where" => Tensor.Where(a.Gt(0), a * b, b * b),
        "Maximum" => a.Maximum(b) * a,
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void Second_derivatives_of_binary_ops_match_finite_differences_of_first_derivatives(string op)
    {
        var a = Tensor.From(X).RequiresGrad_();
        var b = Tensor.From(new[] { 0.6, 1.4, -0.8, 0.5, 1.1, 2.0 }).RequiresGrad_();
        Assert.True(Autograd.GradCheck(xs =>
        {
            var y = Apply(op, xs[0], xs[1]);
            var grads = Autograd.Grad([y], [xs[0], xs[1]], [Tensor.FullLike(y, 0.5)], createGraph: true);
            return grads[0]! * 1.5 + grads[1]!;
        }, [a, b]));
    }

    public static TheoryData<string> ImageOps => new() { "Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d" };

    [Theory]
    [MemberData(nameof(ImageOps))]
    public void Second_derivatives_of_image_ops_match_finite_differences_of_first_derivatives(string op)
    {
        // Distinct values in every window, so max pooling has no ties within eps.
        var x = (Tensor.Arange(1 * 2 * 4 * 4).To(DType.Float64).Reshape(1, 2, 4, 4) * 0.37).Sin().Mul(1.5).Detach().RequiresGrad_();
        var w = (Tensor.Arange(3 * 2 * 2 * 2).To(DType.Float64).Reshape(3, 2, 2, 2) * 0.53).Cos().Detach().RequiresGrad_();
        Func<Tensor[], Tensor> f = op switch
        {
            "Conv2d" => xs => Tensor.Conv2d(xs[0], xs[1]),
            "MaxPool2d" => xs => Tensor.MaxPool2d(xs[0] * xs[0], 2),
            "AvgPool2d" => xs => Tensor.AvgPool2d(xs[0] * xs[0], 2),
            _ => xs => Tensor.AdaptiveAvgPool2d(xs[0] * xs[0], new Size2(3, 3)),
        };
        Tensor[] inputs = op == "Conv2d" ? [x, w] : [x];
        Assert.True(Autograd.GradCheck(xs =>
        {
            var y = f(xs);
            var gy = (Tensor.Arange(y.Numel).To(DType.Float64).Reshape(y.Shape.ToArray()) * 0.71).Sin();
            var grads = Autograd.Grad([y], xs, [gy], createGraph: true);
            var total = (grads[0]! * grads[0]!).Sum();
            for (int i = 1; i < grads.Length; i++) total = total + (grads[i]! * grads[i]!).Sum();
            return total;
        }, inputs));
    }

    [Fact]
    public void Convolution_and_max_pool_gradients_are_recorded_backward_ops_that_differentiate_to_third_order()
    {
        // PyTorch 1.13: the gradients out of conv2d under create_graph have grad_fn=<ConvolutionBackwardBackward0>
        // (x's, w's and b's alike); out of max_pool2d's backward, <MaxPool2DWithIndicesBackwardBackward0>.
        var x = (Tensor.Arange(1 * 2 * 4 * 4).To(DType.Float64).Reshape(1, 2, 4, 4) * 0.37).Sin().Mul(1.5).Detach().RequiresGrad_();
        var w = (Tensor.Arange(3 * 2 * 2 * 2).To(DType.Float64).Reshape(3, 2, 2, 2) * 0.53).Cos().Detach().RequiresGrad_();
        var b = Tensor.From(new[] { 0.1, -0.2, 0.3 }).RequiresGrad_();
        var y = Tensor.Conv2d(x, w, b);
        var grads = Autograd.Grad([(y * y).Sum()], [x, w, b], createGraph: true);
        Assert.All(grads, g => Assert.Equal("ConvolutionBackwardBackward0", g!.GradFn!.Name));
        var pooled = Autograd.Grad([Tensor.MaxPool2d(x, 2).Sum()], [x], createGraph: true)[0]!;
        Assert.Equal("MaxPool2DWithIndicesBackwardBackward0", pooled.GradFn!.Name);
        Assert.All(Autograd.Grad([pooled.Sum()], [x])[0]!.ToDoubleArray(), v => Assert.Equal(0.0, v));   // zeros, as PyTorch's

        // Third order: the second derivatives of the first derivatives, against finite differences (the functions
        // call Grad, so they are given their gradOutput rather than run once without grad to find its shape).
        Assert.True(Autograd.GradGradCheck(xs =>
        {
            var out_ = Tensor.Conv2d(xs[0], xs[1], xs[2]);
            var g = Autograd.Grad([(out_ * out_ * out_).Sum()], xs, createGraph: true);
            return g[0]!.Sum() + (g[1]! * g[1]!).Sum() + g[2]!.Sum();
        }, [x, w, b], Tensor.From(0.7).RequiresGrad_()));
        Assert.True(Autograd.GradGradCheck(xs => Autograd.Grad([Tensor.MaxPool2d(xs[0] * xs[0] * xs[0], 2).Sum()], xs, createGraph: true)[0]!, [x],
            (Tensor.Arange(32).To(DType.Float64).Reshape(1, 2, 4, 4) * 0.29).Cos().Detach().RequiresGrad_()));
    }

    [Fact]
    public void ReLU_gradient_under_createGraph_is_a_recorded_threshold_backward_with_zero_second_derivative()
    {
        // PyTorch 1.13: g, = grad(x.relu().sum(), x, create_graph=True) -> tensor([0., 0., 1.], grad_fn=<ThresholdBackwardBackward0>);
        // grad(g.sum(), x) -> (tensor([0., 0., 0.]),)
        var x = Tensor.From(new[] { -2.0, 0.0, 3.0 }).RequiresGrad_();
        var g = Autograd.Grad([x.Relu().Sum()], [x], createGraph: true)[0]!;
        Assert.Equal(new[] { 0.0, 0.0, 1.0 }, g.ToArray<double>());
        Assert.Equal("ThresholdBackwardBackward0", g.GradFn!.Name);
        Assert.Equal(new[] { 0.0, 0.0, 0.0 }, Autograd.Grad([g.Sum()], [x])[0]!.ToArray<double>());
    }

    [Fact]
    public void Abs_gradient_under_createGraph_carries_a_graph_with_zero_second_derivative()
    {
        // PyTorch 1.13: g, = grad(x.abs().sum(), x, create_graph=True) -> tensor([-1., 0., 1.], grad_fn=<MulBackward0>);
        // grad(g.sum(), x) -> (tensor([0., 0., 0.]),); x.sign() has grad_fn SignBackward0.
        var x = Tensor.From(new[] { -2.0, 0.0, 3.0 }).RequiresGrad_();
        var g = Autograd.Grad([x.Abs().Sum()], [x], createGraph: true)[0]!;
        Assert.Equal(new[] { -1.0, 0.0, 1.0 }, g.ToArray<double>());
        Assert.Equal("MulBackward0", g.GradFn!.Name);
        Assert.Equal(new[] { 0.0, 0.0, 0.0 }, Autograd.Grad([g.Sum()], [x])[0]!.ToArray<double>());
        Assert.Equal("SignBackward0", x.Sign().GradFn!.Name);
    }

    public static TheoryData<string, string, double[], double[]> FusedBackwardCases => new()
    {
        // PyTorch 1.13, x = [[-1, 0.5, 2]] (float64), w = [[0.3, -0.7, 1.1]]:
        // g, = grad((f(x) * w).sum(), x, create_graph=True); g.grad_fn.name(), g, grad(g.sum(), x)
        { "Tanh", "TanhBackwardBackward0", [0.12599230248420784, -0.5505134130761491, 0.07771590733848088], [0.19191000253476737, 0.508803386968511, -0.14984055616982428] },
        { "Softmax", "SoftmaxBackwardDataBackward0", [-0.017725318955061554, -0.25472976036919215, 0.27245507932425367], [0.0, 1.946114293494413e-17, 0.0] },
        { "LogSoftmax", "LogSoftmaxBackwardDataBackward0", [0.27262119871051876, -0.8227032744980257, 0.5500820757875068], [8.894799685679069e-21, -2.1688620428440875e-18, -4.918784764575508e-17] },
    };

    [Theory]
    [MemberData(nameof(FusedBackwardCases))]
    public void A_fused_backward_is_a_recorded_op_whose_gradient_matches_PyTorch(string op, string gradFn, double[] grad, double[] secondGrad)
    {
        var x = Tensor.From(new[,] { { -1.0, 0.5, 2.0 } }).RequiresGrad_();
        var w = Tensor.From(new[,] { { 0.3, -0.7, 1.1 } });
        var y = op switch { "Tanh" => x.Tanh(), "Softmax" => x.Softmax(1), _ => x.LogSoftmax(1) };
        var g = Autograd.Grad([(y * w).Sum()], [x], createGraph: true)[0]!;
        Assert.Equal(gradFn, g.GradFn!.Name);
        TensorAssert.Close(grad, g, rtol: 1e-14, atol: 1e-16);
        TensorAssert.Close(secondGrad, Autograd.Grad([g.Sum()], [x])[0]!, rtol: 1e-12, atol: 1e-15);
    }

    public static TheoryData<string, int[]> EmptyUnaryCases()
    {
        var data = new TheoryData<string, int[]>();
        foreach (var op in new[] { "Sigmoid", "Tanh", "Gelu", "Softplus", "LeakyRelu0.1", "Erf", "Relu", "Exp", "Sin", "Cos", "Abs", "Sign", "Neg", "Log", "Sqrt" })
            foreach (var shape in new[] { new[] { 0 }, new[] { 0, 3 }, new[] { 3, 0 } })
                data.Add(op, shape);
        return data;
    }

    [Theory]
    [MemberData(nameof(EmptyUnaryCases))]
    public void Unary_ops_on_empty_tensors_give_empty_results_and_gradients(string op, int[] shape)
    {
        // PyTorch: torch.empty(0, 3, requires_grad=True).sigmoid().sum().backward() gives x.grad of shape [0, 3].
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var x = Tensor.Zeros(shape, dtype).RequiresGrad_();
            var y = Ops.UnaryValueTests.Apply(op, x);
            Assert.Equal(shape, y.Shape.ToArray());
            y.Sum().Backward();
            Assert.Equal(shape, x.Grad!.Shape.ToArray());
            Assert.Equal(0, x.Grad.Numel);
        }
    }

    public static TheoryData<string, int[]> EmptyBinaryCases()
    {
        var data = new TheoryData<string, int[]>();
        foreach (var op in new[] { "Add", "Sub", "Mul", "Div", "Pow", "Maximum", "Minimum", "Where" })
            foreach (var shape in new[] { new[] { 0 }, new[] { 0, 3 }, new[] { 3, 0 } })
                data.Add(op, shape);
        return data;
    }

    [Theory]
    [MemberData(nameof(EmptyBinaryCases))]
    public void Binary_ops_on_empty_tensors_give_empty_results_and_gradients(string op, int[] shape)
    {
        var a = Tensor.Zeros(shape, DType.Float64).RequiresGrad_();
        var b = Tensor.Ones(shape, DType.Float64).RequiresGrad_();
        var y = op switch
        {
            "Add" => a + b,
            "Sub" => a - b,
            "Mul" => a * b,
            "Div" => a / b,
            "Pow" => a.Pow(b),
            "Maximum" => a.Maximum(b),
            "Minimum" => a.Minimum(b),
            _ => Tensor.Where(a.Gt(b), a, b),
        };
        Assert.Equal(shape, y.Shape.ToArray());
        y.Sum().Backward();
        Assert.Equal(shape, a.Grad!.Shape.ToArray());
        Assert.Equal(shape, b.Grad!.Shape.ToArray());
    }
}
