using Backprop;

namespace Backprop.Tests.Ops;

/// <summary>Forward values of the unary ops at x = [-1.5, -0.3, 0, 0.7, 2], as printed by PyTorch 1.13 in float64.</summary>
public class UnaryValueTests
{
    private static readonly double[] X = [-1.5, -0.3, 0.0, 0.7, 2.0];

    public static TheoryData<string, double[]> Cases => new()
    {
        { "Sigmoid", [0.18242552380635635, 0.425557483188341, 0.5, 0.6681877721681662, 0.8807970779778823] },
        { "Tanh", [-0.9051482536448664, -0.2913126124515909, 0.0, 0.6043677771171635, 0.9640275800758169] },
        { "Gelu", [-0.10021080190328704, -0.1146265733433142, 0.0, 0.5306254434438489, 1.9544997361036416] },
        { "Softplus", [0.2014132779827524, 0.5543552444685271, 0.6931471805599453, 1.103186048885458, 2.1269280110429727] },
        { "LeakyRelu0.1", [-0.15000000000000002, -0.03, 0.0, 0.7, 2.0] },
        { "Erf", [-0.9661051464753108, -0.3286267594591274, 0.0, 0.6778011938374184, 0.9953222650189527] },
        { "Relu", [0.0, 0.0, 0.0, 0.7, 2.0] },
        { "Exp", [0.22313016014842982, 0.7408182206817179, 1.0, 2.0137527074704766, 7.38905609893065] },
        { "Sin", [-0.9974949866040544, -0.29552020666133955, 0.0, 0.644217687237691, 0.9092974268256817] },
        { "Cos", [0.0707372016677029, 0.955336489125606, 1.0, 0.7648421872844885, -0.4161468365471424] },
        { "Abs", [1.5, 0.3, 0.0, 0.7, 2.0] },
        { "Sign", [-1.0, -1.0, 0.0, 1.0, 1.0] },
        { "Neg", [1.5, 0.3, -0.0, -0.7, -2.0] },
    };

