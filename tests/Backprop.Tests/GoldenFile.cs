using System.Text.Json;

namespace Backprop.Tests;

/// <summary>The outputs of ../shared/peer/lab_torch.py copied into Golden/, read as JSON.</summary>
internal static class GoldenFile
{
    public static JsonElement Read(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Golden", name);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    public static double[] Doubles(JsonElement array)
    {
        var values = new double[array.GetArrayLength()];
        for (int i = 0; i < values.Length; i++) values[i] = array[i].GetDouble();
        return values;
    }
}
