namespace Backprop.Lab.Tests;

/// <summary>
/// Bad invocations a user can type, each ending the same way: exit code 2, nothing on stdout, and exactly two lines on
/// stderr: "error: …" naming the option or the file, then the usage with a pointer to --help. Never a stack trace, an
/// "Out of memory." or a run that exits 0 with NaN results.
/// </summary>
public sealed class HostileCommandLineTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Asserts the one error path and returns the error line.</summary>
    private static string OneError(LabOutput run, string command)
    {
        Assert.True(run.ExitCode == 2, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Equal("", run.Stdout);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 2, $"expected an error line and a usage line, got:\n{run.Stderr}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.Equal($"Usage: Backprop.Lab {command} [options]; see 'Backprop.Lab {command} --help'", lines[1]);
        return lines[0];
    }

    [Theory]
    [InlineData("two-layer", "--epochs", "5", "--out", "/proc/x")]
    [InlineData("two-layer", "--epochs", "5", "--out", "/dev/null/x")]
    [InlineData("linear", "--out", "/dev/null/x")]
    [InlineData("regression", "--iters", "3", "--out", "/proc/x")]
    public void An_output_folder_that_cannot_be_created_names_the_option(params string[] args)
    {
        string error = OneError(Lab.Run(args), args[0]);
        Assert.StartsWith("error: --out", error);
        Assert.Contains(args[^1], error);
    }

    [Theory]
    [InlineData("linear", "--plot", "/dev/null/x/loss.png")]
    [InlineData("two-layer", "--epochs", "3", "--plot", "/proc/loss.png")]
    [InlineData("graph", "--dot", "/dev/null/g.dot")]
    public void A_file_that_cannot_be_written_names_the_option_and_the_file(params string[] args)
    {
        string error = OneError(Lab.Run(args), args[0]);
        Assert.StartsWith($"error: {args[^2]} '{args[^1]}': ", error);
    }

    [Theory]
    [InlineData("linear", "--epochs")]
    [InlineData("two-layer", "--epochs")]
    [InlineData("regression", "--iters")]
    [InlineData("three-by-three", "--steps")]
    [InlineData("sweep", "--epochs")]
    public void A_count_past_ten_million_is_refused_before_anything_is_allocated(string command, string option)
        => Assert.Equal($"error: {option}: must be at most 10000000 (got 2147483647)", OneError(Lab.Run(command, option, "2147483647"), command));

    [Fact]
    public void An_epoch_list_past_ten_million_is_refused()
        => Assert.Equal("error: --epochs-list: every value must be at most 10000000 (got 2147483647)",
            OneError(Lab.Run("sweep", "--epochs-list", "1,2147483647"), "sweep"));

    [Theory]
    [InlineData("regression", "--lr", "nan")]
    [InlineData("regression", "--lr", "inf")]
    [InlineData("linear", "--lr", "nan")]
    [InlineData("linear", "--w", "-inf")]
    [InlineData("two-layer", "--lr", "infinity")]
    [InlineData("fashion-mnist", "--lr", "nan")]
    [InlineData("graph", "--a", "nan")]
    [InlineData("manual-vs-autograd", "--tolerance", "inf")]
    public void A_number_that_is_not_finite_is_refused(string command, string option, string value)
        => Assert.Equal($"error: {option}: must be a finite number (got {value})", OneError(Lab.Run(command, option, value), command));

    [Theory]
    [InlineData("two-layer", "--weights", "0.2,-0.4,nan,0.6,0.1,-0.5,-0.3,0.8", "--weights: item 3 of '0.2,-0.4,nan,0.6,0.1,-0.5,-0.3,0.8' is nan")]
    [InlineData("linear", "--x", "1,inf,3", "--x: item 2 of '1,inf,3' is inf")]
    [InlineData("sweep", "--lrs", "0.1,-inf", "--lrs: item 2 of '0.1,-inf' is -inf")]
    public void A_list_with_a_value_that_is_not_finite_is_refused(string command, string option, string value, string message)
        => Assert.StartsWith($"error: {message}; every value must be a finite number", OneError(Lab.Run(command, option, value), command));

    [Fact]
    public void A_folder_given_as_the_regression_csv_says_it_is_a_folder()
        => Assert.Equal($"error: --data: '{_dir.Path}' is a folder; --data takes a CSV file of x,y rows",
            OneError(Lab.Run("regression", "--data", _dir.Path), "regression"));

    [Fact]
    public void A_file_given_as_the_fashion_mnist_folder_says_it_is_a_file()
    {
        string file = _dir.File("images.idx");
        File.WriteAllBytes(file, [0, 0, 8, 1, 0, 0, 0, 0]);
        Assert.StartsWith($"error: --data: '{file}' is a file; --data takes a folder", OneError(Lab.Run("fashion-mnist", "--data", file), "fashion-mnist"));
    }

    [Fact]
    public void A_truncated_idx_file_is_named_once()
    {
        string folder = _dir.File("data");
        Directory.CreateDirectory(folder);
        foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            File.WriteAllBytes(Path.Combine(folder, name), [0, 0, 8, 3, 0, 0, 0, 9, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]);
        string error = OneError(Lab.Run("fashion-mnist", "--data", folder), "fashion-mnist");
        string path = Path.Combine(folder, "train-images-idx3-ubyte");
        Assert.Equal($"error: fashion-mnist: {path}: truncated data: expected 7056 bytes of data at offset 16 but the file has only 3", error);
    }

    [Fact]
    public void A_parse_error_is_one_line_and_a_usage_line_not_the_whole_help()
    {
        Assert.Equal("error: Unrecognized command or argument '--bogus'.", OneError(Lab.Run("two-layer", "--bogus"), "two-layer"));
        Assert.Equal("error: --epochs: '1.5' is not a whole number", OneError(Lab.Run("linear", "--epochs", "1.5"), "linear"));
    }

    [Fact]
    public void A_folder_without_the_data_is_one_error_line_even_with_a_bad_save_path()
    {
        var run = Lab.Run("fashion-mnist", "--data", _dir.Path, "--save", "/dev/null/m.safetensors");
        // No data in the folder: the data error comes first, still one line.
        Assert.StartsWith("error: fashion-mnist: no Fashion-MNIST data", OneError(run, "fashion-mnist"));
    }
}
