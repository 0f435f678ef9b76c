using System.Globalization;

namespace Backprop.Seeds;

/// <summary>Numbers as the lab and the playground read them: invariant culture, and Python's inf and nan spelled out.</summary>
public static class NumberText
{
    /// <summary>A number, "inf", "-infinity" or "nan" (any case); false for anything else.</summary>
    public static bool TryParse(string text, out double value)
    {
        string t = text.Trim();
        switch (t.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity" or "+infinity": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
            case "nan" or "+nan" or "-nan": value = double.NaN; return true;
        }
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
