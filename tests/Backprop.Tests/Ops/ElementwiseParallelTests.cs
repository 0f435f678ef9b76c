using Backprop.Kernels;

namespace Backprop.Tests.Ops;

// Large contiguous elementwise ops are split across threads (ElementwiseParallel). The split must not change a
// single bit: each result is compared with the same op run on small slices, which take the one-thread loop.
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class ElementwiseParallelTests
{
    private const int N = ElementwiseParallel.MinElements * 2 + 17;   // several chunks and a ragged tail

    private static Tensor Values(ulong seed) => Tensor.Randn([N], generator: new Generator(seed));

    private static void AssertSameAsSlices(Tensor whole, Func<Tensor, Tensor, Tensor> op, Tensor a, Tensor b)
    {
        Assert.True(whole.Numel >= ElementwiseParallel.MinElements);
        var expected = new float[N];
        const int slice = 4099;   // below MinElements: the plain loop
        for (int start = 0; start < N; start += slice)
        {
            int length = Math.Min(slice, N - start);
            var part = op(a.Narrow(0, start, length).Contiguous(), b.Narrow(0, start, length).Contiguous()).ToArray<float>();
            Array.Copy(part, 0, expected, start, length);
        }
        Assert.Equal(expected, whole.ToArray<float>());
    }

    [Fact]
    public void Binary_ops_on_large_tensors_equal_the_one_thread_loop()
    {
        Tensor a = Values(1), b = Values(2);
        AssertSameAsSlices(a.Add(b), (x, y) => x.Add(y), a, b);
        AssertSameAsSlices(a.Sub(b), (x, y) => x.Sub(y), a, b);
        AssertSameAsSlices(a.Mul(b), (x, y) => x.Mul(y), a, b);
        AssertSameAsSlices(a.Div(b), (x, y) => x.Div(y), a, b);
    }

    [Fact]
    public void Scalar_on_either_side_of_a_large_tensor_equals_the_one_thread_loop()
    {
        Tensor a = Values(3), s = Tensor.Scalar(0.75, a);
        AssertSameAsSlices(a.Sub(s), (x, _) => x.Sub(s), a, a);
        AssertSameAsSlices(s.Sub(a), (x, _) => s.Sub(x), a, a);   // scalar first: order matters
        AssertSameAsSlices(s.Div(a), (x, _) => s.Div(x), a, a);
    }

    [Fact]
    public void Unary_ops_on_large_tensors_equal_the_one_thread_loop()
    {
        var a = Values(4);
        AssertSameAsSlices(a.Sigmoid(), (x, _) => x.Sigmoid(), a, a);
        AssertSameAsSlices(a.Exp(), (x, _) => x.Exp(), a, a);
        // A strided input is copied first, then transformed in place in parallel.
        var strided = Tensor.Randn([N, 2], generator: new Generator(5)).Select(1, 1);
        Assert.False(strided.IsContiguous);
        AssertSameAsSlices(strided.Tanh(), (x, _) => x.Tanh(), strided, strided);
    }

    [Fact]
    public void Sigmoid_and_tanh_backward_on_large_tensors_match_the_formulas()
    {
        var x = Values(6).RequiresGrad_();
        var g = Values(7);
        x.Sigmoid().Backward(g);
        var y = x.Detach().Sigmoid().ToArray<float>();
        var gs = g.ToArray<float>();
        var expected = new float[N];
        for (int i = 0; i < N; i++) expected[i] = gs[i] * (1 - y[i]) * y[i];   // torch's sigmoid_backward order
        Assert.Equal(expected, x.Grad!.ToArray<float>());

        x.Grad = null;
        x.Tanh().Sum().Backward();   // the gradient arrives expanded from a scalar
        var t = x.Detach().Tanh().ToArray<float>();
        for (int i = 0; i < N; i++) expected[i] = 1 - t[i] * t[i];
        Assert.Equal(expected, x.Grad!.ToArray<float>());
    }
}
