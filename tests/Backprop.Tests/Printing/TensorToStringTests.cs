using Backprop;

namespace Backprop.Tests.Printing;

// Every expected string is str(t) from PyTorch 1.13 (python3-torch) for the same tensor, default print options.
[Collection("PrintOptions")]
public class TensorToStringTests
{
    private static void Prints(Tensor t, string expected) => Assert.Equal(expected, t.ToString());

    [Fact]
    public void Scalar_float32() => Prints(Tensor.From(0.5f), "tensor(0.5000)");

    [Fact]
    public void Scalar_float64() => Prints(Tensor.From(2.5), "tensor(2.5000, dtype=torch.float64)");

    [Fact]
    public void Scalar_int64() => Prints(Tensor.From(7L), "tensor(7)");

    [Fact]
    public void Scalar_bool() => Prints(Tensor.From(true), "tensor(True)");

    [Fact]
    public void Scalar_nan() => Prints(Tensor.From(float.NaN), "tensor(nan)");

    [Fact]
    public void Scalar_negative_inf() => Prints(Tensor.From(float.NegativeInfinity), "tensor(-inf)");

    [Fact]
    public void Scalar_small_is_scientific() => Prints(Tensor.From(1e-5f), "tensor(1.0000e-05)");

    [Fact]
    public void Vector_integer_valued_floats() => Prints(Tensor.From(new[] { 1f, 2f, 3f }), "tensor([1., 2., 3.])");

    [Fact]
    public void Vector_fixed_point() => Prints(Tensor.From(new[] { 0.1f, 0.25f, 3.14159f }), "tensor([0.1000, 0.2500, 3.1416])");

    [Fact]
    public void Vector_negative_alignment() => Prints(Tensor.From(new[] { -1.5f, 2.25f, 100.125f }), "tensor([ -1.5000,   2.2500, 100.1250])");

    [Fact]
    public void Vector_scientific_by_ratio() => Prints(Tensor.From(new[] { 1e-5f, 1e3f }), "tensor([1.0000e-05, 1.0000e+03])");

    [Fact]
    public void Vector_scientific_by_small_min() => Prints(Tensor.From(new[] { 0.00001f, 0.5f }), "tensor([1.0000e-05, 5.0000e-01])");

    [Fact]
    public void Vector_scientific_by_large_max() => Prints(Tensor.From(new[] { 123456789f, 2.5f }), "tensor([1.2346e+08, 2.5000e+00])");

    [Fact]
    public void Vector_integer_mode_scientific() => Prints(Tensor.From(new[] { 1f, 1e9f }), "tensor([1.0000e+00, 1.0000e+09])");

    [Fact]
    public void Vector_integer_mode_wide() => Prints(Tensor.From(new[] { -12f, 345f, 0f }), "tensor([-12., 345.,   0.])");

    [Fact]
    public void Vector_zeros() => Prints(Tensor.Zeros(3), "tensor([0., 0., 0.])");

    [Fact]
    public void Vector_negative_zero() => Prints(Tensor.From(new[] { 0f, -0f }), "tensor([0., -0.])");

    [Fact]
    public void Vector_zero_and_fraction() => Prints(Tensor.From(new[] { 0f, 0.5f, -0.125f }), "tensor([ 0.0000,  0.5000, -0.1250])");

    [Fact]
    public void Vector_nan_and_inf() => Prints(Tensor.From(new[] { 1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity }), "tensor([1., nan, inf, -inf])");

    [Fact]
    public void Vector_nan_with_fraction() => Prints(Tensor.From(new[] { 1.5f, float.NaN }), "tensor([1.5000,    nan])");

    [Fact]
    public void Vector_only_nonfinite() => Prints(Tensor.From(new[] { float.NaN, float.PositiveInfinity }), "tensor([nan, inf])");

    [Fact]
    public void Vector_nan_in_scientific() => Prints(Tensor.From(new[] { 1e-6f, float.NaN, 2f }), "tensor([1.0000e-06,        nan, 2.0000e+00])");

    [Fact]
    public void Vector_ties_round_half_even() => Prints(Tensor.From(new[] { 1.03125f, 0.96875f, 0.25f }), "tensor([1.0312, 0.9688, 0.2500])");

    [Fact]
    public void Vector_float64() => Prints(Tensor.From(new[] { 1.5, -2.25 }), "tensor([ 1.5000, -2.2500], dtype=torch.float64)");

    [Fact]
    public void Vector_float64_precise() => Prints(Tensor.From(new[] { 0.1, 1.0 / 3 }), "tensor([0.1000, 0.3333], dtype=torch.float64)");

    [Fact]
    public void Vector_int64() => Prints(Tensor.From(new[] { -5L, 10L, 300L }), "tensor([ -5,  10, 300])");

