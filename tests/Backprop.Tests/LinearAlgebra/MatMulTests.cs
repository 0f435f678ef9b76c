using Backprop;

namespace Backprop.Tests.LinearAlgebra;

// Expected values printed by PyTorch 1.13 (torch.matmul etc.) on the same inputs: TensorAssert.Seq(shape) is
// ((i·7) mod 11 − 5) / 4 in row-major order, exact in binary.
public class MatMulTests
{
    [Fact]
    public void Vector_times_vector_is_a_0d_dot_product()
    {
        var y = TensorAssert.Seq(5).MatMul(TensorAssert.Seq(5) * 2 + 1);
        TensorAssert.Close([], [7.625], y);
        Assert.Equal("DotBackward0", TensorAssert.Seq(5).RequiresGrad_().MatMul(TensorAssert.Seq(5)).GradFn!.Name);
    }

    [Fact]
    public void Matrix_times_matrix_matches_torch()
    {
        var y = Tensor.MatMul(TensorAssert.Seq(2, 3), TensorAssert.Seq(3, 4));
        TensorAssert.Close([2, 4], [2.1875, -1.375, 1.25, -0.9375, -0.75, -0.125, -0.1875, 2.5], y);
        Assert.Equal("MmBackward0", TensorAssert.Seq(2, 3).RequiresGrad_().MatMul(TensorAssert.Seq(3, 4)).GradFn!.Name);
    }

    [Fact]
    public void Matrix_times_vector_is_a_vector()
    {
        var y = TensorAssert.Seq(2, 3).MatMul(TensorAssert.Seq(3));
        TensorAssert.Close([2], [2.0625, -1.0625], y);
        Assert.Equal("MvBackward0", TensorAssert.Seq(2, 3).RequiresGrad_().MatMul(TensorAssert.Seq(3)).GradFn!.Name);
    }

    [Fact]
    public void Vector_times_matrix_prepends_then_removes_a_dim()
    {
        TensorAssert.Close([4], [2.1875, -1.375, 1.25, -0.9375], TensorAssert.Seq(3).MatMul(TensorAssert.Seq(3, 4)));
    }

    [Fact]
    public void Batched_times_vector_folds_batch_into_rows()
    {
        var y = TensorAssert.Seq(2, 2, 3).MatMul(TensorAssert.Seq(3));
        TensorAssert.Close([2, 2], [2.0625, -1.0625, -0.75, -0.4375], y);
        Assert.Equal("UnsafeViewBackward0", TensorAssert.Seq(2, 2, 3).RequiresGrad_().MatMul(TensorAssert.Seq(3)).GradFn!.Name);
    }

    [Fact]
    public void Batched_times_matrix_matches_torch()
    {
        TensorAssert.Close([2, 2, 2], [1.1875, 0.375, -1.875, 1.5, -1.5, 1.25, -1.125, 1.0], TensorAssert.Seq(2, 2, 3).MatMul(TensorAssert.Seq(3, 2)));
    }

    [Fact]
    public void Batched_times_batched_matches_torch()
    {
        var y = TensorAssert.Seq(2, 2, 3).MatMul(TensorAssert.Seq(2, 3, 2));
        TensorAssert.Close([2, 2, 2], [1.1875, 0.375, -1.875, 1.5, 1.25, 1.25, 1.3125, 1.375], y);
        var z = TensorAssert.Seq(2, 2, 3).RequiresGrad_().MatMul(TensorAssert.Seq(2, 3, 2));
        Assert.Equal("UnsafeViewBackward0", z.GradFn!.Name);
        Assert.Equal("BmmBackward0", z.GradFn.NextFunctions[0]!.Name);
    }

    [Fact]
    public void Vector_times_batched_uses_the_vector_as_a_row()
    {
        TensorAssert.Close([2, 2], [1.1875, 0.375, -1.625, 1.0], TensorAssert.Seq(3).MatMul(TensorAssert.Seq(2, 3, 2)));
    }

