using Backprop;

namespace Backprop.Tests.Printing;

/// <summary>Print options are global: tests that print with the defaults or change them run alone, after the parallel ones.</summary>
[CollectionDefinition("PrintOptions", DisableParallelization = true)]
public class PrintOptionsCollection;

// Expected strings are str(t) from PyTorch 1.13 after the matching torch.set_printoptions(...).
[Collection("PrintOptions")]
public class PrintOptionsTests
{
    private static string With(PrintOptions options, Tensor t) => t.ToString(options);

    [Fact]
    public void Precision_sets_the_digits()
    {
        var t = Tensor.From(new[] { 1.12345f, -2.5f });
        Assert.Equal("tensor([ 1.12, -2.50])", With(new PrintOptions(Precision: 2), t));
        Assert.Equal("tensor([ 1.123450, -2.500000])", With(new PrintOptions(Precision: 6), t));
        Assert.Equal("tensor([ 1.12, -2.50])", With(PrintOptions.Short, t));
    }

    [Fact]
    public void SciMode_forces_notation_on_or_off()
    {
        Assert.Equal("tensor([1.5000e+00, 2.2500e+00])", With(new PrintOptions(SciMode: true), Tensor.From(new[] { 1.5f, 2.25f })));
        // the width still comes from the scientific form, as in torch
        Assert.Equal("tensor([    0.0000,  1000.0000])", With(new PrintOptions(SciMode: false), Tensor.From(new[] { 1e-5f, 1e3f })));
        // with no nonzero finite value torch never applies the forced mode
        Assert.Equal("tensor([0., 0.])", With(new PrintOptions(SciMode: true), Tensor.Zeros(2)));
    }

    [Fact]
    public void Threshold_and_edge_items_control_summarisation()
    {
        Assert.Equal("tensor([0, 1, 2,  ..., 7, 8, 9])", With(new PrintOptions(Threshold: 5), Tensor.Arange(10)));
        Assert.Equal(
            "tensor([[ 0.,  1.,  ...,  3.,  4.],\n" +
            "        [ 5.,  6.,  ...,  8.,  9.],\n" +
            "        [10., 11.,  ..., 13., 14.],\n" +
            "        [15., 16.,  ..., 18., 19.]])",
            With(new PrintOptions(Threshold: 5, EdgeItems: 2), Tensor.Arange(20.0).Reshape(4, 5)));
        Assert.Equal("tensor([ ..., 0, 1, 2, 3, 4, 5, 6, 7, 8, 9])", With(new PrintOptions(Threshold: 5, EdgeItems: 0), Tensor.Arange(10)));
        var full = With(PrintOptions.Full, Tensor.Arange(1001));
        Assert.DoesNotContain("...", full);
        Assert.EndsWith(" 999, 1000])", full);
    }

    [Fact]
    public void LineWidth_wraps_rows_and_suffixes()
    {
        Assert.Equal(
            "tensor([0.0000, 0.3333, 0.6667, 1.0000,\n" +
            "        1.3333, 1.6667, 2.0000, 2.3333,\n" +
            "        2.6667, 3.0000, 3.3333, 3.6667,\n" +
            "        4.0000, 4.3333, 4.6667, 5.0000,\n" +
            "        5.3333, 5.6667, 6.0000, 6.3333])",
            With(new PrintOptions(LineWidth: 40), Tensor.Arange(20.0) / 3f));
        Assert.Equal(
            "tensor([1.5000,\n        2.5000,\n        3.5000],\n       requires_grad=True)",
            With(new PrintOptions(LineWidth: 10), Tensor.From(new[] { 1.5f, 2.5f, 3.5f }).RequiresGrad_()));
    }

    [Fact]
    public void SetPrintOptions_changes_ToString_globally_and_profiles_reset_it()
    {
        try
        {
            Tensor.SetPrintOptions(precision: 2);
            Assert.Equal("tensor([ 1.12, -2.50])", Tensor.From(new[] { 1.12345f, -2.5f }).ToString());
            Assert.Equal(2, Tensor.GetPrintOptions().Precision);
            Tensor.SetPrintOptions(threshold: 5);   // other options stay
            Assert.Equal(new PrintOptions(Precision: 2, Threshold: 5), Tensor.GetPrintOptions());
            Tensor.SetPrintOptions(sciMode: true);
            Assert.Equal("tensor([1.50e+00, 2.00e+00])", Tensor.From(new[] { 1.5f, 2f }).ToString());
            Tensor.SetPrintOptions(profile: PrintOptions.Default);
            Assert.Equal(PrintOptions.Default, Tensor.GetPrintOptions());
            Assert.Equal("tensor([ 1.1235, -2.5000])", Tensor.From(new[] { 1.12345f, -2.5f }).ToString());
        }
        finally
        {
            Tensor.SetPrintOptions(PrintOptions.Default);
        }
    }

    [Fact]
    public void Leaving_out_sciMode_returns_to_automatic_as_in_torch()
    {
        try
        {
            Tensor.SetPrintOptions(sciMode: false);
            Tensor.SetPrintOptions(precision: 4);
            Assert.Null(Tensor.GetPrintOptions().SciMode);
        }
        finally
        {
            Tensor.SetPrintOptions(PrintOptions.Default);
        }
    }

    [Fact]
    public async Task Concurrent_prints_see_whole_option_sets()
    {
        var t = Tensor.From(new[] { 1.12345f, -2.5f });
        try
        {
            var printers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            {
                for (int i = 0; i < 2000; i++)
                    Assert.Contains(t.ToString(), new[] { "tensor([ 1.1235, -2.5000])", "tensor([ 1.12, -2.50])" });
            })).ToArray();
            for (int i = 0; i < 2000; i++)
                Tensor.SetPrintOptions(i % 2 == 0 ? PrintOptions.Default : new PrintOptions(Precision: 2));
            await Task.WhenAll(printers);
        }
        finally
        {
            Tensor.SetPrintOptions(PrintOptions.Default);
        }
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Assert.Contains("precision", Assert.Throws<ArgumentException>(() => Tensor.SetPrintOptions(precision: -1)).Message);
        Assert.Contains("lineWidth", Assert.Throws<ArgumentException>(() => Tensor.From(1f).ToString(new PrintOptions(LineWidth: 0))).Message);
        Assert.Equal(PrintOptions.Default, Tensor.GetPrintOptions());
    }

    [Fact]
    public void Grad_fn_node_prints_its_name_in_angle_brackets()
    {
        var y = Tensor.From(new[] { 1.5f }).RequiresGrad_() * 2f;
        Assert.Equal("<MulBackward0>", y.GradFn!.ToString());
    }
}
