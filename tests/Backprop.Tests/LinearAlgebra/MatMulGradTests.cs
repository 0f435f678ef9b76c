using Backprop;

namespace Backprop.Tests.LinearAlgebra;

// Gradients of the matrix products against finite differences (gradcheck, Float64), in every rank
// combination of torch.matmul, with non-contiguous operands built inside the function.
public class MatMulGradTests
{
    private static Tensor Leaf(params int[] shape) => TensorAssert.Leaf(shape);

    [Theory]
    [InlineData(new[] { 4 }, new[] { 4 })]
    [InlineData(new[] { 3, 4 }, new[] { 4 })]
    [InlineData(new[] { 4 }, new[] { 4, 2 })]
    [InlineData(new[] { 3, 4 }, new[] { 4, 2 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4, 2 })]
    [InlineData(new[] { 4 }, new[] { 2, 4, 3 })]
    [InlineData(new[] { 3, 4 }, new[] { 2, 4, 3 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 2, 4, 3 })]
    [InlineData(new[] { 2, 1, 3, 4 }, new[] { 3, 4, 2 })]
    [InlineData(new[] { 1, 3, 4 }, new[] { 2, 1, 4, 2 })]
    public void MatMul_gradients_match_finite_differences_in_every_rank_combination(int[] sa, int[] sb)
    {
        TensorAssert.GradCheck(xs => xs[0].MatMul(xs[1]), Leaf(sa), Leaf(sb));
    }

    [Fact]
    public void Mm_of_transposed_operands_has_correct_gradients()
    {
        // a.T and b.T are views with unit row stride: the kernel reads them transposed, without copies.
        TensorAssert.GradCheck(xs => xs[0].T.MatMul(xs[1].T), Leaf(4, 3), Leaf(2, 4));
        TensorAssert.GradCheck(xs => xs[0].T.MatMul(xs[1]), Leaf(4, 3), Leaf(4, 2));
        TensorAssert.GradCheck(xs => xs[0].MatMul(xs[1].T), Leaf(3, 4), Leaf(2, 4));
    }

    [Fact]
    public void MatMul_of_sliced_and_expanded_operands_has_correct_gradients()
    {
        // Strided rows and columns (a step-2 slice) need a copy; an expanded matrix reads with leading dimension 0.
        TensorAssert.GradCheck(xs => xs[0].Slice(1, 0, null, 2).MatMul(xs[1].Slice(0, 1, 4)), Leaf(3, 6), Leaf(5, 2));
        TensorAssert.GradCheck(xs => xs[0].Expand(3, 4).MatMul(xs[1]), Leaf(1, 4), Leaf(4, 2));
        TensorAssert.GradCheck(xs => xs[0].Transpose(1, 2).MatMul(xs[1].Permute(2, 0, 1)), Leaf(2, 4, 3), Leaf(4, 2, 2));
    }

    [Fact]
    public void Vector_products_of_strided_vectors_have_correct_gradients()
    {
        TensorAssert.GradCheck(xs => xs[0].Slice(0, 0, null, 2).Dot(xs[1].Select(1, 0)), Leaf(6), Leaf(3, 2));
        TensorAssert.GradCheck(xs => xs[0].T.Mv(xs[1].Slice(0, 0, null, 2)), Leaf(3, 2), Leaf(5));
        TensorAssert.GradCheck(xs => xs[0].Outer(xs[1].Slice(0, 1, null, 2)), Leaf(3), Leaf(5));
    }

    [Fact]
    public void Bmm_gradients_match_finite_differences()
    {
        TensorAssert.GradCheck(xs => xs[0].Bmm(xs[1].Transpose(1, 2)), Leaf(2, 3, 4), Leaf(2, 2, 4));
    }

    [Fact]
    public void Broadcast_batch_gradient_is_summed_to_the_operand_shape()
    {
        var a = Leaf(3, 4);
        var b = Leaf(5, 4, 2);
        a.MatMul(b).Sum().Backward();
        TensorAssert.Shape([3, 4], a.Grad!);
        // d/da Σ (a·b_i) = Σ_i 1·b_iᵀ, the same for every row of a
        var expected = Tensor.Ones([3, 2], DType.Float64).MatMul(b.Detach().Sum(0).T);
        TensorAssert.Close(expected.ToDoubleArray(), a.Grad!, 1e-12, 1e-12);
    }

    [Fact]
    public void Second_derivative_through_MatMul_matches_torch()
    {
        // f = Σ (A·B)², gA = ∂f/∂A with createGraph, then Σ gA differentiated again (values from torch.autograd.grad).
        var values = new double[6];
        for (int i = 0; i < 6; i++) values[i] = (i * 7 % 11 - 5) / 4.0;
        var a = Tensor.From(values, 2, 3).RequiresGrad_();
        var b = (Tensor.From(values, 3, 2) + 0.3).Detach().RequiresGrad_();
        var f = a.MatMul(b).Pow(2).Sum();
        var ga = Autograd.Grad([f], [a], createGraph: true)[0]!;
        TensorAssert.Close([-1.5437499999999997, -0.32499999999999984, 0.8937499999999999, 5.8950000000000005, 6.0075, -3.3675], ga, 1e-12);
        ga.Sum().Backward();
        TensorAssert.Close([-1.6750000000000007, 3.45, -2.575, 6.3, -0.17500000000000093, -1.3000000000000003], b.Grad!, 1e-12, 1e-12);
        TensorAssert.Close([4.18, 6.130000000000001, -2.37, 4.18, 6.130000000000001, -2.37], a.Grad!, 1e-12);
    }

    [Fact]
    public void Second_derivative_of_batched_MatMul_passes_gradcheck()
    {
        TensorAssert.GradCheck(xs =>
        {
            using var grad = Autograd.EnableGrad();   // gradcheck's finite differences run under NoGrad
            var f = xs[0].MatMul(xs[1]).Pow(2).Sum();
            return Autograd.Grad([f], [xs[0]], createGraph: true)[0]!;
        }, Leaf(2, 2, 3), Leaf(3, 2));
    }
}