    [Fact]
    public void Vector_bool() => Prints(Tensor.From(new[] { true, false }), "tensor([ True, False])");

    [Fact]
    public void Vector_all_true() => Prints(Tensor.From(new[] { true, true }), "tensor([True, True])");

    [Fact]
    public void Matrix_requires_grad() => Prints(
        Tensor.From(new[,] { { 0.2f, -0.4f }, { 0.5f, 0.6f } }).RequiresGrad_(),
        "tensor([[ 0.2000, -0.4000],\n" +
        "        [ 0.5000,  0.6000]], requires_grad=True)");

    [Fact]
    public void Matrix_bool() => Prints(
        Tensor.From(new[,] { { true, false }, { false, true } }),
        "tensor([[ True, False],\n" +
        "        [False,  True]])");

    [Fact]
    public void Matrix_int64() => Prints(
        (Tensor.Arange(12) - 5).Reshape(3, 4),
        "tensor([[-5, -4, -3, -2],\n" +
        "        [-1,  0,  1,  2],\n" +
        "        [ 3,  4,  5,  6]])");

    [Fact]
    public void Tensor_3d_blank_lines() => Prints(
        Tensor.Arange(24.0).Reshape(2, 3, 4),
        "tensor([[[ 0.,  1.,  2.,  3.],\n" +
        "         [ 4.,  5.,  6.,  7.],\n" +
        "         [ 8.,  9., 10., 11.]],\n" +
        "\n" +
        "        [[12., 13., 14., 15.],\n" +
        "         [16., 17., 18., 19.],\n" +
        "         [20., 21., 22., 23.]]])");

    [Fact]
    public void Tensor_4d() => Prints(
        Tensor.Arange(16).Reshape(2, 2, 2, 2),
        "tensor([[[[ 0,  1],\n" +
        "          [ 2,  3]],\n" +
        "\n" +
        "         [[ 4,  5],\n" +
        "          [ 6,  7]]],\n" +
        "\n" +
        "\n" +
        "        [[[ 8,  9],\n" +
        "          [10, 11]],\n" +
        "\n" +
        "         [[12, 13],\n" +
        "          [14, 15]]]])");

    [Fact]
    public void Tensor_3d_fractions() => Prints(
        (Tensor.Arange(12.0).Reshape(2, 3, 2) - 5.5f) / 4f,
        "tensor([[[-1.3750, -1.1250],\n" +
        "         [-0.8750, -0.6250],\n" +
        "         [-0.3750, -0.1250]],\n" +
        "\n" +
        "        [[ 0.1250,  0.3750],\n" +
        "         [ 0.6250,  0.8750],\n" +
        "         [ 1.1250,  1.3750]]])");

    [Fact]
    public void Empty_vector() => Prints(Tensor.Zeros(0), "tensor([])");

    [Fact]
    public void Empty_matrix() => Prints(Tensor.Zeros(0, 3), "tensor([], size=(0, 3))");

    [Fact]
    public void Empty_int64() => Prints(Tensor.Zeros([0], DType.Int64), "tensor([], dtype=torch.int64)");

    [Fact]
    public void Empty_float64_matrix() => Prints(Tensor.Zeros([2, 0], DType.Float64), "tensor([], size=(2, 0), dtype=torch.float64)");

    [Fact]
    public void Empty_requires_grad() => Prints(Tensor.Zeros(0).RequiresGrad_(), "tensor([], requires_grad=True)");

