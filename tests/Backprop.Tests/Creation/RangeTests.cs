using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Backprop;

namespace Backprop.Tests.Creation;

// Expected values are PyTorch 1.13's (torch.arange / torch.linspace / torch.eye), compared bit for bit.
public class RangeTests
{
    private static void Exact(double[] expected, Tensor actual) => Assert.Equal(expected, actual.ToDoubleArray());

    private static string Sha256<T>(Tensor t) where T : unmanaged
        => Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes<T>(t.ToArray<T>())));

    [Fact]
    public void Arange_of_integers_is_int64()
    {
        var t = Tensor.Arange(5);
        Assert.Equal(DType.Int64, t.DType);
        Assert.Equal([0L, 1, 2, 3, 4], t.ToArray<long>());
        Assert.Equal([0L, 2, 4], Tensor.Arange(0, 5, 2).ToArray<long>());
        Assert.Equal([10L, 7, 4, 1], Tensor.Arange(10, 0, -3).ToArray<long>());
        Assert.Equal([-3L, -2, -1], Tensor.Arange(-3, 0).ToArray<long>());
        Assert.Equal([0L, -1, -2], Tensor.Arange(0, -3, -1).ToArray<long>());
    }

    [Fact]
    public void Arange_with_a_fractional_argument_is_float32()
    {
        var t = Tensor.Arange(0.5, 3.0, 0.3);
        Assert.Equal(DType.Float32, t.DType);
        Exact([0.5, 0.800000011920929, 1.100000023841858, 1.399999976158142, 1.7000000476837158, 2.0, 2.299999952316284,
               2.5999999046325684, 2.9000000953674316], t);
        Exact([0.0, 0.25, 0.5, 0.75], Tensor.Arange(0, 1, 0.25));
        Assert.Equal(DType.Float32, Tensor.Arange(3.0).DType);
        Exact([0.0], Tensor.Arange(1e-3));
    }

    [Fact]
    public void Arange_length_is_ceil_of_range_over_step()
    {
        Assert.Equal(4, Tensor.Arange(0, 1, 0.3).Numel);
        Assert.Equal(0, Tensor.Arange(3, 3).Numel);
        Exact([1.2999999523162842, 0.6000000238418579, -0.10000000149011612, -0.800000011920929, -1.5], Tensor.Arange(1.3, -2, -0.7));
        Assert.Equal(4015, Tensor.Arange(-3.7, 51.3, 0.0137).Numel);
    }

    [Fact]
    public void Arange_float64_matches_torch_bits()
    {
        var t = Tensor.Arange(-1.0, 1.0, 0.1, DType.Float64);
        Exact([-1.0, -0.9, -0.8, -0.7, -0.6, -0.5, -0.39999999999999997, -0.29999999999999993, -0.19999999999999996,
               -0.09999999999999995, 5.551115123125783e-17, 0.10000000000000006, 0.20000000000000007, 0.30000000000000004,
               0.4000000000000001, 0.5000000000000001, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9000000000000001], t);
        Assert.Equal("e8f52a0878af1be60808e0a6679c22acbc5a56a98406325e8711f774c657b11e", Sha256<double>(Tensor.Arange(-3.7, 51.3, 0.0137, DType.Float64)));
        Assert.Equal("ebe8ca419ce52f11917d31ca89f3d7fc61d5976690ff3819c5bd1ebb2f54bf8f", Sha256<float>(Tensor.Arange(-3.7, 51.3, 0.0137)));
    }

    [Fact]
    public void Arange_takes_an_explicit_dtype()
    {
        var f = Tensor.Arange(0, 5, dtype: DType.Float64);
        Assert.Equal(DType.Float64, f.DType);
        Exact([0, 1, 2, 3, 4], f);
        var i = Tensor.Arange(0.5, 3.7, dtype: DType.Int64);   // bounds truncated first, as torch does
        Assert.Equal([0L, 1, 2], i.ToArray<long>());
    }

    [Fact]
    public void Arange_rejects_zero_step_and_inconsistent_sign()
    {
        Assert.Contains("step must be nonzero", Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 1, 0)).Message);
        Assert.Contains("upper bound and larger bound inconsistent with step sign", Assert.Throws<ArgumentException>(() => Tensor.Arange(1, 0)).Message);
        Assert.Contains("upper bound and larger bound inconsistent with step sign", Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 1, -0.1)).Message);
        Assert.Contains("upper bound and larger bound inconsistent with step sign", Assert.Throws<ArgumentException>(() => Tensor.Arange(-2.5)).Message);
        Assert.Contains("step must be nonzero", Assert.Throws<ArgumentException>(() => Tensor.Arange(0, 2, 0.5, DType.Int64)).Message);
    }

    [Fact]
    public void Linspace_counts_from_both_ends_like_torch()
    {
        Exact([-1.2999999523162842, -1.0899999141693115, -0.8799999952316284, -0.6699999570846558, -0.4599999785423279, -0.25,
               -0.039999961853027344, 0.16999995708465576, 0.3799999952316284, 0.5899999737739563, 0.7999999523162842,
               1.0099999904632568, 1.2200000286102295, 1.4299999475479126, 1.6399999856948853, 1.8499999046325684,
               2.06000018119812, 2.2700002193450928, 2.4800000190734863, 2.690000057220459, 2.9000000953674316], Tensor.Linspace(-1.3, 2.9, 21));
        Exact([-1.0, -0.3333333134651184, 0.3333333134651184, 1.0], Tensor.Linspace(-1, 1, 4));
        Exact([0.0, 2.5, 5.0, 7.5, 10.0], Tensor.Linspace(0, 10, 5));
    }

    [Fact]
    public void Linspace_matches_torch_bits_for_each_dtype()
    {
        Assert.Equal("51a2b444618c2e76dcd128b530273f566647cf0a31406c030933286d79ef0185", Sha256<float>(Tensor.Linspace(-3.7, 11.3, 1001)));
        Assert.Equal("51878845ec0300645ce96103522e06d9270a51012fdd1d8e501622911f9fdfd8", Sha256<double>(Tensor.Linspace(-3.7, 11.3, 1001, DType.Float64)));
        Assert.Equal("acd2bdde143331a802fdf403bc72a112a1c1923b1e07d0c5c6e921ea863ba16c", Sha256<long>(Tensor.Linspace(-37, 1130, 1001, DType.Int64)));
        Exact([0.5444444444444445, 0.5666666666666668, 0.5888888888888889, 0.6111111111111112, 0.6333333333333333,
               0.6555555555555556, 0.6777777777777777, 0.7, 0.7222222222222222, 0.7444444444444445],
              Tensor.Linspace(0.1, 0.9, 37, DType.Float64).Slice(0, 20, 30));
    }

    [Fact]
    public void Linspace_edge_sizes_and_integer_truncation()
    {
        Exact([0.0], Tensor.Linspace(0, 1, 1));
        Assert.Equal(0, Tensor.Linspace(0, 1, 0).Numel);
        Assert.Equal([0L, 0, 0, 0, 1], Tensor.Linspace(0, 1, 5, DType.Int64).ToArray<long>());
        Assert.Equal([-1L, 0, 0, 1], Tensor.Linspace(-1, 1, 4, DType.Int64).ToArray<long>());
        Assert.Contains("number of steps must be non-negative", Assert.Throws<ArgumentException>(() => Tensor.Linspace(0, 1, -1)).Message);
    }

    [Fact]
    public void Eye_puts_ones_on_the_diagonal()
    {
        var e = Tensor.Eye(3);
        TensorAssert.Shape([3, 3], e);
        Assert.Equal(DType.Float32, e.DType);
        Exact([1, 0, 0, 0, 1, 0, 0, 0, 1], e);
        var r = Tensor.Eye(2, 4, DType.Int64);
        TensorAssert.Shape([2, 4], r);
        Assert.Equal([1L, 0, 0, 0, 0, 1, 0, 0], r.ToArray<long>());
        Assert.Equal([true, false, false, true], Tensor.Eye(2, dtype: DType.Bool).ToArray<bool>());
        TensorAssert.Shape([3, 0], Tensor.Eye(3, 0));
        TensorAssert.Shape([0, 0], Tensor.Eye(0));
    }

    [Fact]
    public void Eye_rejects_negative_sizes()
    {
        Assert.Contains("n must be greater or equal to 0, got -1", Assert.Throws<ArgumentException>(() => Tensor.Eye(-1)).Message);
        Assert.Contains("m must be greater or equal to 0, got -1", Assert.Throws<ArgumentException>(() => Tensor.Eye(2, -1)).Message);
    }
}