    internal static Tensor Apply(string op, Tensor x) => op switch
    {
        "Sigmoid" => x.Sigmoid(),
        "Tanh" => x.Tanh(),
        "Gelu" => x.Gelu(),
        "Softplus" => x.Softplus(),
        "LeakyRelu0.1" => x.LeakyRelu(0.1),
        "Erf" => x.Erf(),
        "Relu" => x.Relu(),
        "Exp" => x.Exp(),
        "Sin" => x.Sin(),
        "Cos" => x.Cos(),
        "Abs" => x.Abs(),
        "Sign" => x.Sign(),
        "Neg" => x.Neg(),
        "Log" => x.Log(),
        "Sqrt" => x.Sqrt(),
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64_values_match_PyTorch(string op, double[] expected)
    {
        var y = Apply(op, Tensor.From(X));
        Assert.Equal(DType.Float64, y.DType);
        TensorAssert.Close(expected, y, rtol: 1e-14, atol: 1e-16);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32_values_match_PyTorch_to_float_precision(string op, double[] expected)
    {
        var y = Apply(op, Tensor.From(X.Select(v => (float)v).ToArray()));
        Assert.Equal(DType.Float32, y.DType);
        TensorAssert.Close(expected, y, rtol: 1e-6, atol: 1e-7);
    }

    // torch.erf in float64 across the range Erf's table covers (grid points i/32, the midpoints between them, the
    // saturation at 6, tiny and huge arguments): the table of Taylor polynomials keeps double precision throughout.
    private static readonly double[] ErfX =
    [
        -6.5, -6.25, -6.0, -5.75, -5.5, -5.25, -5.0, -4.75, -4.5, -4.25, -4.0, -3.75, -3.5, -3.25, -3.0, -2.75, -2.5, -2.25, -2.0,
        -1.75, -1.5, -1.25, -1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.75, 3.0, 3.25,
        3.5, 3.75, 4.0, 4.25, 4.5, 4.75, 5.0, 5.25, 5.5, 5.75, 6.0, 6.25, 6.5, 1e-300, -3e-09, 0.03125, 0.046875, 0.84375,
        2.96875, 3.0, 5.96875, 5.999999, 6.0, 27.5,
    ];

    private static readonly double[] ErfExpected =
    [
        -1.0, -1.0, -1.0, -0.9999999999999996, -0.9999999999999927, -0.9999999999998869, -0.9999999999984626,
        -0.9999999999815149, -0.9999999998033839, -0.9999999981494259, -0.9999999845827421, -0.9999998862727434,
        -0.9999992569016276, -0.9999956972205363, -0.9999779095030014, -0.9998993780778803, -0.999593047982555,
        -0.9985372834133188, -0.9953222650189527, -0.9866716712191824, -0.9661051464753108, -0.9229001282564583,
        -0.8427007929497149, -0.7111556336535151, -0.5204998778130465, -0.27632639016823696, 0.0, 0.27632639016823696,
        0.5204998778130465, 0.7111556336535151, 0.8427007929497149, 0.9229001282564583, 0.9661051464753108,
        0.9866716712191824, 0.9953222650189527, 0.9985372834133188, 0.999593047982555, 0.9998993780778803,
        0.9999779095030014, 0.9999956972205363, 0.9999992569016276, 0.9999998862727434, 0.9999999845827421,
        0.9999999981494259, 0.9999999998033839, 0.9999999999815149, 0.9999999999984626, 0.9999999999998869,
        0.9999999999999927, 0.9999999999999996, 1.0, 1.0, 1.0, 1.1283791670955126e-300, -3.3851375012865378e-09,
        0.035250373867322826, 0.052854059156443735, 0.7672256612323417, 0.9999731247687527, 0.9999779095030014, 1.0,
        1.0, 1.0, 1.0,
    ];

    [Fact]
    public void Erf_matches_PyTorch_to_double_precision_across_its_range()
    {
        var y = Tensor.From(ErfX).Erf();
        TensorAssert.Close(ErfExpected, y, rtol: 2e-15, atol: 0);
        Assert.True(double.IsNaN(Tensor.From(new[] { double.NaN }).Erf().Item()));
        Assert.Equal(-1.0, Tensor.From(new[] { double.NegativeInfinity }).Erf().Item());
    }

    [Fact]
    public void Erf_table_agrees_with_the_series_it_was_built_from()
    {
        for (int i = -7000; i <= 7000; i++)
        {
            double x = i * 0.000917;   // off the grid, both sides of every grid point
            double series = Backprop.Kernels.Erf.Series(x), fast = Backprop.Kernels.Erf.Of(x);
            Assert.True(Math.Abs(fast - series) <= 2e-15 * Math.Abs(series) + 1e-300, $"erf({x}): {fast} against {series}");
            Assert.Equal((float)series, (float)fast);
        }
    }

    [Fact]
    public void Erf_and_gelu_four_lanes_at_a_time_give_the_scalar_results()
    {
        // Tensors take the vector form (AVX2) for all but a tail; the scalar form is the reference, bit for bit.
        var xs = Enumerable.Range(-4100, 8203).Select(i => i * 0.0017).Append(double.NaN).Append(-0.0).Append(7.5).ToArray();
        var erf = Tensor.From(xs).Erf().ToArray<double>();
        var gelu = Tensor.From(xs.Select(v => (float)v).ToArray()).Gelu().ToArray<float>();
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.Equal(Backprop.Kernels.ErfOp.Invoke(xs[i]), erf[i]);
            Assert.Equal(Backprop.Kernels.GeluOp.Invoke((float)xs[i]), gelu[i]);
        }
    }

    [Fact]
    public void Log_and_sqrt_values()
    {
        var x = Tensor.From(new[] { 0.25, 1.0, 4.0 });
        TensorAssert.Close([Math.Log(0.25), 0.0, Math.Log(4)], x.Log(), rtol: 1e-15);
        TensorAssert.Close([0.5, 1.0, 2.0], x.Sqrt());
        Assert.True(double.IsNegativeInfinity(Tensor.From(new[] { 0.0 }).Log().Item()));
        Assert.True(double.IsNaN(Tensor.From(new[] { -1.0 }).Sqrt().Item()));
    }

    [Fact]
    public void Softplus_with_beta_and_threshold_matches_PyTorch()
    {
        var x = Tensor.From(X) * 30;
        TensorAssert.Close([4.097006311995257e-40, 7.614989814368244e-09, 0.34657359027997264, 21.0, 60.0], x.Softplus(beta: 2, threshold: 5), rtol: 1e-12);
    }

    [Fact]
    public void Float_functions_of_integer_tensors_compute_in_float32()
    {
        var y = Tensor.From(new long[] { 0, 1 }).Exp();
        Assert.Equal(DType.Float32, y.DType);
        TensorAssert.Close([1.0, Math.E], y, rtol: 1e-6);
    }

    [Fact]
    public void Relu_and_abs_keep_integer_dtypes()
    {
        var x = Tensor.From(new long[] { -2, 0, 3 });
        Assert.Equal(new long[] { 0, 0, 3 }, x.Relu().ToArray<long>());
        Assert.Equal(new long[] { 2, 0, 3 }, x.Abs().ToArray<long>());
        Assert.Equal(new long[] { 2, 0, -3 }, (-x).ToArray<long>());
    }

    [Fact]
    public void Relu_keeps_nan()
    {
        Assert.True(double.IsNaN(Tensor.From(new[] { double.NaN }).Relu().Item()));
        Assert.True(double.IsNaN(Tensor.From(new[] { double.NaN }).Sign().Item()));
    }
}