    [Fact]
    public void Summarized_vector() => Prints(Tensor.Arange(2000), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])");

    [Fact]
    public void Summarized_float_vector() => Prints(Tensor.Arange(1001.0) / 8f, "tensor([  0.0000,   0.1250,   0.2500,  ..., 124.7500, 124.8750, 125.0000])");

    [Fact]
    public void Summarized_matrix() => Prints(
        Tensor.Arange(2000.0).Reshape(40, 50) / 7f,
        "tensor([[0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 6.7143e+00, 6.8571e+00,\n" +
        "         7.0000e+00],\n" +
        "        [7.1429e+00, 7.2857e+00, 7.4286e+00,  ..., 1.3857e+01, 1.4000e+01,\n" +
        "         1.4143e+01],\n" +
        "        [1.4286e+01, 1.4429e+01, 1.4571e+01,  ..., 2.1000e+01, 2.1143e+01,\n" +
        "         2.1286e+01],\n" +
        "        ...,\n" +
        "        [2.6429e+02, 2.6443e+02, 2.6457e+02,  ..., 2.7100e+02, 2.7114e+02,\n" +
        "         2.7129e+02],\n" +
        "        [2.7143e+02, 2.7157e+02, 2.7171e+02,  ..., 2.7814e+02, 2.7829e+02,\n" +
        "         2.7843e+02],\n" +
        "        [2.7857e+02, 2.7871e+02, 2.7886e+02,  ..., 2.8529e+02, 2.8543e+02,\n" +
        "         2.8557e+02]])");

    [Fact]
    public void Summarized_3d() => Prints(
        Tensor.Arange(3000).Reshape(10, 10, 30),
        "tensor([[[   0,    1,    2,  ...,   27,   28,   29],\n" +
        "         [  30,   31,   32,  ...,   57,   58,   59],\n" +
        "         [  60,   61,   62,  ...,   87,   88,   89],\n" +
        "         ...,\n" +
        "         [ 210,  211,  212,  ...,  237,  238,  239],\n" +
        "         [ 240,  241,  242,  ...,  267,  268,  269],\n" +
        "         [ 270,  271,  272,  ...,  297,  298,  299]],\n" +
        "\n" +
        "        [[ 300,  301,  302,  ...,  327,  328,  329],\n" +
        "         [ 330,  331,  332,  ...,  357,  358,  359],\n" +
        "         [ 360,  361,  362,  ...,  387,  388,  389],\n" +
        "         ...,\n" +
        "         [ 510,  511,  512,  ...,  537,  538,  539],\n" +
        "         [ 540,  541,  542,  ...,  567,  568,  569],\n" +
        "         [ 570,  571,  572,  ...,  597,  598,  599]],\n" +
        "\n" +
        "        [[ 600,  601,  602,  ...,  627,  628,  629],\n" +
        "         [ 630,  631,  632,  ...,  657,  658,  659],\n" +
        "         [ 660,  661,  662,  ...,  687,  688,  689],\n" +
        "         ...,\n" +
        "         [ 810,  811,  812,  ...,  837,  838,  839],\n" +
        "         [ 840,  841,  842,  ...,  867,  868,  869],\n" +
        "         [ 870,  871,  872,  ...,  897,  898,  899]],\n" +
        "\n" +
        "        ...,\n" +
        "\n" +
        "        [[2100, 2101, 2102,  ..., 2127, 2128, 2129],\n" +
        "         [2130, 2131, 2132,  ..., 2157, 2158, 2159],\n" +
        "         [2160, 2161, 2162,  ..., 2187, 2188, 2189],\n" +
        "         ...,\n" +
        "         [2310, 2311, 2312,  ..., 2337, 2338, 2339],\n" +
        "         [2340, 2341, 2342,  ..., 2367, 2368, 2369],\n" +
        "         [2370, 2371, 2372,  ..., 2397, 2398, 2399]],\n" +
        "\n" +
        "        [[2400, 2401, 2402,  ..., 2427, 2428, 2429],\n" +
        "         [2430, 2431, 2432,  ..., 2457, 2458, 2459],\n" +
        "         [2460, 2461, 2462,  ..., 2487, 2488, 2489],\n" +
        "         ...,\n" +
        "         [2610, 2611, 2612,  ..., 2637, 2638, 2639],\n" +
        "         [2640, 2641, 2642,  ..., 2667, 2668, 2669],\n" +
        "         [2670, 2671, 2672,  ..., 2697, 2698, 2699]],\n" +
        "\n" +
        "        [[2700, 2701, 2702,  ..., 2727, 2728, 2729],\n" +
        "         [2730, 2731, 2732,  ..., 2757, 2758, 2759],\n" +
        "         [2760, 2761, 2762,  ..., 2787, 2788, 2789],\n" +
        "         ...,\n" +
        "         [2910, 2911, 2912,  ..., 2937, 2938, 2939],\n" +
        "         [2940, 2941, 2942,  ..., 2967, 2968, 2969],\n" +
        "         [2970, 2971, 2972,  ..., 2997, 2998, 2999]]])");

    [Fact]
    public void Summarized_short_rows() => Prints(
        Tensor.Arange(1500).Reshape(500, 3),
        "tensor([[   0,    1,    2],\n" +
        "        [   3,    4,    5],\n" +
        "        [   6,    7,    8],\n" +
        "        ...,\n" +
        "        [1491, 1492, 1493],\n" +
        "        [1494, 1495, 1496],\n" +
        "        [1497, 1498, 1499]])");

    [Fact]
    public void Wrapped_float_row() => Prints(
        Tensor.Arange(30.0) / 7f,
        "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n" +
        "        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n" +
        "        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n" +
        "        3.8571, 4.0000, 4.1429])");

    [Fact]
    public void Wrapped_int_row() => Prints(
        Tensor.Arange(100),
        "tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n" +
        "        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,\n" +
        "        36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53,\n" +
        "        54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,\n" +
        "        72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89,\n" +
        "        90, 91, 92, 93, 94, 95, 96, 97, 98, 99])");

    [Fact]
    public void Wrapped_matrix_rows() => Prints(
        Tensor.Arange(40.0).Reshape(2, 20) * 1.5f,
        "tensor([[ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n" +
        "         12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n" +
        "         24.0000, 25.5000, 27.0000, 28.5000],\n" +
        "        [30.0000, 31.5000, 33.0000, 34.5000, 36.0000, 37.5000, 39.0000, 40.5000,\n" +
        "         42.0000, 43.5000, 45.0000, 46.5000, 48.0000, 49.5000, 51.0000, 52.5000,\n" +
        "         54.0000, 55.5000, 57.0000, 58.5000]])");

    [Fact]
    public void Wrapped_3d_rows() => Prints(
        Tensor.Arange(60.0).Reshape(2, 2, 15) - 0.5f,
        "tensor([[[-0.5000,  0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,\n" +
        "           6.5000,  7.5000,  8.5000,  9.5000, 10.5000, 11.5000, 12.5000,\n" +
        "          13.5000],\n" +
        "         [14.5000, 15.5000, 16.5000, 17.5000, 18.5000, 19.5000, 20.5000,\n" +
        "          21.5000, 22.5000, 23.5000, 24.5000, 25.5000, 26.5000, 27.5000,\n" +
        "          28.5000]],\n" +
        "\n" +
        "        [[29.5000, 30.5000, 31.5000, 32.5000, 33.5000, 34.5000, 35.5000,\n" +
        "          36.5000, 37.5000, 38.5000, 39.5000, 40.5000, 41.5000, 42.5000,\n" +
        "          43.5000],\n" +
        "         [44.5000, 45.5000, 46.5000, 47.5000, 48.5000, 49.5000, 50.5000,\n" +
        "          51.5000, 52.5000, 53.5000, 54.5000, 55.5000, 56.5000, 57.5000,\n" +
        "          58.5000]]])");

    [Fact]
    public void Grad_fn_mul() => Prints(Tensor.From(new[] { 1.5f, 2f }).RequiresGrad_() * 2f, "tensor([3., 4.], grad_fn=<MulBackward0>)");

    [Fact]
    public void Grad_fn_add_float64() => Prints(Tensor.From(new[] { 1.5, 2.0 }).RequiresGrad_() + 1.0, "tensor([2.5000, 3.0000], dtype=torch.float64, grad_fn=<AddBackward0>)");

    [Fact]
    public void Suffix_wraps_to_a_new_line() => Prints(
        (Tensor.Arange(0, 7, dtype: DType.Float64).Reshape(1, 7) * 1000.5 + 0.25).RequiresGrad_(),
        "tensor([[2.5000e-01, 1.0008e+03, 2.0012e+03, 3.0018e+03, 4.0022e+03, 5.0028e+03,\n" +
        "         6.0032e+03]], dtype=torch.float64, requires_grad=True)");

    [Fact]
    public void Suffix_wraps_grad_fn() => Prints(
        (Tensor.Arange(8.0) * 1.125f - 3f).RequiresGrad_() * 1f,
        "tensor([-3.0000, -1.8750, -0.7500,  0.3750,  1.5000,  2.6250,  3.7500,  4.8750],\n" +
        "       grad_fn=<MulBackward0>)");

    [Fact]
    public void Transposed_view() => Prints(
        Tensor.Arange(6.0).Reshape(2, 3).Transpose(0, 1),
        "tensor([[0., 3.],\n" +
        "        [1., 4.],\n" +
        "        [2., 5.]])");

    [Fact]
    public void Strided_slice_view() => Prints(Tensor.Arange(10).Slice(0, 1, null, 3), "tensor([1, 4, 7])");

    [Fact]
    public void Expanded_view() => Prints(
        Tensor.From(new[] { 1.5f, 2f }).Expand(3, 2),
        "tensor([[1.5000, 2.0000],\n" +
        "        [1.5000, 2.0000],\n" +
        "        [1.5000, 2.0000]])");

    [Fact]
    public void Summarized_transposed_view() => Prints(
        Tensor.Arange(2000).Reshape(40, 50).Transpose(0, 1),
        "tensor([[   0,   50,  100,  ..., 1850, 1900, 1950],\n" +
        "        [   1,   51,  101,  ..., 1851, 1901, 1951],\n" +
        "        [   2,   52,  102,  ..., 1852, 1902, 1952],\n" +
        "        ...,\n" +
        "        [  47,   97,  147,  ..., 1897, 1947, 1997],\n" +
        "        [  48,   98,  148,  ..., 1898, 1948, 1998],\n" +
        "        [  49,   99,  149,  ..., 1899, 1949, 1999]])");
}
