using Backprop;

namespace Backprop.Tests.Convolution;

// The convolution's kernels (per-sample im2col + GEMM, samples across threads; the fused backward taken when the
// backward is not recorded, the composed one under createGraph) against the definition, summed term by term:
// y[n, o, i, j] = b[o] + Σ x[n, c, i·sH − pH + ki·dH, j·sW − pW + kj·dW] · w[o, c − g·C/G, ki, kj] over the group's
// channels c and the taps (ki, kj), zero outside the input.
public class ConvolutionKernelTests
{
    /// <summary>One convolution: input [N, C, H, W], weight [O, C/groups, kH, kW]; padding before (and "same" when asked).</summary>
    public sealed record Case(int N, int C, int H, int W, int O, int KH, int KW, int SH = 1, int SW = 1, int PH = 0, int PW = 0,
        int DH = 1, int DW = 1, int Groups = 1, bool Bias = true, bool Same = false)
    {
        public override string ToString() =>
            $"x[{N},{C},{H},{W}] w[{O},{C / Groups},{KH},{KW}] s({SH},{SW}) p({PH},{PW}){(Same ? " same" : "")} d({DH},{DW}) g{Groups}{(Bias ? " bias" : "")}";
    }

    public static TheoryData<Case, DType> Cases()
    {
        Case[] cases =
        [
            new(16, 1, 28, 28, 16, 5, 5, PH: 2, PW: 2),               // the Fashion-MNIST CNN's first layer
            new(9, 16, 14, 14, 32, 5, 5, PH: 2, PW: 2),               // and its second (9 samples: uneven units)
            new(1, 3, 7, 9, 4, 3, 3, PH: 1, PW: 1),                   // one sample: the products go parallel instead
            new(13, 3, 11, 6, 5, 3, 2, SH: 2, SW: 3, PH: 1, PW: 1),   // odd batch (uneven units), strides
            new(3, 2, 9, 10, 3, 2, 3, DH: 2, DW: 3, PH: 2, PW: 1),    // dilation
            new(3, 2, 9, 8, 3, 3, 3, SH: 2, DH: 2, PH: 1, PW: 1),     // strided and dilated rows, unit column stride
            new(5, 4, 8, 8, 6, 3, 3, Groups: 2, PH: 1, PW: 1),        // groups
            new(2, 6, 7, 5, 3, 1, 1, Groups: 3, Bias: false),         // 1×1, groups, no bias
            new(4, 2, 5, 6, 3, 4, 3, DW: 2, Same: true),              // "same": more padding after than before
            new(2, 3, 6, 17, 2, 2, 5, SW: 2, PW: 3),                  // wide rows, padding past half the kernel
            new(3, 2, 4, 4, 3, 4, 4, PH: 0, PW: 0),                   // one output position
            new(2, 2, 48, 50, 3, 3, 3, PH: 1, PW: 1),                 // 2,400 positions: dW by the packed GEMM, not row dot products
        ];
        var data = new TheoryData<Case, DType>();
        foreach (var c in cases)
        {
            data.Add(c, DType.Float32);
            data.Add(c, DType.Float64);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_backward_match_the_definition(Case c, DType dtype)
    {
        var (x, w, b, gout) = Inputs(c, dtype);
        var y = Conv(c, x, w, b);
        var (ry, rdx, rdw, rdb) = Reference(c, x, w, b, gout);
        AssertClose(ry, y, dtype);
        y.Backward(gout);
        AssertClose(rdx, x.Grad!, dtype);
        AssertClose(rdw, w.Grad!, dtype);
        if (b is not null) AssertClose(rdb, b.Grad!, dtype);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Recorded_backward_under_createGraph_matches_the_definition(Case c, DType dtype)
    {
        var (x, w, b, gout) = Inputs(c, dtype);
        var y = Conv(c, x, w, b);
        var (_, rdx, rdw, rdb) = Reference(c, x, w, b, gout);
        Tensor[] inputs = b is null ? [x, w] : [x, w, b];
        var grads = Autograd.Grad([y], inputs, [gout], createGraph: true);
        Assert.NotNull(grads[1]!.GradFn);   // recorded: the composed rule ran
        AssertClose(rdx, grads[0]!, dtype);
        AssertClose(rdw, grads[1]!, dtype);
        if (b is not null) AssertClose(rdb, grads[2]!, dtype);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void Non_contiguous_input_weight_bias_and_gradient_are_read_correctly(DType dtype)
    {
        var c = new Case(6, 3, 7, 8, 4, 3, 2, SH: 2, PH: 1, PW: 1);
        var (x, w, b, gout) = Inputs(c, dtype);
        // The same values through views: x channels-last, w with its taps transposed, b a strided slice, the
        // incoming gradient transposed in memory.
        var xv = x.Detach().Permute(0, 2, 3, 1).Contiguous().Permute(0, 3, 1, 2).RequiresGrad_();
        var wv = w.Detach().Transpose(2, 3).Contiguous().Transpose(2, 3).RequiresGrad_();
        var bStore = Tensor.Zeros([8], dtype);
        bStore.Slice(0, step: 2).Copy_(b!.Detach());
        var bv = bStore.RequiresGrad_().Slice(0, step: 2);
        var gv = gout.Transpose(2, 3).Contiguous().Transpose(2, 3);
        Assert.False(xv.IsContiguous || wv.IsContiguous || bv.IsContiguous || gv.IsContiguous);
        var y = Conv(c, xv, wv, bv);
        var (ry, rdx, rdw, rdb) = Reference(c, x, w, b, gout);
        AssertClose(ry, y, dtype);
        y.Backward(gv);
        AssertClose(rdx, xv.Grad!, dtype);
        AssertClose(rdw, wv.Grad!, dtype);
        AssertClose(rdb, bStore.Grad!.Slice(0, step: 2), dtype);
    }

    [Fact]
    public void Expanded_gradient_from_a_sum_gives_the_definition()
    {
        // sum()'s backward hands the convolution a gradient expanded from one element (all strides 0).
        var c = new Case(3, 2, 6, 5, 3, 3, 3, PH: 1, PW: 1);
        var (x, w, b, _) = Inputs(c, DType.Float64);
        var ones = Tensor.Ones([3, 3, 6, 5], DType.Float64);
        var (_, rdx, rdw, rdb) = Reference(c, x, w, b, ones);
        Conv(c, x, w, b).Sum().Backward();
        AssertClose(rdx, x.Grad!, DType.Float64);
        AssertClose(rdw, w.Grad!, DType.Float64);
        AssertClose(rdb, b!.Grad!, DType.Float64);
    }

    [Fact]
    public void Only_the_inputs_that_require_grad_get_gradients()
    {
        var c = new Case(4, 2, 6, 6, 3, 3, 3, PH: 1, PW: 1);
        var (x, w, b, gout) = Inputs(c, DType.Float64);
        var (_, rdx, rdw, rdb) = Reference(c, x, w, b, gout);
        // A first layer: the images need no gradient.
        var image = x.Detach();
        Conv(c, image, w, b).Backward(gout);
        Assert.Null(image.Grad);
        AssertClose(rdw, w.Grad!, DType.Float64);
        AssertClose(rdb, b!.Grad!, DType.Float64);
        // Frozen weights: only the input's gradient.
        var frozen = w.Detach();
        Conv(c, x, frozen, null).Backward(gout);
        AssertClose(rdx, x.Grad!, DType.Float64);
        Assert.Null(frozen.Grad);
    }

    [Fact]
    public void Weight_and_bias_gradients_are_deterministic()
    {
        // The per-unit partial sums of dW are added in unit order: two runs give identical bits.
        var c = new Case(37, 3, 9, 9, 5, 3, 3, PH: 1, PW: 1);
        var (x1, w1, b1, gout) = Inputs(c, DType.Float32);
        var (x2, w2, b2, _) = Inputs(c, DType.Float32);
        Conv(c, x1, w1, b1).Backward(gout);
        Conv(c, x2, w2, b2).Backward(gout);
        Assert.Equal(w1.Grad!.ToArray<float>(), w2.Grad!.ToArray<float>());
        Assert.Equal(b1!.Grad!.ToArray<float>(), b2!.Grad!.ToArray<float>());
    }

    [Fact]
    public void Unfold_and_fold_match_the_definition_with_strides_padding_dilation_and_views()
    {
        // Unfold: column (i, j) of row (ch·kH + ki)·kW + kj holds x[ch, i·sH − pH + ki·dH, j·sW − pW + kj·dW]
        // (0 outside); Fold adds each entry back to that place.
        var x = TensorAssert.Leaf(2, 3, 7, 6);
        var view = x.Transpose(2, 3);   // [2, 3, 6, 7], not contiguous
        int kh = 2, kw = 3, sh = 2, sw = 3, ph = 1, pw = 2, dh = 2, dw = 1;
        var cols = Tensor.Unfold(view, (kh, kw), (dh, dw), (ph, pw), (sh, sw));
        int outH = (6 + 2 * ph - dh * (kh - 1) - 1) / sh + 1, outW = (7 + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        TensorAssert.Shape([2, 3 * kh * kw, outH * outW], cols);
        var xs = view.ToDoubleArray();
        var expected = new double[2 * 3 * kh * kw * outH * outW];
        var g = TensorAssert.Seq(2, 3 * kh * kw, outH * outW).ToDoubleArray();
        var folded = new double[2 * 3 * 6 * 7];
        int e = 0;
        for (int n = 0; n < 2; n++)
            for (int ch = 0; ch < 3; ch++)
                for (int ki = 0; ki < kh; ki++)
                    for (int kj = 0; kj < kw; kj++)
                        for (int i = 0; i < outH; i++)
                            for (int j = 0; j < outW; j++, e++)
                            {
                                int ih = i * sh - ph + ki * dh, iw = j * sw - pw + kj * dw;
                                if (ih < 0 || ih >= 6 || iw < 0 || iw >= 7) continue;
                                int at = ((n * 3 + ch) * 6 + ih) * 7 + iw;
                                expected[e] = xs[at];
                                folded[at] += g[e];
                            }
        TensorAssert.Close(expected, cols, 0, 0);
        var fold = Tensor.Fold(TensorAssert.Seq(2, 3 * kh * kw, outH * outW), (6, 7), (kh, kw), (dh, dw), (ph, pw), (sh, sw));
        TensorAssert.Close([2, 3, 6, 7], folded, fold, 1e-12, 1e-12);
    }

    private static Tensor Conv(Case c, Tensor x, Tensor w, Tensor? b) => c.Same
        ? Tensor.Conv2d(x, w, b, (c.SH, c.SW), "same", (c.DH, c.DW), c.Groups)
        : Tensor.Conv2d(x, w, b, (c.SH, c.SW), (c.PH, c.PW), (c.DH, c.DW), c.Groups);

    private static (int OutH, int OutW, int PadH, int PadW) Output(Case c)
    {
        if (c.Same) return (c.H, c.W, c.DH * (c.KH - 1) / 2, c.DW * (c.KW - 1) / 2);
        return ((c.H + 2 * c.PH - c.DH * (c.KH - 1) - 1) / c.SH + 1, (c.W + 2 * c.PW - c.DW * (c.KW - 1) - 1) / c.SW + 1, c.PH, c.PW);
    }

    private static (Tensor X, Tensor W, Tensor? B, Tensor GOut) Inputs(Case c, DType dtype)
    {
        var (outH, outW, _, _) = Output(c);
        var x = Values([c.N, c.C, c.H, c.W], 0.3, dtype).RequiresGrad_();
        var w = Values([c.O, c.C / c.Groups, c.KH, c.KW], 1.1, dtype).RequiresGrad_();
        var b = c.Bias ? Values([c.O], 2.3, dtype).RequiresGrad_() : null;
        return (x, w, b, Values([c.N, c.O, outH, outW], 0.7, dtype));
    }

    /// <summary>Smooth, distinct values in (−1, 1), exact in Float32.</summary>
    private static Tensor Values(int[] shape, double phase, DType dtype)
    {
        int n = 1;
        foreach (var s in shape) n *= s;
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (float)Math.Sin(0.37 * i + phase);
        return Tensor.From(v, shape).To(dtype);
    }

    /// <summary>A reference value and the sum of its terms' magnitudes, which bounds a float sum's rounding error.</summary>
    private readonly record struct Expected(double[] Values, double[] Magnitudes);

    /// <summary>The convolution and its gradients for the upstream gradient gout, summed term by term in Float64.</summary>
    private static (Expected Y, Expected DX, Expected DW, Expected DB) Reference(Case c, Tensor xt, Tensor wt, Tensor? bt, Tensor goutT)
    {
        var (outH, outW, padH, padW) = Output(c);
        double[] x = xt.ToDoubleArray(), w = wt.ToDoubleArray(), g = goutT.ToDoubleArray();
        double[]? b = bt?.ToDoubleArray();
        int cg = c.C / c.Groups, og = c.O / c.Groups;
        var y = new double[c.N * c.O * outH * outW];
        var dx = new double[x.Length];
        var dw = new double[w.Length];
        var db = new double[c.O];
        var (my, mdx, mdw, mdb) = (new double[y.Length], new double[dx.Length], new double[dw.Length], new double[db.Length]);
        for (int n = 0; n < c.N; n++)
            for (int o = 0; o < c.O; o++)
                for (int i = 0; i < outH; i++)
                    for (int j = 0; j < outW; j++)
                    {
                        int yi = ((n * c.O + o) * outH + i) * outW + j;
                        double sum = b?[o] ?? 0, go = g[yi], magnitude = Math.Abs(sum);
                        db[o] += go;
                        mdb[o] += Math.Abs(go);
                        for (int ci = 0; ci < cg; ci++)
                            for (int ki = 0; ki < c.KH; ki++)
                                for (int kj = 0; kj < c.KW; kj++)
                                {
                                    int ih = i * c.SH - padH + ki * c.DH, iw = j * c.SW - padW + kj * c.DW;
                                    if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
                                    int xi = ((n * c.C + o / og * cg + ci) * c.H + ih) * c.W + iw;
                                    int wi = ((o * cg + ci) * c.KH + ki) * c.KW + kj;
                                    sum += x[xi] * w[wi];
                                    dx[xi] += go * w[wi];
                                    dw[wi] += go * x[xi];
                                    magnitude += Math.Abs(x[xi] * w[wi]);
                                    mdx[xi] += Math.Abs(go * w[wi]);
                                    mdw[wi] += Math.Abs(go * x[xi]);
                                }
                        y[yi] = sum;
                        my[yi] = magnitude;
                    }
        return (new(y, my), new(dx, mdx), new(dw, mdw), new(db, mdb));
    }

    /// <summary>
    /// Each element within a small multiple of its terms' magnitudes (a float sum's rounding error grows with them,
    /// not with the result, which may cancel to near 0): 1e-6 of them in Float32 (ε ≈ 6e-8), 1e-12 in Float64.
    /// </summary>
    private static void AssertClose(Expected expected, Tensor actual, DType dtype)
    {
        Assert.Equal(dtype, actual.DType);
        double tol = dtype == DType.Float32 ? 1e-6 : 1e-12;
        // Element by element here: TensorAssert.Close formats the whole tensor into every assertion's message,
        // quadratic in the size of these batch-sized tensors.
        var values = actual.ToDoubleArray();
        Assert.Equal(expected.Values.Length, values.Length);
        for (int i = 0; i < values.Length; i++)
            if (!(Math.Abs(expected.Values[i] - values[i]) <= tol * (1 + expected.Magnitudes[i])))
                Assert.Fail($"element {i} of {values.Length}: expected {expected.Values[i]:R} (terms' magnitudes {expected.Magnitudes[i]:R}), got {values[i]:R}");
    }
}