    [Fact]
    public void Matrix_times_batched_broadcasts_the_matrix()
    {
        TensorAssert.Close([2, 2, 2], [1.1875, 0.375, -1.875, 1.5, -1.625, 1.0, 1.1875, 1.125], TensorAssert.Seq(2, 3).MatMul(TensorAssert.Seq(2, 3, 2)));
    }

    [Fact]
    public void Batch_dims_broadcast_against_each_other()
    {
        var y = TensorAssert.Seq(2, 1, 2, 3).MatMul(TensorAssert.Seq(3, 3, 2));
        TensorAssert.Close([2, 3, 2, 2],
            [1.1875, 0.375, -1.875, 1.5, -1.625, 1.0, 1.1875, 1.125, 0.375, 0.25, 1.5, -1.3125,
             -1.5, 1.25, -1.125, 1.0, 1.25, 1.25, 1.3125, 1.375, 1.25, -1.5, 1.0, -1.6875], y);
    }

    [Fact]
    public void Bmm_multiplies_matching_batches()
    {
        TensorAssert.Close([2, 2, 2], [1.1875, 0.375, -1.875, 1.5, 1.25, 1.25, 1.3125, 1.375], TensorAssert.Seq(2, 2, 3).Bmm(TensorAssert.Seq(2, 3, 2)));
        Assert.Equal("BmmBackward0", TensorAssert.Seq(2, 2, 3).RequiresGrad_().Bmm(TensorAssert.Seq(2, 3, 2)).GradFn!.Name);
    }

    [Fact]
    public void Transposed_view_is_read_in_place_with_the_right_values()
    {
        var a = TensorAssert.Seq(3, 2).T;
        Assert.False(a.IsContiguous);
        TensorAssert.Close([2, 4], [1.1875, -0.0625, 0.0625, -1.875, 0.4375, -1.25, 1.1875, 1.5625], a.Mm(TensorAssert.Seq(3, 4)));
    }

    [Fact]
    public void Outer_product_matches_torch()
    {
        TensorAssert.Close([3, 2], [1.5625, -0.625, -0.625, 0.25, 0.625, -0.25], TensorAssert.Seq(3).Outer(TensorAssert.Seq(2)));
        Assert.Equal(DType.Float64, Tensor.Ones(2).Outer(Tensor.Ones([2], DType.Float64)).DType);   // promotes, as torch.outer
    }

    [Fact]
    public void Float32_and_int64_products_keep_their_dtype()
    {
        var y = (TensorAssert.Seq(2, 3).Float() / 3).MatMul(TensorAssert.Seq(3, 2).Float() / 7);
        Assert.Equal(DType.Float32, y.DType);
        TensorAssert.Close([2, 2], [0.0565476194024086, 0.0178571455180645, -0.0892857164144516, 0.0714285746216774], y, rtol: 1e-6);
        var l = (TensorAssert.Seq(2, 3) * 4).Long().MatMul((TensorAssert.Seq(3, 2) * 4).Long());
        Assert.Equal(DType.Int64, l.DType);
        Assert.Equal([19L, 6, -30, 24], l.ToArray<long>());
    }

    [Fact]
    public void Empty_inner_dimension_gives_zeros()
    {
        var y = Tensor.Zeros(2, 0).MatMul(Tensor.Zeros(0, 3));
        TensorAssert.Close([2, 3], new double[6], y);
        TensorAssert.Shape([2, 3, 4], Tensor.Zeros(2, 3, 0).MatMul(Tensor.Zeros(0, 4)));
        TensorAssert.Shape([0, 3, 4], Tensor.Zeros(0, 3, 2).MatMul(Tensor.Zeros(2, 4)));
        TensorAssert.Close([], [0.0], Tensor.Zeros(0).MatMul(Tensor.Zeros(0)));
    }

