using Backprop;

namespace Backprop.Tests.Convolution;

// Max pooling's 2×2 stride-2 kernel and its fused backward (a scatter by the saved indices, taken when the backward
// is not recorded) against the definition: PyTorch's max-pool rule (taps in row-major order, a later one wins when
// greater or NaN, padding skipped), each output's gradient added at its maximum.
public class PoolingKernelTests
{
    public static TheoryData<int[], DType> PairShapes() => new()
    {
        { [2, 3, 6, 8], DType.Float32 },
        { [2, 3, 7, 9], DType.Float64 },       // odd sizes: the last row and column belong to no window
        { [3, 5, 4], DType.Float32 },          // unbatched
        { [16, 16, 28, 28], DType.Float32 },   // the CNN's first pooling: planes split across threads
        { [4, 8, 14, 14], DType.Float64 },
    };

    [Theory]
    [MemberData(nameof(PairShapes))]
    public void MaxPool2d_2x2_matches_the_definition_with_its_indices_and_gradient(int[] shape, DType dtype)
    {
        var x = Values(shape, dtype).RequiresGrad_();
        var (y, indices) = Tensor.MaxPool2dWithIndices(x, 2);
        var (ry, ri) = MaxPoolReference(x, 2, 2, 0, 1);
        AssertSame(ry, ri, y, indices);
        var g = Values(y.Shape.ToArray(), dtype, 0.9);
        y.Backward(g);
        AssertEqual(ScatterReference(x.Numel, shape[^2] * shape[^1], ri, g.ToDoubleArray()), x.Grad!);
    }

