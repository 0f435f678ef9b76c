using Backprop;

namespace Backprop.Tests.Indexing;

// Expected values printed by PyTorch 1.13 (masked_fill, nn.functional.one_hot).
public class MaskedFillOneHotTests
{
    [Fact]
    public void MaskedFill_broadcasts_the_mask_like_torch()
    {
        var mask = Tensor.From(new[] { true, false, false, true });
        TensorAssert.Close([3, 4], [-7.5, 0.5, -0.5, -7.5, -7.5, -0.75, 1.0, -7.5, -7.5, 0.75, -0.25, -7.5], TensorAssert.Seq(3, 4).MaskedFill(mask, -7.5));
        // Out of place, self broadcasts with the mask too.
        var wide = Tensor.From(new[,] { { true, false, false, true }, { false, true, false, false } });
        TensorAssert.Close([2, 4], [2.0, 0, 0, 2, 0, 2, 0, 0], Tensor.Zeros([4], DType.Float64).MaskedFill(wide, 2));
    }

    [Fact]
    public void MaskedFill_casts_the_value_to_the_tensor_dtype()
    {
        var y = Tensor.Zeros([4], DType.Int64).MaskedFill(Tensor.From(new[] { true, false, true, false }), 2.7);
        Assert.Equal(DType.Int64, y.DType);
        Assert.Equal([2L, 0, 2, 0], y.ToArray<long>());
    }

    [Fact]
    public void MaskedFill_errors_are_clear()
    {
        Assert.Contains("masked_fill only supports boolean masks, but got mask with dtype torch.int64",
            Assert.Throws<ArgumentException>(() => TensorAssert.Seq(3, 4).MaskedFill(Tensor.Zeros([4], DType.Int64), 1)).Message);
        Assert.Contains("MaskedFill: The size of tensor a (4) must match the size of tensor b (2)",
            Assert.Throws<ArgumentException>(() => TensorAssert.Seq(3, 4).MaskedFill(Tensor.Zeros([2], DType.Bool), 1)).Message);
    }

    [Fact]
    public void MaskedFill_gradient_is_zero_where_filled()
    {
        var mask = Tensor.From(new[,] { { true, false, true } });
        TensorAssert.GradCheck(xs => xs[0].T.MaskedFill(mask, 3).Pow(2), TensorAssert.Leaf(3, 2));
        var x = TensorAssert.Leaf(2, 3);
        x.MaskedFill(mask, 3).Sum().Backward();
        TensorAssert.Close([0.0, 1, 0, 0, 1, 0], x.Grad!);
        Assert.Equal("MaskedFillBackward0", x.MaskedFill(mask, 0).GradFn!.Name);
    }

    [Fact]
    public void MaskedFill_in_place_writes_into_the_tensor_and_records_history()
    {
        var t = TensorAssert.Seq(2, 2);
        t.MaskedFill_(Tensor.From(new[] { false, true }), 9);
        TensorAssert.Close([-1.25, 9, -0.5, 9], t);

        var x = TensorAssert.Leaf(2, 2);
        var y = x * 2;
        y.MaskedFill_(Tensor.From(new[] { true, false }), 0);
        y.Sum().Backward();
        TensorAssert.Close([0.0, 2, 0, 2], x.Grad!);
        Assert.Throws<ArgumentException>(() => TensorAssert.Seq(2, 2).MaskedFill_(Tensor.Ones([2, 2, 2], DType.Bool), 1));
    }

    [Fact]
    public void OneHot_adds_a_class_dim_like_torch()
    {
        var y = Tensor.OneHot(Tensor.From(new long[,] { { 0, 2 }, { 1, 0 } }));
        Assert.Equal(DType.Int64, y.DType);
        TensorAssert.Close([2, 2, 3], [1.0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0], y);
        TensorAssert.Close([2, 5], [0.0, 0, 0, 1, 0, 0, 1, 0, 0, 0], Tensor.OneHot(Tensor.From(new long[] { 3, 1 }), 5));
        TensorAssert.Shape([0, 3], Tensor.OneHot(Tensor.Zeros([0], DType.Int64), 3));
    }

    [Fact]
    public void OneHot_errors_match_torch()
    {
        Assert.Contains("Class values must be non-negative",
            Assert.Throws<ArgumentException>(() => Tensor.OneHot(Tensor.From(new long[] { 1, -1 }))).Message);
        Assert.Contains("Class values must be smaller than num_classes",
            Assert.Throws<ArgumentException>(() => Tensor.OneHot(Tensor.From(new long[] { 1, 3 }), 3)).Message);
        Assert.Contains("one_hot is only applicable to index tensor",
            Assert.Throws<ArgumentException>(() => Tensor.OneHot(Tensor.Ones(2))).Message);
        Assert.Contains("Can not infer total number of classes from empty tensor",
            Assert.Throws<ArgumentException>(() => Tensor.OneHot(Tensor.Zeros([0], DType.Int64))).Message);
    }
}
