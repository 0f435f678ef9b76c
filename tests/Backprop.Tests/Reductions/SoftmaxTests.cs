using Backprop;

namespace Backprop.Tests.Reductions;

// Expected values printed by PyTorch 1.13 (torch.softmax/log_softmax/logsumexp) on the same inputs.
public class SoftmaxTests
{
    private static readonly double[] XValues = [0.5, -1.2, 3.3, 0.1, 2.2, 2.2, -0.7, 1.9, -3.0, 0.4, 0.4, 5.1];

    private static Tensor X(DType dtype = DType.Float64) => Tensor.From(XValues, 3, 4).To(dtype);

    private static readonly double[] Softmax1 =
    [
        0.054651825854882666, 0.009983988143086322, 0.8987299715790544, 0.036634214422976694,
        0.3576740745841409, 0.3576740745841409, 0.019680379314314992, 0.26497147151740325,
        0.00029802739167884325, 0.008930122581129638, 0.008930122581129638, 0.9818417274460618,
    ];

    private static readonly double[] Softmax0 =
    [
        0.15374811517429848, 0.02784186629557244, 0.9316722223052489, 0.006432406709247822,
        0.8416090940413243, 0.8342564671867838, 0.017064171986407414, 0.03891379293867392,
        0.004642790784377076, 0.13790166651764382, 0.05126360570834367, 0.9546538003520783,
    ];

    [Theory]
    [InlineData(DType.Float32, 1e-6)]
    [InlineData(DType.Float64, 1e-12)]
    public void Softmax_over_the_last_dim_matches_PyTorch(DType dtype, double rtol)
    {
        var y = X(dtype).Softmax(1);
        Assert.Equal(dtype, y.DType);
        TensorAssert.Close([3, 4], Softmax1, y, rtol, atol: rtol);
        TensorAssert.Close([3, 4], Softmax1, X(dtype).Softmax(-1), rtol, atol: rtol);
    }

    [Theory]
    [InlineData(DType.Float32, 1e-6)]
    [InlineData(DType.Float64, 1e-12)]
    public void Softmax_over_a_leading_dim_matches_PyTorch(DType dtype, double rtol)
    {
        TensorAssert.Close([3, 4], Softmax0, X(dtype).Softmax(0), rtol, atol: rtol);
        TensorAssert.Close([4, 3], Transposed(Softmax0, 3, 4), X(dtype).T.Softmax(1), rtol, atol: rtol);   // a non-contiguous input
    }

    [Fact]
    public void Softmax_over_a_middle_dim_of_a_3d_tensor()
    {
        var y = ReductionData.X3().Softmax(1);
        TensorAssert.Close([2, 3, 4],
        [
            0.048643576845786816, 0.7810564169523228, 0.9605744375507002, 0.1744354761122953, 0.005023426578244722, 0.0035235239311557304,
            0.027150425077393583, 0.8198772884597594, 0.9463329965759684, 0.21542005911652162, 0.012275137371906353, 0.00568723542794531,
            0.012426201305391757, 0.22200873746494748, 0.9476431771158155, 0.8103192962322904, 0.02620148414330516, 0.003518459152228708,
            0.005099763818466795, 0.18058407727344217, 0.961372314551303, 0.7744728033828238, 0.047257059065717845, 0.00909662649426757,
        ], y, 1e-12);
    }

    [Theory]
    [InlineData(DType.Float32, 1e-6)]
    [InlineData(DType.Float64, 1e-12)]
    public void LogSoftmax_matches_PyTorch(DType dtype, double rtol)
    {
        TensorAssert.Close([3, 4],
        [
            -2.9067726549472845, -4.606772654947284, -0.10677265494728458, -3.3067726549472845,
            -1.028133113442401, -1.028133113442401, -3.928133113442401, -1.3281331134424013,
            -8.118325157297726, -4.718325157297725, -4.718325157297725, -0.018325157297725957,
        ], X(dtype).LogSoftmax(1), rtol, atol: rtol);
        TensorAssert.Close([3, 4],
        [
            -1.8724396313996055, -3.5812144092838674, -0.07077421896049133, -5.046406516945364,
            -0.17243963139960522, -0.1812144092838669, -4.070774218960492, -3.2464065169453638,
            -5.3724396313996055, -1.9812144092838673, -2.970774218960491, -0.04640651694536421,
        ], X(dtype).LogSoftmax(-2), rtol, atol: rtol);
    }