    [Theory]
    [InlineData(new[] { 2, 3 }, new[] { 4, 5 }, "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)")]
    [InlineData(new[] { 3 }, new[] { 4, 5 }, "mat1 and mat2 shapes cannot be multiplied (1x3 and 4x5)")]
    [InlineData(new[] { 5, 2, 3 }, new[] { 4, 5 }, "mat1 and mat2 shapes cannot be multiplied (10x3 and 4x5)")]
    [InlineData(new[] { 3 }, new[] { 4 }, "inconsistent tensor size, expected tensor [3] and src [4]")]
    [InlineData(new[] { 2, 3 }, new[] { 4 }, "size mismatch")]
    [InlineData(new[] { 5, 2, 3 }, new[] { 6, 3, 5 }, "must match the size of tensor b (6) at non-singleton dimension 0")]
    [InlineData(new[] { 5, 2, 3 }, new[] { 5, 4, 5 }, "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)")]
    [InlineData(new int[0], new[] { 3 }, "both arguments to matmul need to be at least 1D, but they are 0D and 1D")]
    public void MatMul_with_incompatible_shapes_throws(int[] sa, int[] sb, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(sa).MatMul(Tensor.Zeros(sb)));
        Assert.Contains(message, ex.Message);
        Assert.StartsWith("MatMul", ex.Message);
    }

    [Fact]
    public void Mixed_dtypes_throw_like_torch()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).MatMul(Tensor.Zeros([3, 4], DType.Float64)));
        Assert.Contains("expected m1 and m2 to have the same dtype, but got: float != double", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).Dot(Tensor.Zeros([3], DType.Float64)));
        Assert.Contains("expected both vectors to have same dtype, but found torch.float32 and torch.float64", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 2], DType.Bool).MatMul(Tensor.Zeros([2, 2], DType.Bool)));
        Assert.Contains("torch.bool", ex.Message);
    }

    [Fact]
    public void Rank_checks_of_the_primitives_throw()
    {
        Assert.Contains("Dot: 1D tensors expected, but got 2D and 1D tensors",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Dot(Tensor.Zeros(4))).Message);
        Assert.Contains("Outer: expected 1-D argument self, but got 2-D",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Outer(Tensor.Zeros(3))).Message);
        Assert.Contains("self must be a matrix",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).Mm(Tensor.Zeros(3, 3))).Message);
        Assert.Contains("Mm: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Mm(Tensor.Zeros(4, 5))).Message);
        Assert.Contains("expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [3, 4]",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3, 4).Bmm(Tensor.Zeros(3, 4, 5))).Message);
        Assert.Contains("Mv:", Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Mv(Tensor.Zeros(2, 3))).Message);
    }

    [Fact]
    public void Result_of_a_product_is_not_a_view_and_can_be_modified_in_place()
    {
        var a = TensorAssert.Seq(2, 2, 3).RequiresGrad_();
        var y = a.MatMul(TensorAssert.Seq(3, 2));
        y.Add_(1);   // would fail if the unsafe view were recorded as a view of a tensor that requires grad
        y.Sum().Backward();
        Assert.NotNull(a.Grad);
    }

    [Fact]
    public void Products_of_transposed_views_pass_gradcheck_in_every_layout_combination()
    {
        // The backward computes a transposed operand's gradient as the transpose of the transposed product.
        TensorAssert.GradCheck(xs => xs[0].T.Mm(xs[1]), TensorAssert.Leaf(5, 3), TensorAssert.Leaf(5, 4));
        TensorAssert.GradCheck(xs => xs[0].Mm(xs[1].T), TensorAssert.Leaf(3, 5), TensorAssert.Leaf(4, 5));
        TensorAssert.GradCheck(xs => xs[0].T.Mm(xs[1].T), TensorAssert.Leaf(5, 3), TensorAssert.Leaf(4, 5));
        TensorAssert.GradCheck(xs => Tensor.Addmm(xs[2], xs[0].T, xs[1].T), TensorAssert.Leaf(5, 3), TensorAssert.Leaf(4, 5), TensorAssert.Leaf(4));
    }
}
