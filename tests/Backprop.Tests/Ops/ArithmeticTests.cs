using Backprop;

namespace Backprop.Tests.Ops;

public class ArithmeticTests
{
    [Fact]
    public void Operators_with_numbers_on_either_side()
    {
        var x = Tensor.From(new[] { 1.0, 2.0, 4.0 });
        TensorAssert.Close([3, 4, 6], x + 2);
        TensorAssert.Close([3, 4, 6], 2 + x);
        TensorAssert.Close([-1, 0, 2], x - 2);
        TensorAssert.Close([1, 0, -2], 2 - x);
        TensorAssert.Close([3, 6, 12], 3 * x);
        TensorAssert.Close([0.5, 1, 2], x / 2);
        TensorAssert.Close([4, 2, 1], 4 / x);
        TensorAssert.Close([-1, -2, -4], -x);
    }

    [Fact]
    public void Broadcasting_follows_PyTorchs_rules()
    {
        var a = Tensor.From(new[] { 1.0, 2.0, 3.0 });
        var b = Tensor.From(new[,] { { 10.0 }, { 20.0 } });
        var c = a + b;
        TensorAssert.Close([2, 3], [11, 12, 13, 21, 22, 23], c);
        var d = Tensor.Zeros(4, 1, 3) + Tensor.Ones(2, 1);
        TensorAssert.Shape([4, 2, 3], d);
    }

