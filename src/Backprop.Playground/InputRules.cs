using Backprop.Playground.Texts;
using System.Globalization;

namespace Backprop.Playground;

/// <summary>How every field reads what is typed: a finite number in the field's range, or a message saying why not.</summary>
internal static class InputRules
{
    public static (double Value, string? Error) ParseNumber(string text, double min, double max, bool integer)
    {
        text = text.Trim();
        if (text.Length == 0) return (0, InputText.Empty);
        if (text.Length > 40) return (0, InputText.TooLong);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            return (0, string.Format(CultureInfo.InvariantCulture, InputText.NotANumber, text));
        if (double.IsNaN(v) || double.IsInfinity(v)) return (0, InputText.NotFinite);
        if (v < min || v > max)
            return (0, string.Format(CultureInfo.InvariantCulture, InputText.OutOfRange, min, max));
        if (integer && v != Math.Floor(v)) return (0, InputText.NotWhole);
        return (v, null);
    }
}

/// <summary>The messages of <see cref="InputRules"/>, read from Texts/PlaygroundText.resx in the current UI language (zh-CN: PlaygroundText.zh-CN.resx).</summary>
internal static class InputText
{
    public static string Empty => PlaygroundText.Input_Empty;
    public static string TooLong => PlaygroundText.Input_TooLong;
    public static string NotANumber => PlaygroundText.Input_NotANumber;
    public static string NotFinite => PlaygroundText.Input_NotFinite;
    public static string OutOfRange => PlaygroundText.Input_OutOfRange;
    public static string NotWhole => PlaygroundText.Input_NotWhole;
}
