using Backprop.Lab.Output;

namespace Backprop.Lab.Tests;

/// <summary>The --json writer lays floats out as Python's repr does (the values below are Python's own repr of each).</summary>
public class JsonFormatTests
{
    [Theory]
    [InlineData(21.0, "21.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1234567890123456.0, "1234567890123456.0")]
    [InlineData(123456789012345680.0, "1.2345678901234568e+17")]
    [InlineData(-2.5e-300, "-2.5e-300")]
    [InlineData(7.580974250901852e-05, "7.580974250901852e-05")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void Floats_are_written_as_python_repr_writes_them(double value, string expected)
        => Assert.Equal(expected, PythonFloat.Repr(value));

    [Fact]
    public void Records_use_json_dumps_separators_and_escapes()
    {
        var record = new JsonRecord { { "a", 1.0 }, { "b", new[] { 1.5, -2.0 } }, { "c", new JsonRecord { { "d", true }, { "e", "x\"y ½" } } }, { "f", 3 } };
        Assert.Equal("{\"a\": 1.0, \"b\": [1.5, -2.0], \"c\": {\"d\": true, \"e\": \"x\\\"y \\u00bd\"}, \"f\": 3}", record.ToString());
    }

    [Theory]
    [InlineData("two-layer")]
    [InlineData("broadcast")]
    [InlineData("manual-vs-autograd")]
    [InlineData("three-by-three")]
    public void Json_mode_prints_one_object_and_writes_no_files(string experiment)
    {
        using var dir = new TempDir();
        var json = Lab.Run(experiment, "--json", "--out", dir.Path).Json();
        Assert.Equal(experiment, json.GetProperty("experiment").GetString());
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}
