using Backprop;

namespace Backprop.Tests.Ops;

public class ViewTests
{
    private static Tensor Range(params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        return Tensor.From(Enumerable.Range(0, n).Select(i => (double)i).ToArray(), shape);
    }

    [Fact]
    public void Reshape_infers_minus_one_and_shares_storage()
    {
        var x = Range(2, 3);
        var y = x.Reshape(3, -1);
        TensorAssert.Shape([3, 2], y);
        Assert.True(y.SharesStorageWith(x));
        Assert.Equal([2, 1], y.Strides.ToArray());
    }

    [Fact]
    public void Reshape_to_an_impossible_shape_throws_PyTorchs_message()
    {
        var ex = Assert.Throws<ArgumentException>(() => Range(5).Reshape(2, -1));
        Assert.Equal("Reshape: shape '[2, -1]' is invalid for input of size 5", ex.Message);
        Assert.Throws<ArgumentException>(() => Range(6).Reshape(-1, -1));
        Assert.Throws<ArgumentException>(() => Range(6).Reshape(4));
    }

    [Fact]
    public void Reshape_of_a_transposed_tensor_copies_and_View_refuses()
    {
        var x = Range(2, 3).T;
        var y = x.Reshape(6);
        Assert.False(y.SharesStorageWith(x));
        TensorAssert.Close([0, 3, 1, 4, 2, 5], y);
        var ex = Assert.Throws<InvalidOperationException>(() => x.View(6));
        Assert.Contains("view size is not compatible with input tensor's size and stride", ex.Message);
    }

    [Fact]
    public void View_of_a_non_contiguous_tensor_works_where_strides_allow()
    {
        var x = Range(4, 6).Slice(1, 0, 4);   // [4, 4] with row stride 6
        var y = x.View(2, 2, 4);
        Assert.True(y.SharesStorageWith(x));
        Assert.Equal([12, 6, 1], y.Strides.ToArray());
        TensorAssert.Close([0, 1, 2, 3, 6, 7, 8, 9, 12, 13, 14, 15, 18, 19, 20, 21], y);
    }

    [Fact]
    public void Transpose_and_Permute_swap_strides()
    {
        var x = Range(2, 3, 4);
        var t = x.Transpose(0, 2);
        TensorAssert.Shape([4, 3, 2], t);
        Assert.Equal([1, 4, 12], t.Strides.ToArray());
        Assert.False(t.IsContiguous);
        var p = x.Permute(2, 0, 1);
        TensorAssert.Shape([4, 2, 3], p);
        Assert.Equal([1, 12, 4], p.Strides.ToArray());
        Assert.Equal(13.0, p.Select(0, 1).Select(0, 1).Select(0, 0).Item());
        Assert.Throws<ArgumentException>(() => x.Permute(0, 1));
        Assert.Throws<ArgumentException>(() => x.Permute(0, 1, 1));
    }

    [Fact]
    public void T_transposes_a_matrix_and_leaves_a_vector()
    {
        var m = Range(2, 3);
        TensorAssert.Close([3, 2], [0, 3, 1, 4, 2, 5], m.T.Contiguous());
        var v = Range(3);
        Assert.Same(v, v.T);
    }

    [Fact]
    public void Expand_repeats_with_stride_zero()
    {
        var x = Range(3, 1);
        var e = x.Expand(2, 3, 4);
        TensorAssert.Shape([2, 3, 4], e);
        Assert.Equal([0, 1, 0], e.Strides.ToArray());
        TensorAssert.Close([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], e);
        TensorAssert.Shape([3, 5], x.Expand(-1, 5));
    }

    [Fact]
    public void Expand_to_a_different_non_singleton_size_throws_PyTorchs_message()
    {
        var ex = Assert.Throws<ArgumentException>(() => Range(2, 3).Expand(2, 4));
        Assert.Equal("Expand: The expanded size of the tensor (4) must match the existing size (3) at non-singleton dimension 1. Target sizes: [2, 4]. Tensor sizes: [2, 3]", ex.Message);
    }

    [Fact]
    public void Squeeze_and_Unsqueeze()
    {
        var x = Range(1, 3, 1);
        TensorAssert.Shape([3], x.Squeeze());
        TensorAssert.Shape([3, 1], x.Squeeze(0));
        TensorAssert.Shape([1, 3, 1], x.Squeeze(1));
        TensorAssert.Shape([1, 3, 1, 1], x.Unsqueeze(-1));
        TensorAssert.Shape([1, 1, 3, 1], x.Unsqueeze(1));
        TensorAssert.Shape([1], Tensor.From(2.0).Unsqueeze(0));
        Assert.Throws<ArgumentException>(() => x.Unsqueeze(4));
    }

