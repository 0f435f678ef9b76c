using System.Text.Json;

namespace Backprop.Lab.Tests;

/// <summary>Compares two JSON records: the same keys in the same order, the same strings and booleans, numbers within a relative tolerance.</summary>
public static class JsonCompare
{
    public static void Equal(JsonElement expected, JsonElement actual, double relativeTolerance, string path = "$")
    {
        Assert.True(expected.ValueKind == actual.ValueKind || IsNumber(expected) && IsNumber(actual),
            $"{path}: expected {expected.ValueKind}, got {actual.ValueKind}");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var expectedKeys = expected.EnumerateObject().Select(p => p.Name).ToList();
                var actualKeys = actual.EnumerateObject().Select(p => p.Name).ToList();
                Assert.True(expectedKeys.SequenceEqual(actualKeys), $"{path}: keys [{string.Join(", ", actualKeys)}], expected [{string.Join(", ", expectedKeys)}]");
                foreach (var key in expectedKeys) Equal(expected.GetProperty(key), actual.GetProperty(key), relativeTolerance, $"{path}.{key}");
                break;
            case JsonValueKind.Array:
                Assert.True(expected.GetArrayLength() == actual.GetArrayLength(), $"{path}: {actual.GetArrayLength()} items, expected {expected.GetArrayLength()}");
                int i = 0;
                foreach (var (e, a) in expected.EnumerateArray().Zip(actual.EnumerateArray()))
                    Equal(e, a, relativeTolerance, $"{path}[{i++}]");
                break;
            case JsonValueKind.Number:
                double x = expected.GetDouble(), y = actual.GetDouble();
                double scale = Math.Max(Math.Abs(x), Math.Abs(y));
                Assert.True(x == y || Math.Abs(x - y) <= relativeTolerance * scale,
                    $"{path}: {y:R}, expected {x:R} (relative difference {Math.Abs(x - y) / scale:E2} > {relativeTolerance:E0})");
                break;
            case JsonValueKind.String:
                Assert.Equal(expected.GetString(), actual.GetString());
                break;
            default:
                Assert.Equal(expected.ValueKind, actual.ValueKind);
                break;
        }
    }

    private static bool IsNumber(JsonElement e) => e.ValueKind == JsonValueKind.Number;

    public static JsonElement Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
