using Backprop;

namespace Backprop.Tests.Reductions;

// Expected values printed by PyTorch 1.13 (torch.var/torch.std) on the same inputs.
public class StatisticsTests
{
    private static readonly double[] XValues = [0.5, -1.2, 3.3, 0.1, 2.2, 2.2, -0.7, 1.9, -3.0, 0.4, 0.4, 5.1];

    private static Tensor X(DType dtype = DType.Float64) => Tensor.From(XValues, 3, 4).To(dtype);

    [Theory]
    [InlineData(DType.Float32, 1e-6)]
    [InlineData(DType.Float64, 1e-12)]
    public void Var_and_Std_of_all_elements_are_unbiased_by_default(DType dtype, double rtol)
    {
        var v = X(dtype).Var();
        Assert.Equal(dtype, v.DType);
        TensorAssert.Close([], [4.658787878787878], v, rtol, atol: rtol);
        TensorAssert.Close([], [2.1584225440788645], X(dtype).Std(), rtol, atol: rtol);
    }

    [Fact]
    public void Var_over_one_dim()
    {
        TensorAssert.Close([4], [7.03, 2.8933333333333335, 4.27, 6.413333333333333], X().Var(0), 1e-12);
        TensorAssert.Close([4], [7.03, 2.8933333333333335, 4.27, 6.413333333333333], X().T.Var(-1), 1e-12);
    }

    [Fact]
    public void Correction_zero_gives_the_population_variance()
    {
        TensorAssert.Close([3], [2.691875, 1.485, 8.306875], X().Var(1, correction: 0), 1e-12);
        TensorAssert.Close([1, 4], [2.164871050817269, 1.3888444437333107, 1.687206764645835, 2.0677416559027764],
            X().Std(0, correction: 0, keepDim: true), 1e-12);
    }

    [Fact]
    public void Var_and_Std_over_several_dims_with_keepDim()
    {
        TensorAssert.Close([1, 1], [4.658787878787878], X().Var([0, 1], keepDim: true), 1e-12);
        TensorAssert.Close([3], [2.5257645331348897, 2.98895029745879, 5.944567875175941], ReductionData.X3().Var([0, 2]), 1e-12);
        TensorAssert.Close([2, 3], [1.407124341241015, 2.1593923062180735, 2.7052902291486327, 1.9654092136790566, 1.487561836194939, 2.479667353608346],
            ReductionData.X3().Std(-1), 1e-12);
        TensorAssert.Close([3], [1.8945096111307187, 1.407124727947029, 3.3280374597250755], X().Std([1]), 1e-12);
    }

    [Fact]
    public void Empty_dims_mean_all_dims()
    {
        TensorAssert.Close([], [4.658787878787878], X().Var([]), 1e-12);
        TensorAssert.Close([1, 1], [4.658787878787878], X().Var([], keepDim: true), 1e-12);
    }

    [Fact]
    public void Too_few_elements_give_NaN_or_infinity_as_in_PyTorch()
    {
        Assert.True(double.IsNaN(Tensor.From(3.0).Var().Item()));                        // 0 / 0
        Assert.True(double.IsNaN(Tensor.From([2.0]).Std(0).Item()));
        Assert.True(double.IsPositiveInfinity(Tensor.From([2.0, 3.0]).Var(0, correction: 3).Item()));   // 0.5 / max(0, −1)
        Assert.True(double.IsNaN(Tensor.Zeros([0], DType.Float64).Var().Item()));
        TensorAssert.Close([3], [double.NaN, double.NaN, double.NaN], Tensor.Zeros(0, 3).Var(0));
    }

    [Fact]
    public void Backward_names_follow_PyTorch()
    {
        var x = TensorAssert.Leaf(2, 3);
        Assert.Equal("VarBackward0", x.Var().GradFn!.Name);
        Assert.Equal("StdBackward0", x.Std(1).GradFn!.Name);
    }

    [Theory]
    [InlineData(0, 1, false)]
    [InlineData(1, 0, true)]
    [InlineData(-1, 2, false)]
    public void Var_and_Std_over_a_dim_pass_gradcheck(int dim, int correction, bool keepDim)
    {
        TensorAssert.GradCheck(xs => xs[0].Var(dim, correction, keepDim), TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(xs => xs[0].Std(dim, correction, keepDim), TensorAssert.Leaf(3, 4));
    }

    [Fact]
    public void Var_and_Std_pass_gradcheck_over_all_and_several_dims()
    {
        TensorAssert.GradCheck(xs => xs[0].Var(), TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(xs => xs[0].Std(correction: 0), TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(xs => xs[0].Var([0, 2], keepDim: true), TensorAssert.Leaf(2, 3, 4));
        TensorAssert.GradCheck(xs => xs[0].Std([2, 0]), TensorAssert.Leaf(2, 3, 4));
    }

    [Fact]
    public void Var_and_Std_pass_gradcheck_on_non_contiguous_views()
    {
        TensorAssert.GradCheck(xs => xs[0].T.Var(1), TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(xs => xs[0].Slice(1, 0, 4, 2).Std(0, keepDim: true), TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(xs => xs[0].Permute(2, 0, 1).Std([1, 2]), TensorAssert.Leaf(2, 3, 4));
        // broadcast: an expanded view, reduced along the expanded dim
        TensorAssert.GradCheck(xs => xs[0].Expand(3, 4).Mul(TensorAssert.Leaf(3, 4).Detach()).Var(0), TensorAssert.Leaf(1, 4));
    }

    [Fact]
    public void Var_and_Std_give_second_derivatives_through_createGraph()
    {
        TensorAssert.GradCheck(ReductionData.FirstDerivative(x => x.Std(1).Mul(Tensor.From([1.0, -0.5, 2.0])).Sum()), TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(ReductionData.FirstDerivative(x => x.Var(0).Mul(x.Sum(0)).Sum()), TensorAssert.Leaf(3, 4));
    }

    [Fact]
    public void Std_gradient_is_zero_where_std_is_zero()
    {
        var x = TensorAssert.Leaf([2.0, 2.0, 1.0, 3.0], 2, 2);
        x.Std(1).Sum().Backward();
        TensorAssert.Close([0, 0, -0.7071067811865475, 0.7071067811865475], x.Grad!, 1e-12);
        var c = TensorAssert.Leaf([2.0, 2.0, 2.0], 3);
        c.Std().Backward();
        TensorAssert.Close([0, 0, 0], c.Grad!);
    }

    [Fact]
    public void Var_of_an_integer_tensor_throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.From(new long[] { 1, 2 }).Var());
        Assert.Contains("Var", e.Message);
        Assert.Contains("std and var only support floating point", e.Message);
        Assert.Contains("torch.int64", Assert.Throws<ArgumentException>(() => Tensor.From(new long[] { 1, 2 }).Std(0)).Message);
    }

    [Fact]
    public void Var_with_a_dim_out_of_range_or_repeated_throws()
    {
        Assert.Contains("but got 2", Assert.Throws<ArgumentException>(() => X().Var(2)).Message);
        Assert.Contains("appears multiple times", Assert.Throws<ArgumentException>(() => X().Std([1, -1])).Message);
    }
}
