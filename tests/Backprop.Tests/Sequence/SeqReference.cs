using System.Text.Json;
using Backprop;
using Backprop.NN;

namespace Backprop.Tests.Sequence;

/// <summary>
/// Reads Reference/seq_layers.json written by tests/reference/seq_reference.py (PyTorch 1.13, float64): inputs,
/// torch's initial parameters under a seed, outputs and the gradients of sum(out · gout) by state-dict name.
/// </summary>
internal static class SeqReference
{
    private static readonly JsonElement Root =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "seq_layers.json"))).RootElement;

    public static JsonElement Section(string name) => Root.GetProperty(name);

    public static JsonElement Case(string section, string name) =>
        Root.GetProperty(section).EnumerateArray().First(c => c.GetProperty("name").GetString() == name);

    public static TheoryData<string> Names(string section)
    {
        var data = new TheoryData<string>();
        foreach (var c in Root.GetProperty(section).EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    public static int[] Shape(JsonElement t) => t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public static double[] Data(JsonElement t) => t.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static Tensor Tensor(JsonElement t, bool requiresGrad = false)
    {
        var x = Backprop.Tensor.From(Data(t), Shape(t));
        return requiresGrad ? x.RequiresGrad_() : x;
    }

    public static Tensor Bool(JsonElement t) => Backprop.Tensor.From(Data(t), Shape(t)).Ne(0);

    public static void AssertClose(JsonElement expected, Tensor actual, double rtol = 1e-9, double atol = 1e-11) =>
        TensorAssert.Close(Shape(expected), Data(expected), actual, rtol, atol);

    /// <summary>The module's parameters equal torch's initial ones (same names, same order, same values), then are set to them exactly.</summary>
    public static void CheckAndLoadParams(Module module, JsonElement c, bool checkValues = true)
    {
        var expected = c.GetProperty("params");
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name), module.NamedParameters().Select(p => p.Name));
        foreach (var (name, p) in module.NamedParameters())
        {
            var e = expected.GetProperty(name);
            if (checkValues) AssertClose(e, p, rtol: 1e-12, atol: 1e-15);
            using (Autograd.NoGrad()) p.Copy_(Tensor(e));
        }
    }

    /// <summary>Every parameter's gradient equals torch's.</summary>
    public static void CheckGrads(Module module, JsonElement c)
    {
        foreach (var g in c.GetProperty("grads").EnumerateObject())
        {
            var p = module.NamedParameters().Single(p => p.Name == g.Name).Parameter;
            Assert.NotNull(p.Grad);
            AssertClose(g.Value, p.Grad!);
        }
    }
}
