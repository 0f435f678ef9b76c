using System.Text.Json;
using Backprop;

namespace Backprop.Tests.Convolution;

/// <summary>
/// Reads the Reference/conv_*.json files written by tests/reference/conv_reference.py (PyTorch 1.13): inputs drawn
/// by a seeded torch generator, stored beside torch's outputs and gradients of sum(out · gout).
/// </summary>
internal static class ConvReference
{
    private static readonly Dictionary<string, JsonElement> Files = [];

    private static JsonElement File(string name)
    {
        lock (Files)
        {
            if (!Files.TryGetValue(name, out var root))
            {
                root = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", name))).RootElement;
                Files[name] = root;
            }
            return root;
        }
    }

    public static IEnumerable<JsonElement> Cases(string file, string section) => File(file).GetProperty(section).EnumerateArray();

    public static JsonElement Case(string file, string section, string name) =>
        Cases(file, section).First(c => c.GetProperty("name").GetString() == name);

    public static TheoryData<string> Names(string file, string section)
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases(file, section)) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    public static int[] Shape(JsonElement tensor) => tensor.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public static double[] Data(JsonElement tensor) => tensor.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    /// <summary>A stored tensor in the given dtype (a leaf that requires grad when asked).</summary>
    public static Tensor Tensor(JsonElement tensor, DType dtype = DType.Float64, bool requiresGrad = false)
    {
        var t = Backprop.Tensor.From(Data(tensor), Shape(tensor)).To(dtype);
        return requiresGrad ? t.RequiresGrad_() : t;
    }

    public static Size2 Pair(JsonElement c, string key) =>
        c.GetProperty(key) is var p ? new Size2(p[0].GetInt32(), p[1].GetInt32()) : default;

    public static DType DTypeOf(JsonElement c) =>
        c.TryGetProperty("dtype", out var d) && d.GetString() == "float32" ? DType.Float32 : DType.Float64;

    /// <summary>Shape and values of a stored tensor, within the tolerance of its dtype.</summary>
    public static void AssertClose(JsonElement expected, Tensor actual, DType dtype = DType.Float64)
    {
        double rtol = dtype == DType.Float32 ? 1e-5 : 1e-10, atol = dtype == DType.Float32 ? 1e-5 : 1e-12;
        TensorAssert.Close(Shape(expected), Data(expected), actual, rtol, atol);
    }
}
