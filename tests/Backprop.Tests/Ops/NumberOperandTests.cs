using Backprop;

namespace Backprop.Tests.Ops;

// Ops of a tensor and a number take a path that makes no tensor for the number; these pin its dtype, values
// (PyTorch 1.13's, printed with .tolist()), graph and gradients against PyTorch's wrapped-number semantics.
public class NumberOperandTests
{
    private static Tensor F32() => Tensor.From(new[,] { { 0.3f, -1.7f, 2.5f }, { 4.0f, -0.25f, 1e-3f } });

    [Fact]
    public void Float32_with_a_number_stays_float32_with_torchs_values()
    {
        var x = F32();
        var cases = new (Tensor Result, double[] Expected)[]
        {
            (x * 0.1, [0.030000001192092896, -0.17000000178813934, 0.25, 0.4000000059604645, -0.02500000037252903, 0.00010000000474974513]),
            (0.1 * x, [0.030000001192092896, -0.17000000178813934, 0.25, 0.4000000059604645, -0.02500000037252903, 0.00010000000474974513]),
            (x + 0.1, [0.4000000059604645, -1.600000023841858, 2.5999999046325684, 4.099999904632568, -0.15000000596046448, 0.10100000351667404]),
            (0.1 + x, [0.4000000059604645, -1.600000023841858, 2.5999999046325684, 4.099999904632568, -0.15000000596046448, 0.10100000351667404]),
            (x - 0.1, [0.20000001788139343, -1.8000000715255737, 2.4000000953674316, 3.9000000953674316, -0.3499999940395355, -0.0989999994635582]),
            (0.1 - x, [-0.20000001788139343, 1.8000000715255737, -2.4000000953674316, -3.9000000953674316, 0.3499999940395355, 0.0989999994635582]),
            (x / 0.3, [1.0, -5.666666507720947, 8.333333015441895, 13.333333015441895, -0.8333333134651184, 0.0033333334140479565]),
            (0.3 / x, [1.0, -0.1764705777168274, 0.12000000476837158, 0.07500000298023224, -1.2000000476837158, 300.0]),
            (x.Pow(2), [0.09000000357627869, 2.890000104904175, 6.25, 16.0, 0.0625, 1.0000001111620804e-06]),
            (x.Pow(3), [0.027000002562999725, -4.913000106811523, 15.625, 64.0, -0.015625, 1.0000001937626735e-09]),
            (x.Pow(0.5), [0.547722578048706, double.NaN, 1.5811388492584229, 2.0, double.NaN, 0.03162277862429619]),
            (-x, [-0.3, 1.7, -2.5, -4.0, 0.25, -1e-3]),
        };
        foreach (var (result, expected) in cases)
        {
            Assert.Equal(DType.Float32, result.DType);
            TensorAssert.Close([2, 3], expected, result, rtol: 1e-7);
        }
    }

    [Fact]
    public void A_transposed_view_with_a_number_gives_torchs_values()
    {
        var t = F32().T;
        Assert.False(t.IsContiguous);
        TensorAssert.Close([3, 2], [0.030000001192092896, 0.4000000059604645, -0.17000000178813934, -0.02500000037252903, 0.25, 0.00010000000474974513], t * 0.1, rtol: 1e-7);
        TensorAssert.Close([3, 2], [-0.20000001788139343, -3.9000000953674316, 1.8000000715255737, 0.3499999940395355, -2.4000000953674316, 0.0989999994635582], 0.1 - t, rtol: 1e-7);
        TensorAssert.Close([3, 2], [1.0, 0.07500000298023224, -0.1764705777168274, -1.2000000476837158, 0.12000000476837158, 300.0], 0.3 / t, rtol: 1e-7);
        TensorAssert.Close([3, 2], [0.09000000357627869, 16.0, 2.890000104904175, 0.0625, 6.25, 1.0000001111620804e-06], t.Pow(2), rtol: 1e-7);
        var expanded = Tensor.From(new[] { 1.5f, -2f }).Unsqueeze(1).Expand(2, 3);
        TensorAssert.Close([2, 3], [4.5, 4.5, 4.5, -6, -6, -6], expanded * 3);
    }

    [Fact]
    public void Float64_with_a_number_stays_float64()
    {
        var x = Tensor.From(new[] { 0.3, -1.7, 2.5 });
        Assert.Equal(DType.Float64, (x * 0.1).DType);
        TensorAssert.Close([0.03, -0.17, 0.25], x * 0.1, rtol: 1e-15);
        TensorAssert.Close([-0.19999999999999998, 1.8, -2.4], 0.1 - x, rtol: 1e-15);
        TensorAssert.Close([1.0, -5.666666666666667, 8.333333333333334], x / 0.3, rtol: 1e-15);
        TensorAssert.Close([1.0, -0.17647058823529413, 0.12], 0.3 / x, rtol: 1e-15);
    }

