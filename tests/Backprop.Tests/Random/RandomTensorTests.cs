using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Backprop;

namespace Backprop.Tests.RandomTests;

// Expected numbers are PyTorch 1.13's (python3-torch, CPU) after the same torch.manual_seed: bit-exact.
// Each test uses its own Generator, so tests running in parallel do not share a stream.
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class RandomTensorTests
{
    private static void Exact(double[] expected, Tensor actual) => Assert.Equal(expected, actual.ToDoubleArray());

    private static string Sha256<T>(Tensor t) where T : unmanaged
        => Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes<T>(t.Contiguous().ToArray<T>())));

    [Fact]
    public void Rand_float32_matches_torch_after_seed_0()
    {
        var t = Tensor.Rand([5], generator: new Generator(0));
        Assert.Equal(DType.Float32, t.DType);
        Exact([0.49625658988952637, 0.7682217955589294, 0.08847743272781372, 0.13203048706054688, 0.30742281675338745], t);
    }

    [Fact]
    public void Rand_float64_matches_torch_after_seed_0()
    {
        var t = Tensor.Rand([5], DType.Float64, new Generator(0));
        Exact([0.9700530018065531, 0.707819864399788, 0.45938294312745087, 0.9207476841219603, 0.6450241201227648], t);
    }

    [Fact]
    public void Randn_below_16_elements_matches_torch_serial_sampler()
    {
        var t = Tensor.Randn([5], generator: new Generator(0));
        Exact([1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991, -1.0845223665237427], t);
    }

    [Fact]
    public void Randn_of_20_uses_the_16_block_path_and_matches_torch()
    {
        var t = Tensor.Randn([20], generator: new Generator(0));
        Exact([-1.1258398294448853, -1.152360200881958, -0.2505785822868347, -0.4338788092136383, 0.5988394618034363,
               -1.5550950765609741, -0.3413603901863098, 1.85300612449646, 0.46809640526771545, -0.1577124446630478,
               1.4436601400375366, 0.26604941487312317, 1.3893661499023438, 1.586334228515625, 0.946298360824585,
               -0.843676745891571, 0.9318265914916992, 1.2590092420578003, 2.0049805641174316, 0.05373690277338028], t);
    }

    [Fact]
    public void Randn_float64_of_20_matches_torch()
    {
        var t = Tensor.Randn([20], DType.Float64, new Generator(0));
        Exact([-2.310411800234176, -0.3732508612577643, -1.0608166785462863, 0.9995093547811761, -0.019964750907762653,
               0.2102998901016947, 0.17718935139366584, -0.830510051008449, 0.23871805816817063, 0.7335283685272841,
               -1.3218818291421377, 1.3148113651971234, -0.6870036940435463, 1.4880743158106724, -0.4484158047114511,
               -0.8910030351707375, 0.6748575435940039, 1.0468653769814655, 0.15429517864658948, -0.7498915228391941], t);
    }

    [Fact]
    public void Large_tensors_are_bit_exact_with_torch()
    {
        Assert.Equal("d4829090c66053f5d7a495527dc6d95b16d28d0b91ae696106125a23059cb17b", Sha256<float>(Tensor.Randn([10007], generator: new Generator(7))));
        Assert.Equal("e1a1aec1bb2908993818b5bdd83f64d22323b9460b0652e3464702ba112815fa", Sha256<double>(Tensor.Randn([1003], DType.Float64, new Generator(7))));
        Assert.Equal("40cacda114f1760498f20d49808fe951c51204436482f5a7236815c415e3cfb5", Sha256<float>(Tensor.Rand([1000], generator: new Generator(7))));
        Assert.Equal("f1da82586e18309a0fd2353604d48ce076da78cac2f3d876db750b0f59bc0fdf", Sha256<long>(Tensor.RandPerm(1000, new Generator(7))));
        Assert.Equal("bafbd001ae4faee891a5390aff7bb541f3378bafb5c35e93464d91d4f3b7e8f0", Sha256<long>(Tensor.RandInt(-50, 50, [999], generator: new Generator(7))));
    }

    [Fact]
    public void The_cached_box_muller_value_carries_over_to_the_next_call()
    {
        var g = new Generator(0);
        Exact([1.5409960746765137, -0.293428897857666, -2.1787893772125244], Tensor.Randn([3], generator: g));
        Exact([0.5684312582015991, -1.0845223665237427, -1.3985954523086548], Tensor.Randn([3], generator: g));
    }

    [Fact]
    public void One_generator_feeds_consecutive_calls_like_torch()
    {
        var g = new Generator(42);
        Exact([0.8822692632675171, 0.9150039553642273, 0.38286375999450684], Tensor.Rand([3], generator: g));
        var n = Tensor.Randn([2, 3], DType.Float64, g);
        TensorAssert.Shape([2, 3], n);
        Exact([-0.8293191865182478, -1.6137069712013394, -0.21470453472074932, 0.29893549051188345, -0.010696421806068576, -1.249178639092882], n);
    }

    [Fact]
    public void RandInt_matches_torch()
    {
        var a = Tensor.RandInt(0, 10, [10], generator: new Generator(0));
        Assert.Equal(DType.Int64, a.DType);
        Assert.Equal([4L, 9, 3, 0, 3, 9, 7, 3, 7, 3], a.ToArray<long>());
        var b = Tensor.RandInt(-3, 4, [2, 3], generator: new Generator(0));
        TensorAssert.Shape([2, 3], b);
        Assert.Equal([1L, 0, -3, -1, -2, -1], b.ToArray<long>());
    }

    [Fact]
    public void RandInt_with_a_range_of_2_to_the_40_draws_64_bits_like_torch()
    {
        var t = Tensor.RandInt(0, 1L << 40, [3], generator: new Generator(0));
        Assert.Equal([741280623151L, 506137267392, 291447657211], t.ToArray<long>());
    }

    [Fact]
    public void RandPerm_matches_torch_and_is_a_permutation()
    {
        Assert.Equal([4L, 1, 7, 5, 3, 9, 0, 8, 6, 2], Tensor.RandPerm(10, new Generator(0)).ToArray<long>());
        var p = Tensor.RandPerm(500, new Generator(123)).ToArray<long>();
        Array.Sort(p);
        for (int i = 0; i < p.Length; i++) Assert.Equal(i, p[i]);
        Assert.Equal(0, Tensor.RandPerm(0).Numel);
        Assert.Equal([0L], Tensor.RandPerm(1).ToArray<long>());
    }

    [Fact]
    public void Normal_on_a_strided_view_uses_the_serial_sampler_like_torch()
    {
        var x = Tensor.Zeros(37, 3).Select(1, 1);
        x.Normal_(0.5, 2.0, new Generator(7));
        Exact([0.20640981197357178, 2.072282552719116, 2.3936431407928467, -1.7286880016326904], x.Slice(0, 0, 4));
        Assert.Equal("f67f445a0d35f90ed9279e7e15f31f14858bdd2e98f612acabd58b866bf9ba03", Sha256<float>(x));
    }

    [Fact]
    public void In_place_fills_match_torch()
    {
        var t = Tensor.Zeros(3, 40).Transpose(0, 1);   // torch fills a transposed view in memory order
        t.Uniform_(-0.25, 0.75, new Generator(7));
        Assert.Equal("49b99029f8a4ae8726c92b5ca67570e890ecece0e5b5facbdc96a18f5e925524", Sha256<float>(t.Transpose(0, 1)));
        var n = Tensor.Zeros(100);
        n.Normal_(0.5, 2.0, new Generator(7));
        Assert.Equal("88050e43e25fa78568d26945c71504a20df27778a2d3e636b736ef9510ae4c78", Sha256<float>(n));
        var u = Tensor.Zeros([100], DType.Float64);
        u.Uniform_(-3, 5, new Generator(7));
        Assert.Equal("231504c2b18a1d90e6127ccfc58ec684658822788e0318d3bdabecb800b24a97", Sha256<double>(u));
    }

    [Fact]
    public void Values_lie_in_range_with_the_requested_shape_and_dtype()
    {
        var g = new Generator(5);
        var r = Tensor.Rand([4, 50], DType.Float64, g);
        TensorAssert.Shape([4, 50], r);
        Assert.Equal(DType.Float64, r.DType);
        Assert.All(r.ToArray<double>(), v => Assert.InRange(v, 0.0, 0.9999999999999999));
        var i = Tensor.RandInt(-2, 3, [1000], generator: g).ToArray<long>();
        Assert.All(i, v => Assert.InRange(v, -2L, 2L));
        Assert.Contains(-2L, i);
        Assert.Contains(2L, i);
        var u = Tensor.Zeros(300).Uniform_(2, 2.5, g).ToArray<float>();
        Assert.All(u, v => Assert.InRange(v, 2f, 2.5f));
        var f = Tensor.RandInt(5, [7], DType.Float32, g);
        Assert.Equal(DType.Float32, f.DType);
        Assert.All(f.ToArray<float>(), v => Assert.True(v is >= 0 and < 5 && float.IsInteger(v)));
    }

    [Fact]
    public void Randn_has_roughly_zero_mean_and_unit_variance()
    {
        var x = Tensor.Randn([20000], DType.Float64, new Generator(11)).ToArray<double>();
        double mean = x.Average(), variance = x.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(variance, 0.95, 1.05);
    }

    [Fact]
    public void Like_variants_take_shape_and_dtype_from_the_other_tensor()
    {
        var other = Tensor.Zeros([2, 3], DType.Float64);
        var r = Tensor.RandLike(other, generator: new Generator(1));
        TensorAssert.Shape([2, 3], r);
        Assert.Equal(DType.Float64, r.DType);
        var n = Tensor.RandnLike(other, DType.Float32, new Generator(1));
        Assert.Equal(DType.Float32, n.DType);
        TensorAssert.Shape([2, 3], n);
        var i = Tensor.RandIntLike(Tensor.Zeros([4], DType.Int64), 0, 3, generator: new Generator(1));
        Assert.Equal(DType.Int64, i.DType);
    }

    [Fact]
    public void Params_overloads_make_float32_tensors()
    {
        var r = Tensor.Rand(2, 3);
        var n = Tensor.Randn(4);
        TensorAssert.Shape([2, 3], r);
        TensorAssert.Shape([4], n);
        Assert.Equal(DType.Float32, r.DType);
        Assert.Equal(DType.Float32, n.DType);
        TensorAssert.Shape([], Tensor.Rand());
    }

    [Fact]
    public void Errors_name_the_op_and_the_problem()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.RandInt(5, 5, [3]));
        Assert.Contains("random_ expects 'from' to be less than 'to', but got from=5 >= to=5", e.Message);
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => Tensor.Rand([2], DType.Int64)).Message);
        Assert.Contains("Randn", Assert.Throws<ArgumentException>(() => Tensor.Randn([2], DType.Bool)).Message);
        Assert.Contains("non-negative", Assert.Throws<ArgumentException>(() => Tensor.RandPerm(-1)).Message);
        Assert.Contains("negative dimension", Assert.Throws<ArgumentException>(() => Tensor.Rand(2, -1)).Message);
        Assert.Contains("from=1 > to=0", Assert.Throws<ArgumentException>(() => Tensor.Zeros(2).Uniform_(1, 0)).Message);
        Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(3).RequiresGrad_().Normal_());
    }
}
