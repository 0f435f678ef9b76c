using Backprop;

namespace Backprop.Tests.AutogradTests;

public class InPlaceTests
{
    [Fact]
    public void Backward_through_a_saved_tensor_modified_in_place_throws_PyTorchs_message()
    {
        var x = Tensor.From(new[] { 2f }).RequiresGrad_();
        var y = x.Sigmoid();
        y.Mul_(2);
        var ex = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Equal(
            "one of the variables needed for gradient computation has been modified by an inplace operation: " +
            "[torch.FloatTensor [1]], which is output 0 of SigmoidBackward0, is at version 1; expected version 0 instead.",
            ex.Message);
    }

    [Fact]
    public void Modifying_a_saved_input_under_NoGrad_is_caught_too()
    {
        var w = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var x = Tensor.From(new[] { 3.0, 4.0 });
        var y = (w * x).Sum();
        using (Autograd.NoGrad()) x.Add_(1);
        var ex = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("[torch.DoubleTensor [2]] is at version 1; expected version 0 instead", ex.Message);
    }

    [Fact]
    public void In_place_on_a_leaf_that_requires_grad_throws_outside_NoGrad()
    {
        var w = Tensor.From(new[] { 1.0 }).RequiresGrad_();
        var ex = Assert.Throws<InvalidOperationException>(() => w.Sub_(Tensor.From(new[] { 0.1 })));
        Assert.Contains("a leaf Variable that requires grad is being used in an in-place operation", ex.Message);
    }

    [Fact]
    public void Parameter_update_under_NoGrad_changes_values_and_version()
    {
        var w = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        (w * w).Sum().Backward();
        int before = w.Storage.Version;
        using (Autograd.NoGrad()) w.Sub_(w.Grad!, alpha: 0.1);
        TensorAssert.Close([0.8, 1.6], w);
        Assert.Equal(before + 1, w.Storage.Version);
        Assert.True(w.IsLeaf);
        Assert.True(w.RequiresGrad);
    }

    [Fact]
    public void In_place_ops_on_a_non_leaf_are_recorded()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var y = x * 2;
        y.Add_(x);          // y = 3x
        y.Mul_(x);          // y = 3x²
        Assert.Equal("MulBackward0", y.GradFn!.Name);
        TensorAssert.Close([3.0, 12.0], y);
        y.Sum().Backward();
        TensorAssert.Close([6.0, 12.0], x.Grad!);
    }

    [Fact]
    public void In_place_scalar_ops_write_through_views()
    {
        var x = Tensor.From(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } });
        x.T.Select(0, 1).Mul_(10);   // the second column
        TensorAssert.Close([1, 20, 3, 40], x);
        x.Select(0, 0).Fill_(7);
        TensorAssert.Close([7, 7, 3, 40], x);
        x.Zero_();
        TensorAssert.Close([0, 0, 0, 0], x);
    }

    [Fact]
    public void Copy_broadcasts_and_converts()
    {
        var x = Tensor.Zeros([2, 3], DType.Float64);
        x.Copy_(Tensor.From(new long[] { 1, 2, 3 }));
        TensorAssert.Close([1, 2, 3, 1, 2, 3], x);
    }

    [Fact]
    public void In_place_result_must_fit_the_destination_shape()
    {
        var x = Tensor.Zeros(3);
        var ex = Assert.Throws<ArgumentException>(() => x.Add_(Tensor.Zeros(2, 3)));
        Assert.Contains("output with shape [3] doesn't match the broadcast shape [2, 3]", ex.Message);
    }

    [Fact]
    public void In_place_float_result_into_an_integer_tensor_throws()
    {
        var x = Tensor.From(new long[] { 1, 2 });
        var ex = Assert.Throws<ArgumentException>(() => x.Mul_(0.5));
        Assert.Contains("result type torch.float32 can't be cast to the desired output type torch.int64", ex.Message);
        x.Mul_(3);
        Assert.Equal(new long[] { 3, 6 }, x.ToArray<long>());
    }

    [Fact]
    public void Writing_into_an_expanded_view_throws()
    {
        var x = Tensor.Zeros(1).Expand(3);
        Assert.Throws<InvalidOperationException>(() => x.Add_(1));
    }

    [Fact]
    public void Adding_a_tensor_to_its_own_transpose_in_place_reads_before_writing()
    {
        var x = Tensor.From(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } });
        x.Add_(x.T);
        TensorAssert.Close([2, 5, 5, 8], x);
    }

    [Fact]
    public void Clamp_in_place()
    {
        var x = Tensor.From(new[] { -2.0, 0.5, 3.0 });
        x.Clamp_(-1, 1);
        TensorAssert.Close([-1, 0.5, 1], x);
    }

    [Fact]
    public void Recording_an_in_place_op_on_a_view_is_refused_rather_than_silently_wrong()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var z = Tensor.Zeros([4], DType.Float64);
        var ex = Assert.Throws<NotSupportedException>(() => z.Narrow(0, 1, 2).Copy_(x));
        Assert.Contains("Copy_: in-place operations on a view", ex.Message);
        var h = x * 2;
        Assert.Throws<NotSupportedException>(() => h.Select(0, 0).Mul_(3));
    }
}