    [Fact]
    public void MaxPool2d_2x2_takes_the_last_nan_and_the_first_of_ties()
    {
        double nan = double.NaN, inf = double.PositiveInfinity;
        // Windows (row-major taps): [1, 1, 1, 1] tie, [NaN, 2, NaN, 3] last NaN, [-inf ×4], [2, inf, inf, NaN].
        var x = Tensor.From(new[]
        {
            1.0, 1, nan, 2, -inf, -inf, 2, inf,
            1, 1, nan, 3, -inf, -inf, inf, nan,
        }, 1, 1, 2, 8);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var (y, indices) = Tensor.MaxPool2dWithIndices(x.To(dtype), 2);
            TensorAssert.Close([1, nan, double.NegativeInfinity, nan], y);
            Assert.Equal([0L, 10, 4, 15], indices.ToArray<long>());
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MaxPool2d_2x2_follows_the_rule_on_nans_infinities_signed_zeros_and_ties_in_every_lane(DType dtype)
    {
        // Few distinct values, so windows hold several NaNs, ties and both zeros; rows of 14, 32 and 7 outputs
        // fill whole vectors, part of one, and leave a scalar tail at the end of the array.
        double[] pool = [double.NaN, double.NegativeInfinity, double.PositiveInfinity, 0.0, -0.0, 1, 1, -1];
        var random = new Random(7);
        foreach (int[] shape in new[] { new[] { 3, 2, 28, 28 }, [2, 3, 4, 64], [5, 2, 14, 15] })
        {
            var data = new double[shape[0] * shape[1] * shape[2] * shape[3]];
            for (int i = 0; i < data.Length; i++) data[i] = pool[random.Next(pool.Length)];
            var x = Tensor.From(data, shape).To(dtype);
            var (y, indices) = Tensor.MaxPool2dWithIndices(x, 2);
            var (ry, ri) = MaxPoolReference(x, 2, 2, 0, 1);
            AssertSame(ry, ri, y, indices);
        }
    }

    [Fact]
    public void MaxPool2d_2x2_reads_strided_planes_in_place()
    {
        // Rows and channels strided (unit column stride: the 2×2 kernel), and columns strided (the general one).
        var store = Values([2, 6, 9, 8], DType.Float32);
        foreach (var view in new[] { store.Slice(1, step: 2).Slice(2, 1), store.Transpose(2, 3), store.Permute(1, 0, 2, 3) })
        {
            var (y, indices) = Tensor.MaxPool2dWithIndices(view, 2);
            var (ry, ri) = MaxPoolReference(view, 2, 2, 0, 1);
            AssertSame(ry, ri, y, indices);
        }
    }

    [Theory]
    [InlineData(3, 1, 1, 1)]   // overlapping windows: shared maxima add up
    [InlineData(2, 2, 0, 1)]
    [InlineData(3, 2, 1, 2)]
    public void MaxPool2d_fused_and_recorded_backward_match_the_definition(int kernel, int stride, int padding, int dilation)
    {
        var x = Values([2, 3, 7, 6], DType.Float64).RequiresGrad_();
        var (y, indices) = Tensor.MaxPool2dWithIndices(x, kernel, stride, padding, dilation);
        var (ry, ri) = MaxPoolReference(x, kernel, stride, padding, dilation);
        AssertSame(ry, ri, y, indices);
        var g = Values(y.Shape.ToArray(), DType.Float64, 0.4);
        var expected = ScatterReference(x.Numel, 7 * 6, ri, g.ToDoubleArray());
        var fused = Autograd.Grad([y], [x], [g], retainGraph: true)[0]!;
        Assert.Null(fused.GradFn);
        TensorAssert.Close(expected, fused, 1e-15, 1e-15);
        var recorded = Autograd.Grad([y], [x], [g.RequiresGrad_()], createGraph: true)[0]!;
        Assert.NotNull(recorded.GradFn);
        TensorAssert.Close(expected, recorded, 1e-15, 1e-15);
        // A non-contiguous incoming gradient (expanded from a sum).
        var x2 = x.Detach().RequiresGrad_();
        Tensor.MaxPool2d(x2, kernel, stride, padding, dilation).Sum().Backward();
        TensorAssert.Close(ScatterReference(x.Numel, 7 * 6, ri, Enumerable.Repeat(1.0, ri.Length).ToArray()), x2.Grad!, 1e-15, 1e-15);
    }

    /// <summary>Smooth values in (−1, 1) with repeats (ties), exact in Float32.</summary>
    private static Tensor Values(int[] shape, DType dtype, double phase = 0.2)
    {
        int n = 1;
        foreach (var s in shape) n *= s;
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = Math.Round(Math.Sin(0.61 * i + phase) * 8) / 8;
        return Tensor.From(v, shape).To(dtype);
    }

    /// <summary>Max pooling of the last two dims by its definition, with square window arguments and floor mode.</summary>
    private static (double[] Values, long[] Indices) MaxPoolReference(Tensor x, int k, int s, int p, int d)
    {
        int h = x.Shape[^2], w = x.Shape[^1], planes = x.Numel / (h * w);
        int outH = (h + 2 * p - d * (k - 1) - 1) / s + 1, outW = (w + 2 * p - d * (k - 1) - 1) / s + 1;
        var xs = x.ToDoubleArray();
        var values = new double[planes * outH * outW];
        var indices = new long[values.Length];
        for (int q = 0, o = 0; q < planes; q++)
            for (int i = 0; i < outH; i++)
                for (int j = 0; j < outW; j++, o++)
                {
                    double max = double.NegativeInfinity;
                    long best = -1;
                    for (int ki = 0; ki < k; ki++)
                        for (int kj = 0; kj < k; kj++)
                        {
                            int ih = i * s - p + ki * d, iw = j * s - p + kj * d;
                            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                            double v = xs[q * h * w + ih * w + iw];
                            if (best < 0) best = ih * w + iw;
                            if (v > max || double.IsNaN(v)) { max = v; best = ih * w + iw; }
                        }
                    values[o] = max;
                    indices[o] = best;
                }
        return (values, indices);
    }

    /// <summary>The max-pool gradient by its definition: each output's gradient added at its maximum's place in its plane.</summary>
    private static double[] ScatterReference(int numel, int planeSize, long[] indices, double[] g)
    {
        var dx = new double[numel];
        int blocks = indices.Length / (numel / planeSize);
        for (int o = 0; o < indices.Length; o++) dx[o / blocks * planeSize + indices[o]] += g[o];
        return dx;
    }

    private static void AssertSame(double[] values, long[] indices, Tensor y, Tensor actualIndices)
    {
        Assert.Equal(indices, actualIndices.ToArray<long>());
        AssertEqual(values, y);
    }

    /// <summary>
    /// Exactly equal, NaN to NaN, element by element (TensorAssert.Close formats the whole tensor into every
    /// assertion's message, quadratic in the size of a batch-sized tensor).
    /// </summary>
    private static void AssertEqual(double[] expected, Tensor actual)
    {
        var values = actual.ToDoubleArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++)
            if (!expected[i].Equals(values[i]))
                Assert.Fail($"element {i} of {values.Length}: expected {expected[i]:R}, got {values[i]:R}");
    }
}
