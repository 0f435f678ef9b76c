using System.Numerics;
using System.Numerics.Tensors;
using Backprop.Kernels;

namespace Backprop.Tests.Portability;

/// <summary>
/// The browser's element-by-element transcendental kernels (<see cref="ScalarMath"/>), tested on this machine: they
/// give each element what the op's own scalar form gives (the values TensorPrimitives' scalar path computes), in place
/// or not, agree with the vectorised path to float precision, and keep NaN, infinities and signed zeros. The whole
/// kernel suite also reruns with them switched on (<see cref="PortablePathsTests"/>, BACKPROP_SCALAR_MATH=1).
/// </summary>
public sealed class ScalarMathTests
{
    private static float[] Inputs()
    {
        var random = new Random(7);
        var values = new List<float> { 0f, -0f, 1f, -1f, 0.5f, 1e-30f, -1e-30f, float.Epsilon, 88.7f, 89f, -103f, -104f, 20f, -20f, 1e4f, -1e4f,
            float.NaN, float.PositiveInfinity, float.NegativeInfinity };
        for (int i = 0; i < 1000; i++) values.Add((float)(random.NextDouble() * 40 - 20));
        return [.. values];
    }

    public static TheoryData<string> Ops => ["exp", "log", "sin", "cos", "tanh", "sigmoid"];

    private static (Action<ReadOnlySpan<T>, Span<T>> Scalar, Action<ReadOnlySpan<T>, Span<T>> Vector, Func<T, T> Element) Op<T>(string name)
        where T : unmanaged, IFloatingPointIeee754<T> => name switch
    {
        "exp" => ((x, d) => ScalarMath.Apply<T, ExpOp>(x, d), (x, d) => TensorPrimitives.Exp(x, d), ExpOp.Invoke),
        "log" => ((x, d) => ScalarMath.Apply<T, LogOp>(x, d), (x, d) => TensorPrimitives.Log(x, d), LogOp.Invoke),
        "sin" => ((x, d) => ScalarMath.Apply<T, SinOp>(x, d), (x, d) => TensorPrimitives.Sin(x, d), SinOp.Invoke),
        "cos" => ((x, d) => ScalarMath.Apply<T, CosOp>(x, d), (x, d) => TensorPrimitives.Cos(x, d), CosOp.Invoke),
        "tanh" => ((x, d) => ScalarMath.Apply<T, TanhOp>(x, d), (x, d) => TensorPrimitives.Tanh(x, d), TanhOp.Invoke),
        "sigmoid" => ((x, d) => ScalarMath.Apply<T, SigmoidOp>(x, d), (x, d) => TensorPrimitives.Sigmoid(x, d), SigmoidOp.Invoke),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void Each_element_is_the_ops_scalar_form_in_place_or_not(string name)
    {
        var (scalar, _, element) = Op<float>(name);
        var x = Inputs();
        var expected = x.Select(element).ToArray();
        var y = new float[x.Length];
        scalar(x, y);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), y.Select(BitConverter.SingleToInt32Bits));
        var inPlace = (float[])x.Clone();
        scalar(inPlace, inPlace);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), inPlace.Select(BitConverter.SingleToInt32Bits));

        var (scalar64, _, element64) = Op<double>(name);
        var x64 = x.Select(v => (double)v).ToArray();
        var y64 = new double[x64.Length];
        scalar64(x64, y64);
        Assert.Equal(x64.Select(element64).Select(BitConverter.DoubleToInt64Bits), y64.Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Agrees_with_the_vectorised_path_to_float_precision(string name)
    {
        var (scalar, vector, _) = Op<float>(name);
        // Within the range where both are accurate (sin and cos of large arguments lose digits in either).
        var x = Inputs().Where(v => float.IsFinite(v) && MathF.Abs(v) <= 100).ToArray();
        if (name == "log") x = x.Select(MathF.Abs).ToArray();
        float[] a = new float[x.Length], b = new float[x.Length];
        scalar(x, a);
        vector(x, b);
        // The vectorised tanh is off by up to 2^-24 absolute near 0 (it gives tanh(0) = -5.96e-8); the scalar one is exact there.
        float atol = name == "tanh" ? 1.2e-7f : 1e-37f;
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsInfinity(b[i]) || b[i] == 0) { Assert.Equal(b[i], a[i]); continue; }
            Assert.True(MathF.Abs(a[i] - b[i]) <= 4e-7f * MathF.Abs(b[i]) + atol, $"{name}({x[i]:R}): scalar {a[i]:R}, vectorised {b[i]:R}");
        }
    }

    [Fact]
    public void Special_values_follow_IEEE()
    {
        float[] x = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f];
        var y = new float[4];
        ScalarMath.Apply<float, ExpOp>(x, y);
        Assert.Equal([float.NaN, float.PositiveInfinity, 0f, 1f], y);
        ScalarMath.Apply<float, SigmoidOp>(x, y);
        Assert.Equal([float.NaN, 1f, 0f, 0.5f], y);
        ScalarMath.Apply<float, TanhOp>(x, y);
        Assert.True(float.IsNaN(y[0]) && y[1] == 1f && y[2] == -1f && float.IsNegative(y[3]) && y[3] == 0f);
        Assert.Throws<ArgumentException>(() => ScalarMath.Apply<float, ExpOp>(x, new float[3]));
    }

    [Fact]
    public void Is_chosen_for_float_in_the_browser_or_by_BACKPROP_SCALAR_MATH_only()
    {
        bool asked = Environment.GetEnvironmentVariable("BACKPROP_SCALAR_MATH") == "1";
        Assert.Equal(OperatingSystem.IsBrowser() || asked, ScalarMath.Preferred);
        Assert.Equal(ScalarMath.Preferred, ScalarMath.Takes<float>());
        Assert.False(ScalarMath.Takes<double>());   // float64 keeps the vectorised path everywhere
    }
}
