using Backprop.NN;

namespace Backprop.Tests.LinearAlgebra;

// torch.addmm and F.linear's use of it. Expected values printed by PyTorch 1.13 on the same inputs.
public class AddmmTests
{
    private static readonly double[] Bias = [0.5, -1.0, 2.0];
    private static readonly double[] Mat1 = [1.0, 2.0, 3.0, -4.0];
    private static readonly double[] Mat2 = [0.1, 0.2, 0.3, -0.4, 0.5, 0.6];

    [Fact]
    public void Value_and_gradients_with_beta_and_alpha_match_torch()
    {
        var b = TensorAssert.Leaf(Bias, 3);
        var x = TensorAssert.Leaf(Mat1, 2, 2);
        var w = TensorAssert.Leaf(Mat2, 2, 3);
        var y = Tensor.Addmm(b, x, w, beta: 0.5, alpha: 2.0);
        Assert.Equal("AddmmBackward0", y.GradFn!.Name);
        TensorAssert.Close([2, 3], [-1.15, 1.9, 4.0, 4.05, -3.3, -2.0], y, 1e-15);
        y.Mul(Tensor.From(new[] { 1.0, 2, 3, 4, 5, 6 }, 2, 3)).Sum().Backward();
        TensorAssert.Close([3], [2.5, 3.5, 4.5], b.Grad!, 1e-15);
        TensorAssert.Close([2, 2], [2.8, 4.8, 6.4, 9.0], x.Grad!, 1e-15);
        TensorAssert.Close([2, 3], [26.0, 34.0, 42.0, -28.0, -32.0, -36.0], w.Grad!, 1e-15);
    }

    [Fact]
    public void Passes_gradcheck_with_a_row_a_full_and_a_column_input_and_transposed_operands()
    {
        TensorAssert.GradCheck(xs => Tensor.Addmm(xs[0], xs[1], xs[2]), TensorAssert.Leaf(4), TensorAssert.Leaf(3, 5), TensorAssert.Leaf(5, 4));
        TensorAssert.GradCheck(xs => Tensor.Addmm(xs[0], xs[1], xs[2].T, beta: -0.5, alpha: 1.5),
            TensorAssert.Leaf(3, 4), TensorAssert.Leaf(3, 5), TensorAssert.Leaf(4, 5));
        TensorAssert.GradCheck(xs => Tensor.Addmm(xs[0], xs[1].T, xs[2]), TensorAssert.Leaf(3, 1), TensorAssert.Leaf(5, 3), TensorAssert.Leaf(5, 4));
    }

    [Fact]
    public void Beta_zero_ignores_the_input_even_its_NaNs()
    {
        var y = Tensor.Addmm(Tensor.Full([3], double.NaN), Tensor.Ones(2, 2), Tensor.Ones(2, 3), beta: 0);
        TensorAssert.Close([2, 3], [2, 2, 2, 2, 2, 2], y);
    }

    [Fact]
    public void Bad_shapes_and_dtypes_are_refused_in_torchs_words()
    {
        Assert.Equal("Addmm: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)",
            Assert.Throws<ArgumentException>(() => Tensor.Addmm(Tensor.Zeros(3), Tensor.Zeros(2, 3), Tensor.Zeros(4, 5))).Message);
        Assert.Equal("Addmm: The expanded size of the tensor (5) must match the existing size (3) at non-singleton dimension 1.  " +
                     "Target sizes: [2, 5].  Tensor sizes: [3]",
            Assert.Throws<ArgumentException>(() => Tensor.Addmm(Tensor.Zeros(3), Tensor.Zeros(2, 4), Tensor.Zeros(4, 5))).Message);
        Assert.StartsWith("Addmm: self and mat2 must have the same dtype",
            Assert.Throws<ArgumentException>(() => Tensor.Addmm(Tensor.Zeros([5], DType.Float64), Tensor.Zeros(2, 4), Tensor.Zeros(4, 5))).Message);
        Assert.Equal("Addmm: mat1 must be a matrix, got 3-D tensor",
            Assert.Throws<ArgumentException>(() => Tensor.Addmm(Tensor.Zeros(5), Tensor.Zeros(2, 4, 1), Tensor.Zeros(4, 5))).Message);
    }

    [Fact]
    public void Linear_of_a_matrix_with_a_bias_is_one_addmm_and_of_a_batch_a_matmul_plus_an_add()
    {
        var w = TensorAssert.Leaf(Mat2, 3, 2);
        var b = TensorAssert.Leaf(Bias, 3);
        var y = F.Linear(Tensor.From(Mat1, 2, 2), w, b);
        Assert.Equal("AddmmBackward0", y.GradFn!.Name);
        // x·wᵀ + b, as torch's addmm(b, x, w.t())
        TensorAssert.Close([2, 3], [1.0, -1.5, 3.7, 0.0, 1.5, 1.1], y, 1e-14, 1e-15);
        Assert.Equal("AddBackward0", F.Linear(Tensor.From(Mat1, 1, 2, 2), w, b).GradFn!.Name);
        Assert.Equal("MmBackward0", F.Linear(Tensor.From(Mat1, 2, 2), w).GradFn!.Name);
    }
}