    [Fact]
    public void A_broadcast_mismatch_names_the_op_the_sizes_and_the_dimension()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3) + Tensor.Zeros(2, 2));
        Assert.Equal("Add: The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1 (shapes [2, 3] and [2, 2])", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(4) * Tensor.Zeros(3, 2));
        Assert.Contains("Mul: The size of tensor a (4) must match the size of tensor b (2) at non-singleton dimension 1", ex.Message);
    }

    [Fact]
    public void Integer_arithmetic_stays_integer_and_true_division_gives_floats()
    {
        var a = Tensor.From(new long[] { 7, -7 });
        var b = Tensor.From(new long[] { 2, 2 });
        Assert.Equal(new long[] { 9, -5 }, (a + b).ToArray<long>());
        Assert.Equal(new long[] { 14, -14 }, (a * b).ToArray<long>());
        var q = a / b;
        Assert.Equal(DType.Float32, q.DType);
        TensorAssert.Close([3.5, -3.5], q);
        Assert.Equal(new long[] { 49, 49 }, a.Pow(2).ToArray<long>());
        Assert.Throws<ArgumentException>(() => a.Pow(-1));
    }

    [Theory]
    [InlineData(DType.Int64, DType.Float32, "dims", DType.Float32)]
    [InlineData(DType.Float32, DType.Float64, "dims", DType.Float64)]
    [InlineData(DType.Float32, DType.Float64, "zero-dim", DType.Float32)]
    [InlineData(DType.Int64, DType.Float64, "zero-dim", DType.Float64)]
    [InlineData(DType.Bool, DType.Int64, "dims", DType.Int64)]
    [InlineData(DType.Bool, DType.Float32, "zero-dim", DType.Float32)]
    public void Type_promotion_matches_PyTorch(DType left, DType right, string rightKind, DType expected)
    {
        var a = Tensor.Ones([2], left);
        var b = rightKind == "dims" ? Tensor.Ones([2], right) : Tensor.Ones([], right);
        Assert.Equal(expected, (a + b).DType);
        Assert.Equal(expected, (b + a).DType);
    }

    [Fact]
    public void Numbers_keep_the_tensor_dtype_or_lift_integers_to_float32()
    {
        Assert.Equal(DType.Float32, (Tensor.Ones([2], DType.Float32) * 2.5).DType);
        Assert.Equal(DType.Float64, (Tensor.Ones([2], DType.Float64) * 2.5).DType);
        Assert.Equal(DType.Float32, (Tensor.From(new long[] { 1, 2 }) + 2.5).DType);
        Assert.Equal(DType.Int64, (Tensor.From(new long[] { 1, 2 }) + 2).DType);
        Assert.Equal(DType.Int64, (Tensor.From(new[] { true, false }).To(DType.Int64) + 1).DType);
    }

    [Fact]
    public void Float32_arithmetic_rounds_the_number_to_float32()
    {
        var y = Tensor.From(new[] { 1f }) * 0.1;
        Assert.Equal(0.1f, y.Item<float>());
    }

    [Fact]
    public void Bool_arithmetic_is_refused_with_a_hint()
    {
        var m = Tensor.From(new[] { true, false });
        var ex = Assert.Throws<ArgumentException>(() => m - m);
        Assert.Contains("with two bool tensors is not supported", ex.Message);
        Assert.Throws<ArgumentException>(() => -m);
    }

    [Fact]
    public void Comparisons_give_bool_masks()
    {
        var x = Tensor.From(new[] { 1.0, 2.0, 3.0 });
        Assert.Equal(new[] { false, true, true }, (x > 1.5).ToArray<bool>());
        Assert.Equal(new[] { true, true, false }, (x <= 2).ToArray<bool>());
        Assert.Equal(new[] { false, true, false }, x.Eq(2).ToArray<bool>());
        Assert.Equal(new[] { true, false, true }, x.Ne(Tensor.From(new long[] { 2 })).ToArray<bool>());
        var m = (x > 1.5) & (x < 2.5);
        Assert.Equal(new[] { false, true, false }, m.ToArray<bool>());
        Assert.Equal(new[] { true, false, true }, (!m).ToArray<bool>());
        Assert.Equal(new[] { true, true, false }, ((x < 1.5) | (x.Eq(2))).ToArray<bool>());
        Assert.False((x > 1.5).RequiresGrad);
    }

    [Fact]
    public void Where_broadcasts_and_promotes()
    {
        var c = Tensor.From(new[] { true, false });
        var y = Tensor.Where(c, Tensor.From(new long[] { 1, 2 }), 0.5);
        Assert.Equal(DType.Float32, y.DType);
        TensorAssert.Close([1, 0.5], y);
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Where(Tensor.From(new[] { 1.0 }), Tensor.Zeros(1), Tensor.Zeros(1)));
        Assert.Contains("expected condition to be a torch.bool tensor", ex.Message);
    }

    [Fact]
    public void Sum_and_Mean_over_dims_with_keepDim()
    {
        var x = Tensor.From(Enumerable.Range(0, 24).Select(i => (double)i).ToArray(), 2, 3, 4);
        TensorAssert.Close(276, x.Sum());
        TensorAssert.Close([3, 4], [12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34], x.Sum(0));
        TensorAssert.Close([2, 1, 4], [12, 15, 18, 21, 48, 51, 54, 57], x.Sum(1, keepDim: true));
        TensorAssert.Close([3], [60, 92, 124], x.Sum([0, 2]));
        TensorAssert.Close([2], [66, 210], x.Sum([-1, 1]));
        TensorAssert.Close([3], [7.5, 11.5, 15.5], x.Mean([0, 2]));
        TensorAssert.Close(11.5, x.Mean());
        Assert.Equal(DType.Int64, Tensor.From(new[] { true, true, false }).Sum().DType);
        Assert.Equal(2, Tensor.From(new[] { true, true, false }).Sum().Item());
        var ex = Assert.Throws<ArgumentException>(() => Tensor.From(new long[] { 1 }).Mean());
        Assert.Contains("Input dtype must be either a floating point or complex dtype. Got: torch.int64", ex.Message);
        Assert.Throws<ArgumentException>(() => x.Sum([0, 0]));
    }

    [Theory]
    [InlineData(new int[0], false)]
    [InlineData(new[] { 0 }, false)]
    [InlineData(new[] { 1 }, true)]
    [InlineData(new[] { 0, 2 }, false)]
    [InlineData(new[] { 0, 2 }, true)]
    [InlineData(new[] { -1 }, false)]
    public void Sum_and_Mean_gradcheck(int[] dims, bool keepDim)
    {
        TensorAssert.GradCheck(xs => xs[0].Sum(dims, keepDim).Pow(2), TensorAssert.Leaf(2, 3, 2));
        TensorAssert.GradCheck(xs => xs[0].Permute(2, 0, 1).Mean(dims, keepDim).Pow(2), TensorAssert.Leaf(2, 3, 2));
    }

    [Fact]
    public void Sum_of_an_empty_dim_is_zero()
    {
        TensorAssert.Close([3], [0, 0, 0], Tensor.Zeros(0, 3).Sum(0));
    }

    [Fact]
    public void Conversions_truncate_toward_zero_and_carry_gradients_between_floats()
    {
        var x = Tensor.From(new[] { -1.7, 2.9 });
        Assert.Equal(new long[] { -1, 2 }, x.Long().ToArray<long>());
        Assert.Equal(new[] { true, true }, x.Bool().ToArray<bool>());
        var w = Tensor.From(new[] { 1.5 }).RequiresGrad_();
        (w.Float() * 2).Sum().Backward();
        Assert.Equal(DType.Float64, w.Grad!.DType);
        TensorAssert.Close([2.0], w.Grad!);
        Assert.False(w.Long().RequiresGrad);
    }
}
