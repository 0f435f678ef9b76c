using Backprop;

namespace Backprop.Tests.Seeds;

/// <summary>
/// Seed 001's broadcasting section: a = torch.Tensor([1,2,3]), b = torch.Tensor([[1],[2],[3]]), a + b and b + a,
/// its three rules (align from the right; sizes equal, one of them 1, or missing) and the cases that cannot broadcast
/// (b = torch.Tensor([2,3]); a tensor with no elements along a dim). Values and messages from PyTorch.
/// </summary>
public class BroadcastSeedTests
{
    private static readonly double[] SeedSum = [2, 3, 4, 3, 4, 5, 4, 5, 6];

    private static Tensor SeedA() => Tensor.From(new[] { 1f, 2f, 3f });

    private static Tensor SeedB() => Tensor.From(new[,] { { 1f }, { 2f }, { 3f } });

    [Fact]
    public void Row_plus_column_broadcasts_to_a_3x3_table()
    {
        var c = SeedA() + SeedB();
        TensorAssert.Close([3, 3], SeedSum, c, 0, 0);
        Assert.Equal(DType.Float32, c.DType);   // torch.Tensor is float32
    }

    [Fact]
    public void Column_plus_row_gives_the_same_table()
        => TensorAssert.Close([3, 3], SeedSum, SeedB() + SeedA(), 0, 0);

    [Fact]
    public void Broadcasting_reads_the_smaller_tensor_through_stride_0_without_copying()
    {
        var a = SeedA();
        var expanded = a.Expand(3, 3);
        Assert.Equal([0, 1], expanded.Strides.ToArray());
        Assert.True(expanded.SharesStorageWith(a));
        TensorAssert.Close([3, 3], SeedSum, expanded + SeedB(), 0, 0);
    }

    [Fact]
    public void Equal_sizes_add_elementwise()
    {
        var x = Tensor.From(new[,] { { 1f, 2f, 3f }, { 4f, 5f, 6f } });
        var y = Tensor.From(new[,] { { 10f, 20f, 30f }, { 40f, 50f, 60f } });
        TensorAssert.Close([2, 3], [11, 22, 33, 44, 55, 66], x + y, 0, 0);
    }

    [Fact]
    public void Sizes_of_1_on_both_sides_stretch_to_the_other()
    {
        var column = Tensor.From(new[,] { { 1f }, { 2f }, { 3f } });
        var row = Tensor.From(new[,] { { 10f, 20f } });
        TensorAssert.Close([3, 2], [11, 21, 12, 22, 13, 23], column + row, 0, 0);
    }

    [Fact]
    public void Missing_leading_dims_count_as_1()
    {
        var x = Tensor.From(new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, 4, 3);
        TensorAssert.Close([4, 3], [0, 0, 0, 3, 3, 3, 6, 6, 6, 9, 9, 9], x - SeedA(), 0, 0);
    }

    [Fact]
    public void Three_d_and_two_d_broadcast_across_every_dim()
    {
        // torch.arange(6.).reshape(2, 1, 3) + torch.tensor([[10.], [20.], [30.], [40.]])
        var x = Tensor.From(new[] { 0.0, 1, 2, 3, 4, 5 }, 2, 1, 3);
        var y = Tensor.From(new[] { 10.0, 20, 30, 40 }, 4, 1);
        TensorAssert.Close([2, 4, 3],
            [10, 11, 12, 20, 21, 22, 30, 31, 32, 40, 41, 42, 13, 14, 15, 23, 24, 25, 33, 34, 35, 43, 44, 45], x + y, 0, 0);
    }

    [Fact]
    public void A_0d_tensor_broadcasts_with_any_shape()
    {
        // PyTorch lets a 0-d tensor take part (the seed's "at least one dimension" rule is from older docs).
        var c = Tensor.From(5f) + SeedA();
        TensorAssert.Close([3], [6, 7, 8], c, 0, 0);
        Assert.Equal(DType.Float32, c.DType);
    }

