using System.Text.Json;

namespace Backprop.Tests.Optim;

/// <summary>Reference/optim_more.json (tests/reference/optim_more_reference.py, PyTorch 1.13): NAdam, LBFGS and SequentialLR.</summary>
internal static class OptimMoreReference
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "optim_more.json"))).RootElement);

    public static JsonElement Data => Root.Value;

    public static JsonElement Case(string section, string name) =>
        Data.GetProperty(section).EnumerateArray().First(e => e.GetProperty("name").GetString() == name);

    public static TheoryData<string> Names(string section)
    {
        var data = new TheoryData<string>();
        foreach (var c in Data.GetProperty(section).EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }
}