    [Fact]
    public void Int64_with_an_integral_number_stays_int64_and_with_a_fraction_becomes_float32()
    {
        var i = Tensor.From(new long[] { 7, -7, 3 });
        var integral = new (Tensor Result, long[] Expected)[]
        {
            (i * 2, [14, -14, 6]), (2 * i, [14, -14, 6]), (i + 2, [9, -5, 5]), (i - 2, [5, -9, 1]), (2 - i, [-5, 9, -1]),
            (i.Pow(2), [49, 49, 9]), (-i, [-7, 7, -3]),
        };
        foreach (var (result, expected) in integral)
        {
            Assert.Equal(DType.Int64, result.DType);
            Assert.Equal(expected, result.ToArray<long>());
        }
        var floating = new (Tensor Result, double[] Expected)[]
        {
            (i * 2.5, [17.5, -17.5, 7.5]), (i + 0.5, [7.5, -6.5, 3.5]), (i / 2, [3.5, -3.5, 1.5]),
            (2 / i, [0.2857142984867096, -0.2857142984867096, 0.6666666865348816]),
        };
        foreach (var (result, expected) in floating)
        {
            Assert.Equal(DType.Float32, result.DType);
            TensorAssert.Close(expected, result, rtol: 1e-7);
        }
    }

    [Fact]
    public void Bool_with_a_number_promotes_as_in_torch()
    {
        var b = Tensor.From(new[] { true, false });
        Assert.Equal(DType.Int64, (b + 1).DType);
        Assert.Equal(new long[] { 2, 1 }, (b + 1).ToArray<long>());
        Assert.Equal(DType.Float32, (b * 2.5).DType);
        TensorAssert.Close([2.5, 0], b * 2.5);
        Assert.Equal(DType.Int64, b.Pow(2).DType);
        Assert.Equal(new long[] { 1, 0 }, b.Pow(2).ToArray<long>());
    }

    [Fact]
    public void Zero_dim_tensors_with_numbers_keep_their_dtype()
    {
        var z = Tensor.From(1.5f);
        Assert.Equal(DType.Float32, (z * 3).DType);
        TensorAssert.Close(4.5, z * 3);
        TensorAssert.Close(2.25, z.Pow(2));
        var zi = Tensor.From(3L);
        Assert.Equal(DType.Int64, (zi * 2).DType);
        Assert.Equal(DType.Float32, (zi * 2.5).DType);
        TensorAssert.Close(7.5, zi * 2.5);
    }

    [Fact]
    public void A_number_takes_the_second_place_with_no_edge_as_in_torch()
    {
        var x = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        foreach (var y in new[] { x * 2, 2 * x, x + 2, 2 + x, x - 2, 2 - x, x / 2, 2 / x })
        {
            var next = y.GradFn!.NextFunctions;
            Assert.Equal(2, next.Count);
            Assert.Same(x, Assert.IsType<AccumulateGrad>(next[0]).Variable);
            Assert.Null(next[1]);
        }
        Assert.Single(x.Pow(2).GradFn!.NextFunctions);
        Assert.Single((-x).GradFn!.NextFunctions);
        Assert.Equal("MulBackward0", (x * 2).GradFn!.Name);
        Assert.Equal("DivBackward0", (x / 2).GradFn!.Name);
    }

    [Fact]
    public void A_product_with_a_number_saves_it_so_a_second_backward_fails_as_in_torch()
    {
        var x = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        var y = (x * 2).Sum();
        y.Backward();
        var ex = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("Trying to backward through the graph a second time", ex.Message);
        var z = (x / 2).Sum();
        z.Backward();
        Assert.Throws<InvalidOperationException>(() => z.Backward());
        var sum = (x + 2).Sum();   // torch saves nothing for add: backward twice works
        x.Grad = null;
        sum.Backward();
        sum.Backward();
        TensorAssert.Close(2.0, x.Grad!);
    }

    [Fact]
    public void Gradients_of_every_op_with_a_number_pass_gradcheck()
    {
        Func<Tensor, Tensor>[] ops =
        [
            t => t * 1.7, t => 1.7 * t, t => t + 1.7, t => 1.7 + t, t => t - 1.7, t => 1.7 - t,
            t => t / 1.7, t => 1.7 / t, t => t.Pow(2), t => t.Pow(3), t => t.Pow(-2), t => t.Mul(t).Add(0.5).Pow(-1.5), t => -t,
        ];
        foreach (var op in ops)
        {
            TensorAssert.GradCheck(xs => op(xs[0]), TensorAssert.Leaf(2, 3));
            TensorAssert.GradCheck(xs => op(xs[0].T), TensorAssert.Leaf(2, 3));                             // transposed
            TensorAssert.GradCheck(xs => op(xs[0].Unsqueeze(0).Expand(2, 3)), TensorAssert.Leaf(3));         // expanded
            TensorAssert.GradCheck(xs => op(xs[0].Sum()), TensorAssert.Leaf(3));                              // 0-d
        }
    }

    [Fact]
    public void Second_derivatives_through_ops_with_numbers_pass_gradcheck()
    {
        Func<Tensor, Tensor>[] ops = [t => (t * 1.7).Mul(t), t => (1.7 - t).Mul(t), t => 1.7 / t, t => t.Pow(3), t => (t / 1.7).Mul(t)];
        foreach (var op in ops)
            TensorAssert.GradCheck(xs => Autograd.Grad([op(xs[0]).Sum()], [xs[0]], createGraph: true)[0]!, TensorAssert.Leaf(2, 3));
    }
}
