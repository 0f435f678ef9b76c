using Backprop;

namespace Backprop.Tests;

/// <summary>Assertions on tensor values: shapes exactly, values within a relative-and-absolute tolerance.</summary>
internal static class TensorAssert
{
    public static void Shape(int[] expected, Tensor actual) => Assert.Equal(expected, actual.Shape.ToArray());

    /// <summary>Every element within atol + rtol·|expected|, in row-major order.</summary>
    public static void Close(double[] expected, Tensor actual, double rtol = 1e-6, double atol = 1e-9)
    {
        var values = actual.ToDoubleArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool ok = double.IsNaN(expected[i]) ? double.IsNaN(values[i])
                : expected[i] == values[i] || Math.Abs(expected[i] - values[i]) <= atol + rtol * Math.Abs(expected[i]);
            Assert.True(ok, $"element {i}: expected {expected[i]:R}, got {values[i]:R} (all: [{string.Join(", ", values)}])");
        }
    }

    /// <summary>Shape and values both.</summary>
    public static void Close(int[] shape, double[] expected, Tensor actual, double rtol = 1e-6, double atol = 1e-9)
    {
        Shape(shape, actual);
        Close(expected, actual, rtol, atol);
    }

    /// <summary>A scalar value.</summary>
    public static void Close(double expected, Tensor actual, double rtol = 1e-6, double atol = 1e-9) => Close([expected], actual, rtol, atol);

    /// <summary>Gradcheck in Float64 that fails the test with the first disagreeing element.</summary>
    public static void GradCheck(Func<Tensor[], Tensor> f, params Tensor[] inputs) => Assert.True(Autograd.GradCheck(f, inputs));

    /// <summary>
    /// Gradcheck of an elementwise activation whose backward is an op of its own, at first and second order: on a
    /// matrix and its transpose (a strided input), through the backward op's input (d/dx of Σ f(x)·w), and through both
    /// of its inputs at once (the output gradient depends on w as well as x).
    /// </summary>
    public static void GradCheckActivation(Func<Tensor, Tensor> f)
    {
        GradCheck(xs => f(xs[0]), Leaf(2, 3));
        GradCheck(xs => f(xs[0].T), Leaf(2, 3));
        GradCheck(xs => Autograd.Grad([f(xs[0]).Mul(xs[1]).Sum()], [xs[0]], createGraph: true)[0]!, Leaf(2, 3), Leaf(3));
        GradCheck(xs => Autograd.Grad([f(xs[0].Mul(xs[1])).Sum()], [xs[0]], createGraph: true)[0]!.Mul(xs[1]), Leaf(4), Leaf(4));
    }

    /// <summary>A Float64 leaf that requires grad, with the given values and shape.</summary>
    public static Tensor Leaf(double[] values, params int[] shape) => Tensor.From(values, shape).RequiresGrad_();

    /// <summary>A Float64 leaf of the given shape with distinct, smooth-friendly values in (-1.5, 1.5), none zero, none tied.</summary>
    public static Tensor Leaf(params int[] shape)
    {
        int n = 1;
        foreach (var s in shape) n *= s;
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = Math.Round(Math.Sin(1.3 * i + 0.7) * 1.4 + 0.013 * i, 6) is var v && Math.Abs(v) < 0.05 ? v + 0.11 : v;
        return Tensor.From(values, shape).RequiresGrad_();
    }

    /// <summary>
    /// A Float64 tensor of the given shape holding ((i·7) mod 11 − 5) / 4 at row-major position i: distinct-enough
    /// values with ties and negatives, the same formula the PyTorch reference values were printed from.
    /// </summary>
    public static Tensor Seq(params int[] shape)
    {
        int n = 1;
        foreach (var s in shape) n *= s;
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (i * 7 % 11 - 5) / 4.0;
        return Tensor.From(v, shape);
    }
}
