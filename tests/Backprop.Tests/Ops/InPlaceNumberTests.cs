using Backprop;

namespace Backprop.Tests.Ops;

// In-place ops with a number write straight into the tensor when nothing needs recording; these pin that path's
// values (PyTorch 1.13's), its errors, its version bumps, and that every other case still takes the general path.
public class InPlaceNumberTests
{
    [Fact]
    public void Float32_in_place_with_numbers_gives_torchs_values_and_bumps_the_version()
    {
        var t = Tensor.From(new[] { 1f, 2f, 3f });
        int version = t.Storage.Version;
        var same = t.Add_(0.1).Sub_(0.7).Mul_(1.3).Div_(0.3);
        Assert.Same(t, same);
        Assert.Equal(DType.Float32, t.DType);
        TensorAssert.Close([1.7333333492279053, 6.066665172576904, 10.399998664855957], t, rtol: 1e-7);
        Assert.Equal(version + 4, t.Storage.Version);
    }

    [Fact]
    public void Int64_in_place_with_integral_numbers_stays_int64()
    {
        var t = Tensor.From(new long[] { 5, 6, 7 });
        t.Add_(2).Mul_(3).Sub_(1);
        Assert.Equal(new long[] { 20, 23, 26 }, t.ToArray<long>());
    }

    [Fact]
    public void In_place_with_a_number_on_a_view_writes_through_to_the_base()
    {
        var a = Tensor.From(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } });
        a.T.Mul_(10);                 // not contiguous: the general path
        a.Narrow(1, 0, 1).Add_(0.5);  // a strided column
        Assert.Equal(new[] { 10.5, 20.0, 30.5, 40.0 }, a.ToArray<double>());
        a.Narrow(0, 1, 1).Sub_(1);    // a contiguous row with an offset
        Assert.Equal(new[] { 10.5, 20.0, 29.5, 39.0 }, a.ToArray<double>());
    }

    [Fact]
    public void A_number_that_would_change_the_dtype_is_refused_as_in_torch()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.From(new long[] { 5, 6 }).Add_(2.5));
        Assert.Equal("Add_: result type torch.float32 can't be cast to the desired output type torch.int64", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Tensor.From(new long[] { 5, 6 }).Div_(2));
        Assert.Contains("Div_: result type", ex.Message);
        Assert.Contains("can't be cast to the desired output type", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Tensor.From(new[] { true }).Add_(1));
        Assert.Contains("can't be cast to the desired output type", ex.Message);
    }

    [Fact]
    public void An_expanded_view_is_refused_as_in_torch()
    {
        var e = Tensor.From(new[] { 1.0 }).Expand(3);
        var ex = Assert.Throws<InvalidOperationException>(() => e.Mul_(2));
        Assert.Contains("more than one element of the written-to tensor refers to a single memory location", ex.Message);
        Assert.Throws<InvalidOperationException>(() => e.Fill_(2));
    }

    [Fact]
    public void A_leaf_that_requires_grad_is_refused_in_grad_mode_and_updated_under_NoGrad()
    {
        var w = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var ex = Assert.Throws<InvalidOperationException>(() => w.Mul_(2));
        Assert.Contains("a leaf Variable that requires grad is being used in an in-place operation", ex.Message);
        Assert.Throws<InvalidOperationException>(() => w.Zero_());
        using (Autograd.NoGrad())
        {
            w.Mul_(2).Add_(1);
            Assert.Equal(new[] { 3.0, 5.0 }, w.ToArray<double>());
            w.Zero_();
        }
        Assert.Equal(new[] { 0.0, 0.0 }, w.ToArray<double>());
        Assert.Null(w.GradFn);
    }

    [Fact]
    public void In_place_with_a_number_on_a_non_leaf_is_recorded_and_differentiated()
    {
        var x = TensorAssert.Leaf(2, 3);
        TensorAssert.GradCheck(xs => xs[0].Mul(1.0).Mul_(3).Add_(0.5).Sub_(2).Div_(0.7), x);
        var y = x.Mul(1.0).Mul_(3);
        Assert.Equal("MulBackward0", y.GradFn!.Name);
    }

    [Fact]
    public void Fill_sets_every_element_of_a_view_even_infinities()
    {
        var a = Tensor.From(new[,] { { double.PositiveInfinity, 2.0 }, { double.NaN, 4.0 } });
        a.T.Fill_(7);
        Assert.Equal(new[] { 7.0, 7.0, 7.0, 7.0 }, a.ToArray<double>());
        var i = Tensor.From(new long[] { 1, 2, 3 });
        i.Fill_(2.7);   // torch truncates toward zero
        Assert.Equal(new long[] { 2, 2, 2 }, i.ToArray<long>());
        var b = Tensor.From(new[] { false, false });
        b.Fill_(0.5);
        Assert.Equal(new[] { true, true }, b.ToArray<bool>());
    }
}
