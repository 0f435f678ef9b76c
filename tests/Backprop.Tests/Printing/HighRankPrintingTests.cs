namespace Backprop.Tests.Printing;

// High ranks print as PyTorch 1.13 prints them (str(t) for the same tensor, default options): the printer walks the
// dims with a position per dim, not a recursion per dim, so a rank that PyTorch itself cannot print (it raises
// RecursionError near 300 dims) prints too instead of overflowing the stack.
public sealed class HighRankPrintingTests
{
    private static int[] Ones(int n) => Enumerable.Repeat(1, n).ToArray();

    [Fact]
    public void A_200_dim_tensor_prints_as_torch_does()
    {
        Assert.Equal("tensor(" + new string('[', 200) + "0." + new string(']', 200) + ")", Tensor.Zeros(Ones(200)).ToString());
        Assert.Equal("tensor(" + new string('[', 200) + "0." + new string(']', 200) + ",\n       dtype=torch.float64, requires_grad=True)",
            Tensor.Zeros(Ones(200), DType.Float64).RequiresGrad_().ToString());
    }

    [Fact]
    public void Blocks_of_a_high_rank_tensor_are_separated_by_rank_minus_one_newlines_as_in_torch()
    {
        // torch.arange(6, dtype=torch.float64).reshape([2] + [1]*10 + [3])
        Assert.Equal("tensor([[[[[[[[[[[[0., 1., 2.]]]]]]]]]]],\n\n\n\n\n\n\n\n\n\n\n        [[[[[[[[[[[3., 4., 5.]]]]]]]]]]]], dtype=torch.float64)",
            Tensor.Arange(0, 6, dtype: DType.Float64).Reshape([2, .. Ones(10), 3]).ToString());
        // torch.arange(24).reshape([2, 3] + [1]*40 + [4])
        Assert.Equal("tensor([[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ 0,  1,  2,  3]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n         [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ 4,  5,  6,  7]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n         [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ 8,  9, 10, 11]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n        [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[12, 13, 14, 15]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n         [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[16, 17, 18, 19]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n         [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[20, 21, 22, 23]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]])",
            Tensor.Arange(24).Reshape([2, 3, .. Ones(40), 4]).ToString());
    }

    [Fact]
    public void A_summarised_high_rank_tensor_prints_as_torch_does()
    {
        // torch.arange(2002, dtype=torch.float32).reshape([2, 1, 1, 1001]) / 7
        Assert.Equal("tensor([[[[0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 1.4257e+02,\n           1.4271e+02, 1.4286e+02]]],\n\n\n        [[[1.4300e+02, 1.4314e+02, 1.4329e+02,  ..., 2.8557e+02,\n           2.8571e+02, 2.8586e+02]]]])",
            (Tensor.Arange(0, 2002, dtype: DType.Float32).Reshape(2, 1, 1, 1001) / 7).ToString());
    }

    [Fact]
    public void A_30000_dim_tensor_prints_without_overflowing_the_stack_in_linear_time()
    {
        // PyTorch raises RecursionError here; the text is the one its rule gives, and it costs one pass.
        long before = GC.GetAllocatedBytesForCurrentThread();
        string text = Tensor.Zeros(Ones(30_000)).ToString();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("tensor(" + new string('[', 30_000) + "0." + new string(']', 30_000) + ")", text);
        Assert.True(allocated < 64L << 20, $"printing allocated {allocated} bytes: quadratic in the rank?");
    }
}
