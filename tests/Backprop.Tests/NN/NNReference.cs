using System.Globalization;
using System.Text.Json;
using Backprop;
using Backprop.NN;

namespace Backprop.Tests.NN;

/// <summary>
/// The PyTorch reference values of tests/reference/nn_reference.py (Reference/nn_losses.json, Reference/nn_layers.json).
/// Non-finite numbers are stored as the strings "NaN", "Infinity", "-Infinity".
/// </summary>
internal static class NNReference
{
    public static readonly JsonElement Losses = Load("nn_losses.json");
    public static readonly JsonElement Layers = Load("nn_layers.json");

    private static JsonElement Load(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Reference", file);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    public static double Number(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? double.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetDouble();

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(Number).ToArray();

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    public static DType DTypeOf(JsonElement e) => e.GetString() == "float32" ? DType.Float32 : DType.Float64;

    /// <summary>A tensor from a {"shape", "values"} object: Int64 when the values are integers, else of the given dtype.</summary>
    public static Tensor Packed(JsonElement e, DType floatDType)
    {
        var shape = Ints(e.GetProperty("shape"));
        var values = e.GetProperty("values");
        if (values.GetArrayLength() > 0 && values[0].ValueKind == JsonValueKind.Number && values.EnumerateArray().All(v => v.TryGetInt64(out _))
            && !values.GetRawText().Contains('.') && !values.GetRawText().Contains('e'))
            return Tensor.From(values.EnumerateArray().Select(v => v.GetInt64()).ToArray(), shape);
        return Tensor.From(Doubles(values), shape).To(floatDType);
    }

    public static Reduction ReductionOf(string name) => name switch
    {
        "none" => Reduction.None,
        "mean" => Reduction.Mean,
        "sum" => Reduction.Sum,
        "batchmean" => Reduction.BatchMean,
        _ => throw new ArgumentException(name),
    };
}