    [Fact]
    public void Narrow_Select_and_Slice_pick_parts_without_copying()
    {
        var x = Range(3, 4);
        var n = x.Narrow(1, 1, 2);
        TensorAssert.Close([3, 2], [1, 2, 5, 6, 9, 10], n);
        Assert.Equal(1, n.Offset);
        TensorAssert.Close([4], [8, 9, 10, 11], x.Select(0, -1));
        TensorAssert.Close([3, 2], [0, 2, 4, 6, 8, 10], x.Slice(1, null, null, 2));
        TensorAssert.Close([1, 4], [4, 5, 6, 7], x.Slice(0, -2, -1));
        TensorAssert.Shape([0, 4], x.Slice(0, 5, 10));
        Assert.True(n.SharesStorageWith(x));
    }

    [Fact]
    public void Out_of_range_dims_and_indices_throw_clear_messages()
    {
        var x = Range(3, 4);
        var ex = Assert.Throws<ArgumentException>(() => x.Select(2, 0));
        Assert.Contains("dimension out of range (expected to be in range of [-2, 1], but got 2)", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => x.Select(0, 3));
        Assert.Contains("index 3 is out of bounds for dimension 0 with size 3", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => x.Narrow(1, 3, 2));
        Assert.Contains("exceeds dimension size (4)", ex.Message);
        Assert.Throws<ArgumentException>(() => x.Slice(0, 0, 2, 0));
        Assert.Throws<ArgumentException>(() => x.Transpose(0, 5));
    }

    [Fact]
    public void Flatten_merges_a_range_of_dims()
    {
        var x = Range(2, 3, 4);
        TensorAssert.Shape([24], x.Flatten());
        TensorAssert.Shape([2, 12], x.Flatten(1));
        TensorAssert.Shape([6, 4], x.Flatten(0, 1));
        TensorAssert.Shape([1], Tensor.From(1.0).Flatten());
    }

    [Fact]
    public void Contiguous_copies_only_when_needed_and_Clone_always()
    {
        var x = Range(2, 3);
        Assert.Same(x, x.Contiguous());
        var c = x.Clone();
        Assert.False(c.SharesStorageWith(x));
        var t = x.T.Contiguous();
        Assert.True(t.IsContiguous);
        Assert.False(t.SharesStorageWith(x));
    }

    [Fact]
    public void Writes_through_a_view_are_seen_by_the_base()
    {
        var x = Range(2, 3);
        var v = x.Reshape(3, 2).Select(0, 1);
        v.Fill_(-1);
        TensorAssert.Close([0, 1, -1, -1, 4, 5], x);
    }

    public static TheoryData<string> ViewOps => new() { "Reshape", "View", "Flatten", "Transpose", "T", "Permute", "Expand", "Squeeze", "Unsqueeze", "Narrow", "Select", "Slice", "Contiguous", "Clone" };

    private static Tensor ApplyView(string op, Tensor x) => op switch   // x has shape [2, 1, 3]
    {
        "Reshape" => x.Reshape(3, 2),
        "View" => x.View(-1),
        "Flatten" => x.Flatten(1),
        "Transpose" => x.Transpose(0, 2),
        "T" => x.Squeeze(1).T,
        "Permute" => x.Permute(2, 0, 1),
        "Expand" => x.Expand(4, 2, 5, 3),
        "Squeeze" => x.Squeeze(),
        "Unsqueeze" => x.Unsqueeze(0),
        "Narrow" => x.Narrow(2, 1, 2),
        "Select" => x.Select(2, -1),
        "Slice" => x.Slice(2, 0, null, 2),
        "Contiguous" => x.Transpose(0, 2).Contiguous(),
        "Clone" => x.Clone(),
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(ViewOps))]
    public void View_op_gradcheck(string op) =>
        TensorAssert.GradCheck(xs => ApplyView(op, xs[0]) * ApplyView(op, xs[0]), TensorAssert.Leaf(2, 1, 3));

    [Theory]
    [MemberData(nameof(ViewOps))]
    public void View_op_gradcheck_on_a_non_contiguous_base(string op)
    {
        if (op == "View") op = "Reshape";   // View refuses this layout, as tested above
        TensorAssert.GradCheck(xs => ApplyView(op, xs[0].Permute(2, 1, 0)).Sin(), TensorAssert.Leaf(3, 1, 2));
    }

    [Fact]
    public void Slice_backward_supports_second_derivatives()
    {
        TensorAssert.GradCheck(xs => Autograd.Grad([(xs[0].Slice(0, 1, 4, 2).Pow(3)).Sum()], [xs[0]], createGraph: true)[0]!, TensorAssert.Leaf(5));
    }
}
