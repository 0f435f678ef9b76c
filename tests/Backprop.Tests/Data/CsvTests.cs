using Backprop;
using Backprop.Data;

namespace Backprop.Tests.Data;

public sealed class CsvTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-csv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CsvTable Parse(string text, bool? hasHeader = null, DType dtype = DType.Float32, char separator = ',') =>
        Csv.Read(new StringReader(text), hasHeader, dtype, separator, "points.csv");

    [Fact]
    public void A_header_is_detected_when_a_field_of_the_first_line_is_not_a_number()
    {
        var table = Parse("x,y\n1,2\n3.5,-4e-1\n");
        Assert.Equal(["x", "y"], table.Header!);
        Assert.Equal(DType.Float32, table.Values.DType);
        TensorAssert.Close([2, 2], [1, 2, 3.5, -0.4], table.Values);
    }

    [Fact]
    public void A_numeric_first_line_is_data()
    {
        var table = Parse("1,2,3\n4,5,6");
        Assert.Null(table.Header);
        TensorAssert.Close([2, 3], [1, 2, 3, 4, 5, 6], table.Values);
    }

    [Fact]
    public void HasHeader_true_takes_a_numeric_first_line_as_the_header()
    {
        var table = Parse("1,2\n3,4\n", hasHeader: true);
        Assert.Equal(["1", "2"], table.Header!);
        TensorAssert.Close([1, 2], [3, 4], table.Values);
    }

    [Fact]
    public void Errors_name_the_file_the_line_and_the_column()
    {
        string path = Path.Combine(_dir, "points.csv");
        File.WriteAllText(path, "x,y\n1,2\n\n3,4\n5,6\n7,8\n9,abc\n");
        var ex = Assert.Throws<InvalidDataException>(() => Csv.Read(path));
        Assert.Equal($"{path} line 7, column 2: 'abc' is not a number", ex.Message);
    }

    [Fact]
    public void HasHeader_false_makes_a_text_first_line_an_error()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse("x,y\n1,2\n", hasHeader: false));
        Assert.Equal("points.csv line 1, column 1: 'x' is not a number", ex.Message);
    }

    [Fact]
    public void Rows_of_different_lengths_are_refused()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse("a,b,c\n1,2,3\n4,5\n"));
        Assert.Equal("points.csv line 3: expected 3 fields (as in line 1) but found 2", ex.Message);
    }

    [Fact]
    public void Numbers_use_the_invariant_culture_and_Pythons_spellings_of_non_finite_values()
    {
        var values = Parse("1.5e3, -0.25 ,nan,inf,-Infinity,+INF,.5", dtype: DType.Float64).Values.ToArray<double>();
        Assert.Equal(1500, values[0]);
        Assert.Equal(-0.25, values[1]);
        Assert.True(double.IsNaN(values[2]));
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity, double.PositiveInfinity, 0.5], values[3..]);
        Assert.Throws<InvalidDataException>(() => Parse("1,000.5;2", hasHeader: false, separator: ';'));   // no thousands separators
    }

    [Fact]
    public void Float32_values_are_rounded_once_from_the_decimal()
    {
        // Just above the midpoint between 1 and the next float (1 + 2^-23): the correct float is 1 + 2^-23,
        // but rounding to double first lands exactly on the midpoint, which then rounds to even (1.0).
        var value = Parse("1.000000059604644775390625000001").Values.Item<float>();
        Assert.Equal(BitConverter.Int32BitsToSingle(0x3F800001), value);
    }

    [Fact]
    public void Int64_and_Bool_dtypes_parse_their_own_spellings()
    {
        var ints = Parse("id,count\n1,-9223372036854775808\n2,9223372036854775807\n", dtype: DType.Int64).Values;
        Assert.Equal([1L, long.MinValue, 2, long.MaxValue], ints.ToArray<long>());
        var ex = Assert.Throws<InvalidDataException>(() => Parse("1,2.5\n", dtype: DType.Int64));
        Assert.Equal("points.csv line 1, column 2: '2.5' is not an integer", ex.Message);
        var flags = Parse("a,b\ntrue,0\nFalse,1\n", dtype: DType.Bool).Values;
        Assert.Equal([true, false, false, true], flags.ToArray<bool>());
    }

    [Fact]
    public void Other_separators_and_quoted_fields_work()
    {
        var table = Parse("\"name; with \"\"quotes\"\"\";b\n\"1.5\";2\n", separator: ';');
        Assert.Equal(["name; with \"quotes\"", "b"], table.Header!);
        TensorAssert.Close([1, 2], [1.5, 2], table.Values);
        TensorAssert.Close([2, 2], [1, 2, 3, 4], Parse("1\t2\n3\t4\n", separator: '\t').Values);
    }

    [Fact]
    public void An_unterminated_quote_is_refused()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse("a,\"b\n1,2\n"));
        Assert.Equal("points.csv line 1, column 2: the quote at character 3 is never closed", ex.Message);
    }

    [Fact]
    public void An_empty_input_gives_0_by_0_and_a_header_alone_gives_0_rows()
    {
        TensorAssert.Shape([0, 0], Parse("").Values);
        var table = Parse("a,b,c\n");
        Assert.Equal(["a", "b", "c"], table.Header!);
        TensorAssert.Shape([0, 3], table.Values);
    }

    [Fact]
    public void An_empty_field_is_not_a_number()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse("1,2\n3,\n"));
        Assert.Equal("points.csv line 2, column 2: '' is not a number", ex.Message);
    }

    [Theory]
    [InlineData("1,,3\n4,5,6")]
    [InlineData(" , 2\n4,5")]
    public void A_first_line_with_an_empty_field_is_data_with_a_missing_number_not_a_header(string text)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse(text));
        Assert.StartsWith("points.csv line 1, column ", ex.Message);
        Assert.EndsWith("is not a number", ex.Message);
    }

    [Fact]
    public void A_text_header_with_an_empty_column_name_is_still_a_header()
    {
        var table = Parse("x,,z\n1,2,3");
        Assert.Equal(["x", "", "z"], table.Header!);
        TensorAssert.Close([1, 3], [1, 2, 3], table.Values);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Byte_order_marks_at_the_start_of_a_file_are_skipped(int marks)
    {
        string path = Path.Combine(_dir, "bom.csv");
        var bom = new byte[] { 0xEF, 0xBB, 0xBF };
        File.WriteAllBytes(path, [.. Enumerable.Repeat(bom, marks).SelectMany(b => b), .. "1,2\n3,4\n"u8.ToArray()]);
        var table = Csv.Read(path);
        Assert.Null(table.Header);
        TensorAssert.Close([2, 2], [1, 2, 3, 4], table.Values);
    }
}