    [Fact]
    public void Seeds_commented_out_b_of_two_elements_cannot_broadcast_with_three()
    {
        var b = Tensor.From(new[] { 2f, 3f });
        var error = Assert.Throws<ArgumentException>(() => SeedA() + b);
        Assert.Contains("size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0", error.Message);
        Assert.StartsWith("Add", error.Message);
        Assert.Contains("[3]", error.Message);
        Assert.Contains("[2]", error.Message);
    }

    [Fact]
    public void Mismatch_in_the_last_dim_names_dimension_1()
    {
        var x = Tensor.Zeros(2, 3);
        var y = Tensor.Zeros(2, 2);
        var error = Assert.Throws<ArgumentException>(() => x + y);
        Assert.Contains("size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1", error.Message);
        Assert.Contains("[2, 3]", error.Message);
        Assert.Contains("[2, 2]", error.Message);
    }

    [Fact]
    public void Aligning_from_the_right_compares_the_vector_with_the_last_dim()
    {
        // [4, 3] + [4]: the 4 lines up with the 3, not with the 4.
        var error = Assert.Throws<ArgumentException>(() => Tensor.Zeros(4, 3) + Tensor.Zeros(4));
        Assert.Contains("size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1", error.Message);
    }

    [Fact]
    public void An_empty_tensor_cannot_broadcast_with_a_nonempty_one()
    {
        var empty = Tensor.From(Array.Empty<float>());
        var error = Assert.Throws<ArgumentException>(() => empty + SeedA());
        Assert.Contains("size of tensor a (0) must match the size of tensor b (3) at non-singleton dimension 0", error.Message);
    }

    [Theory]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    [InlineData("Lt")]
    public void Every_binary_op_reports_the_mismatch_under_its_own_name(string op)
    {
        var a = SeedA();
        var b = Tensor.From(new[] { 2f, 3f });
        Func<Tensor> f = op switch
        {
            "Sub" => () => a - b,
            "Mul" => () => a * b,
            "Div" => () => a / b,
            _ => () => a < b,
        };
        var error = Assert.Throws<ArgumentException>(() => f());
        Assert.StartsWith(op, error.Message);
        Assert.Contains("size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0", error.Message);
    }

    [Fact]
    public void In_place_add_cannot_grow_its_own_shape()
    {
        var column = SeedB();
        var error = Assert.Throws<ArgumentException>(() => column.Add_(SeedA()));
        Assert.Contains("output with shape [3, 1] doesn't match the broadcast shape [3, 3]", error.Message);
        TensorAssert.Close([3, 1], [1, 2, 3], column, 0, 0);   // untouched
    }

    [Fact]
    public void Gradients_of_a_broadcast_sum_are_summed_back_to_each_operands_shape()
    {
        var a = SeedA().RequiresGrad_();
        var b = SeedB().RequiresGrad_();
        (a + b).Sum().Backward();
        TensorAssert.Close([3], [3, 3, 3], a.Grad!, 0, 0);
        TensorAssert.Close([3, 1], [3, 3, 3], b.Grad!, 0, 0);
    }

    [Fact]
    public void Gradients_of_a_broadcast_product_are_summed_back_to_each_operands_shape()
    {
        var a = SeedA().RequiresGrad_();
        var b = SeedB().RequiresGrad_();
        (a * b).Sum().Backward();
        TensorAssert.Close([3], [6, 6, 6], a.Grad!, 0, 0);          // Σ over rows of b
        TensorAssert.Close([3, 1], [6, 6, 6], b.Grad!, 0, 0);       // Σ over columns of a
    }

    [Fact]
    public void Broadcast_arithmetic_passes_gradcheck()
        => TensorAssert.GradCheck(xs => (xs[0] * xs[1] + xs[0] - xs[1] / (xs[0] * xs[0] + 1)).Sum(),
            TensorAssert.Leaf(3), TensorAssert.Leaf(3, 1));
}