    [Fact]
    public void LogSoftmax_over_a_middle_dim_of_a_3d_tensor()
    {
        TensorAssert.Close([2, 3, 4],
        [
            -3.023235506902396, -0.2471078949366503, -0.04022380102501912, -1.7462003701188216, -5.293642992826181, -5.648293673349755,
            -3.606362576098842, -0.19860059814205594, -0.05516076703225078, -1.5351653936350698, -4.400179414170173, -5.169531013950533,
            -4.387948027134521, -1.5050385399341475, -0.05377724302911385, -0.2103269161098833, -3.6419392231284125, -5.64973212605274,
            -5.278561050428753, -1.7115588075923767, -0.0393935209503335, -0.25557273480590176, -3.0521532379849368, -4.699851649106746,
        ], ReductionData.X3().LogSoftmax(1), 1e-12);
    }

    [Theory]
    [InlineData(DType.Float32, 1e-6)]
    [InlineData(DType.Float64, 1e-12)]
    public void Softmax_of_large_values_is_finite_and_correct(DType dtype, double rtol)
    {
        var x = Tensor.From([1000.0, 1001.0, 1002.0]).To(dtype);
        TensorAssert.Close([0.09003057317038045, 0.2447284710547976, 0.6652409557748218], x.Softmax(0), rtol, atol: rtol);
        TensorAssert.Close([-2.4076059644443806, -1.4076059644443804, -0.4076059644443804], x.LogSoftmax(0), rtol, atol: rtol);
        TensorAssert.Close(1002.4076059644444, x.LogSumExp(0), rtol, atol: rtol);
    }

    [Fact]
    public void Softmax_with_minus_infinity_gives_zero_weight_and_all_minus_infinity_gives_NaN()
    {
        var x = Tensor.From([double.NegativeInfinity, 1.0]);
        TensorAssert.Close([0.0, 1.0], x.Softmax(0));
        TensorAssert.Close([double.NegativeInfinity, 0.0], x.LogSoftmax(0));
        var all = Tensor.From([double.NegativeInfinity, double.NegativeInfinity]);
        TensorAssert.Close([double.NaN, double.NaN], all.Softmax(0));      // PyTorch: −∞ − (−∞) = NaN
        TensorAssert.Close([double.NaN, double.NaN], all.LogSoftmax(0));
    }

    [Fact]
    public void Softmax_propagates_NaN_to_its_slice()
    {
        var x = Tensor.From(new[] { double.NaN, 1.0, 2.0, 3.0 }, 2, 2).To(DType.Float32);
        TensorAssert.Close([double.NaN, double.NaN, 0.2689414322376251, 0.7310585975646973], x.Softmax(1));
        TensorAssert.Close([double.NaN, 0.11920291930437088, double.NaN, 0.8807970285415649], x.Softmax(0));
        TensorAssert.Close([double.NaN, double.NaN], Tensor.From([double.PositiveInfinity, 1.0]).Softmax(0));
    }

    [Fact]
    public void Softmax_of_a_0d_tensor_is_one_and_of_an_empty_tensor_is_empty()
    {
        TensorAssert.Close([], [1.0], Tensor.From(3.0).Softmax(0));
        TensorAssert.Close([], [0.0], Tensor.From(3.0).LogSoftmax(-1));
        TensorAssert.Shape([2, 0], Tensor.Zeros(2, 0).Softmax(1));
        TensorAssert.Shape([0, 3], Tensor.Zeros(0, 3).LogSoftmax(1));
    }

