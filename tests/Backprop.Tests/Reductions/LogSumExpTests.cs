using Backprop;

namespace Backprop.Tests.Reductions;

// Expected values printed by PyTorch 1.13 (torch.logsumexp) on the same inputs.
public class LogSumExpTests
{
    private static readonly double[] XValues = [0.5, -1.2, 3.3, 0.1, 2.2, 2.2, -0.7, 1.9, -3.0, 0.4, 0.4, 5.1];

    private static Tensor X(DType dtype = DType.Float64) => Tensor.From(XValues, 3, 4).To(dtype);

    [Theory]
    [InlineData(DType.Float32, 1e-6)]
    [InlineData(DType.Float64, 1e-12)]
    public void LogSumExp_over_one_dim_matches_PyTorch(DType dtype, double rtol)
    {
        var y = X(dtype).LogSumExp(1);
        Assert.Equal(dtype, y.DType);
        TensorAssert.Close([3], [3.4067726549472845, 3.228133113442401, 5.1183251572977255], y, rtol, atol: rtol);
        TensorAssert.Close([1, 4], [2.3724396313996055, 2.381214409283867, 3.370774218960491, 5.146406516945364], X(dtype).LogSumExp(-2, keepDim: true), rtol, atol: rtol);
    }

    [Fact]
    public void LogSumExp_over_several_dims()
    {
        TensorAssert.Close([], [5.404727422480001], X().LogSumExp([0, 1]), 1e-12);
        TensorAssert.Close([], [5.404727422480001], X().LogSumExp([]), 1e-12);
        TensorAssert.Close([3], [4.104304989939518, 2.294546244037094, 3.9506481688928328], ReductionData.X3().LogSumExp([0, 2]), 1e-12);
        TensorAssert.Close([2, 1, 4],
            [3.023235506902396, 2.7715208493603396, 2.7681160815020642, 2.169560394298423, 2.7782292731332165, 2.76553965041407, 3.025599310113725, 2.1611904365812338],
            ReductionData.X3().LogSumExp(1, keepDim: true), 1e-12);
        TensorAssert.Close([4], [2.3724396313996055, 2.381214409283867, 3.370774218960491, 5.146406516945364], X().T.LogSumExp(1), 1e-12);
    }

    [Fact]
    public void LogSumExp_of_minus_infinities_is_minus_infinity()
    {
        TensorAssert.Close([], [double.NegativeInfinity], Tensor.From([double.NegativeInfinity, double.NegativeInfinity]).LogSumExp(0));
        TensorAssert.Close([], [double.PositiveInfinity], Tensor.From([double.PositiveInfinity, 1.0]).LogSumExp(0));
        TensorAssert.Close([], [double.NaN], Tensor.From([double.NaN, 1.0]).LogSumExp(0));
    }

    [Fact]
    public void LogSumExp_over_an_empty_dim_is_minus_infinity()
    {
        TensorAssert.Close([3], [double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity], Tensor.Zeros(0, 3).LogSumExp(0));
    }

    [Fact]
    public void LogSumExp_of_integers_computes_in_Float32()
    {
        var y = Tensor.From(new long[] { 1, 2, 3 }).LogSumExp(0);
        Assert.Equal(DType.Float32, y.DType);
        TensorAssert.Close(3.4076059644443806, y, 1e-6);
    }

    [Fact]
    public void LogSumExp_gradient_is_the_softmax()
    {
        var x = TensorAssert.Leaf([1.0, 2.0, 0.5, -1.0], 2, 2);
        x.LogSumExp(1).Sum().Backward();
        TensorAssert.Close([0.26894142136999505, 0.7310585786300048, 0.8175744761936437, 0.18242552380635632], x.Grad!, 1e-12);
    }

    [Fact]
    public void LogSumExp_gradient_at_all_minus_infinity_is_NaN_as_in_PyTorch()
    {
        var x = TensorAssert.Leaf([double.NegativeInfinity, double.NegativeInfinity], 2);
        x.LogSumExp(0).Backward();
        TensorAssert.Close([double.NaN, double.NaN], x.Grad!);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(-1, false)]
    public void LogSumExp_passes_gradcheck(int dim, bool keepDim)
    {
        TensorAssert.GradCheck(xs => xs[0].LogSumExp(dim, keepDim), TensorAssert.Leaf(3, 4));
    }

    [Fact]
    public void LogSumExp_passes_gradcheck_over_several_dims_and_views()
    {
        TensorAssert.GradCheck(xs => xs[0].LogSumExp([0, 2], keepDim: true), TensorAssert.Leaf(2, 3, 4));
        TensorAssert.GradCheck(xs => xs[0].LogSumExp([]), TensorAssert.Leaf(2, 3));
        TensorAssert.GradCheck(xs => xs[0].T.LogSumExp(1), TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(xs => xs[0].Slice(1, 0, 4, 2).LogSumExp(0, keepDim: true), TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(xs => xs[0].Expand(3, 4).Mul(TensorAssert.Leaf(3, 4).Detach()).LogSumExp(0), TensorAssert.Leaf(1, 4));
    }

    [Fact]
    public void LogSumExp_second_derivative_matches_gradcheck_of_its_first_derivative()
    {
        TensorAssert.GradCheck(ReductionData.FirstDerivative(x => x.LogSumExp(1).Mul(Tensor.From([1.0, -2.0, 0.5])).Sum()), TensorAssert.Leaf(3, 4));
        TensorAssert.GradCheck(ReductionData.FirstDerivative(x => x.Permute(1, 0, 2).LogSumExp([0, 2]).Mul(x.Sum([1, 2])).Sum()), TensorAssert.Leaf(2, 3, 4));
    }

    [Fact]
    public void LogSumExp_with_a_dim_out_of_range_throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Ones(2, 3).LogSumExp(2));
        Assert.Contains("LogSumExp", e.Message);
        Assert.Contains("expected to be in range of [-2, 1], but got 2", e.Message);
    }
}