    [Fact]
    public void Backward_names_follow_PyTorch()
    {
        var x = TensorAssert.Leaf(2, 3);
        Assert.Equal("SoftmaxBackward0", x.Softmax(1).GradFn!.Name);
        Assert.Equal("LogSoftmaxBackward0", x.LogSoftmax(0).GradFn!.Name);
        Assert.Equal("LogsumexpBackward0", x.LogSumExp(1).GradFn!.Name);
    }

    [Fact]
    public void Softmax_and_LogSoftmax_gradients_match_PyTorch()
    {
        var x = TensorAssert.Leaf([1.0, 2.0, 3.0], 3);
        var g = Autograd.Grad([x.Softmax(0).Select(0, 2)], [x])[0]!;
        TensorAssert.Close([-0.059892024544818914, -0.16280340198980436, 0.2226954265346234], g, 1e-12);
        var h = Autograd.Grad([x.LogSoftmax(0).Select(0, 0)], [x])[0]!;
        TensorAssert.Close([0.9099694268296196, -0.24472847105479764, -0.6652409557748218], h, 1e-12);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    public void Softmax_and_LogSoftmax_pass_gradcheck(int dim)
    {
        TensorAssert.GradCheck(xs => xs[0].Softmax(dim), TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(xs => xs[0].LogSoftmax(dim), TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(xs => xs[0].Softmax(dim).Mul(xs[0]).Sum(), TensorAssert.Leaf(3, 4));
    }

    [Fact]
    public void Softmax_and_LogSoftmax_pass_gradcheck_on_non_contiguous_views()
    {
        TensorAssert.GradCheck(xs => xs[0].T.Softmax(1), TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(xs => xs[0].Permute(2, 0, 1).LogSoftmax(1), TensorAssert.Leaf(2, 3, 4));
        TensorAssert.GradCheck(xs => xs[0].Slice(1, 1, 4, 2).Softmax(0), TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(xs => xs[0].Expand(3, 4).Add(TensorAssert.Leaf(3, 4).Detach()).LogSoftmax(0), TensorAssert.Leaf(1, 4));
    }

    [Fact]
    public void Softmax_second_derivative_matches_gradcheck_of_its_first_derivative()
    {
        var w = Tensor.From(new[] { 0.3, -1.1, 2.0, 0.7, 1.5, -0.4, 0.2, -0.9, 0.6, 1.2, -1.3, 0.8 }, 3, 4);
        TensorAssert.GradCheck(ReductionData.FirstDerivative(x => x.Softmax(1).Mul(w).Sum()), TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(ReductionData.FirstDerivative(x => x.T.LogSoftmax(0).Mul(w.T).Sum()), TensorAssert.Leaf(3, 4));
    }

    [Fact]
    public void Softmax_of_an_integer_tensor_throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.From(new long[] { 1, 2 }).Softmax(0));
        Assert.Contains("Softmax", e.Message);
        Assert.Contains("torch.int64", e.Message);
        Assert.Contains("LogSoftmax", Assert.Throws<ArgumentException>(() => Tensor.From(new long[] { 1, 2 }).LogSoftmax(0)).Message);
    }

    [Fact]
    public void Softmax_with_a_dim_out_of_range_throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Ones(2, 3).Softmax(-3));
        Assert.Contains("Softmax", e.Message);
        Assert.Contains("expected to be in range of [-2, 1], but got -3", e.Message);
        Assert.Contains("but got 2", Assert.Throws<ArgumentException>(() => Tensor.Ones(2, 3).LogSoftmax(2)).Message);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Softmax_kernel_row_and_column_paths_agree_with_the_composed_formula(DType dtype)
    {
        // 37 columns: past every vector width, with a scalar tail. dim 1 runs the row path, dim 0 (of the transpose) the column path.
        var values = new double[5 * 37];
        for (int i = 0; i < values.Length; i++) values[i] = Math.Sin(0.37 * i) * 20 + 0.01 * i;
        var x = Tensor.From(values, 5, 37).To(dtype);
        var shifted = x.Sub(x.AMax(1, keepDim: true));
        var expected = shifted.Exp().Div(shifted.Exp().Sum(1, keepDim: true)).ToDoubleArray();
        var expectedLog = shifted.Sub(shifted.Exp().Sum(1, keepDim: true).Log()).ToDoubleArray();
        double tol = dtype == DType.Float32 ? 1e-5 : 1e-12;
        TensorAssert.Close(expected, x.Softmax(1), tol, tol);
        TensorAssert.Close(expected, x.T.Contiguous().Softmax(0).T, tol, tol);
        TensorAssert.Close(expectedLog, x.LogSoftmax(1), tol, tol);
        TensorAssert.Close(expectedLog, x.T.Contiguous().LogSoftmax(0).T, tol, tol);
    }

    [Theory]
    [InlineData(DType.Float32, 1)]   // rows of 37: the row path
    [InlineData(DType.Float64, 1)]
    [InlineData(DType.Float32, 0)]   // along dim 0 of [5, 37]: the column path (inner 37)
    [InlineData(DType.Float64, 0)]
    public void Fused_and_recorded_backward_agree_with_the_definition(DType dtype, int dim)
    {
        var values = new double[5 * 37];
        var weights = new double[5 * 37];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Math.Sin(0.37 * i) * 3 + 0.01 * i;
            weights[i] = Math.Cos(0.21 * i);
        }
        double tol = dtype == DType.Float32 ? 2e-6 : 1e-13;
        foreach (bool log in new[] { false, true })
        {
            // The definition in double: dx = g − softmax·Σg (log) or y ⊙ (g − Σ g ⊙ y), sums along dim.
            var expected = new double[values.Length];
            for (int line = 0; line < (dim == 1 ? 5 : 37); line++)
            {
                int count = dim == 1 ? 37 : 5, stride = dim == 1 ? 1 : 37, start = dim == 1 ? line * 37 : line;
                double max = double.NegativeInfinity, sum = 0, gSum = 0, gyDot = 0;
                for (int j = 0; j < count; j++) max = Math.Max(max, values[start + j * stride]);
                for (int j = 0; j < count; j++) sum += Math.Exp(values[start + j * stride] - max);
                for (int j = 0; j < count; j++)
                {
                    double p = Math.Exp(values[start + j * stride] - max) / sum, w = weights[start + j * stride];
                    gSum += w;
                    gyDot += w * p;
                }
                for (int j = 0; j < count; j++)
                {
                    int i = start + j * stride;
                    double p = Math.Exp(values[i] - max) / sum;
                    expected[i] = log ? weights[i] - p * gSum : p * (weights[i] - gyDot);
                }
            }
            var x = Tensor.From(values, 5, 37).To(dtype).RequiresGrad_();
            var y = log ? x.LogSoftmax(dim) : x.Softmax(dim);
            // A non-contiguous incoming gradient: the transpose of a contiguous [37, 5].
            var g = Tensor.From(Transposed(weights, 5, 37), 37, 5).To(dtype).T;
            var fused = Autograd.Grad([y], [x], [g], retainGraph: true)[0]!;
            Assert.Null(fused.GradFn);
            TensorAssert.Close(expected, fused, tol, tol);
            var recorded = Autograd.Grad([y], [x], [g.Detach().RequiresGrad_()], createGraph: true)[0]!;
            Assert.NotNull(recorded.GradFn);
            TensorAssert.Close(expected, recorded, tol, tol);
        }
    }

    private static double[] Transposed(double[] values, int rows, int cols)
    {
        var t = new double[values.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                t[j * rows + i] = values[i * cols + j];
        return t;
    }
}
