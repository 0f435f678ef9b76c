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

/// <summary>The messages of <see cref="InputRules"/>, in one place for translation.</summary>
internal static class InputText
{
    public const string Empty = "Type a number.";
    public const string TooLong = "Too long for a number.";
    public const string NotANumber = "'{0}' is not a number; the last good value is kept.";
    public const string NotFinite = "Only finite numbers (no NaN or infinity).";
    public const string OutOfRange = "Must be between {0} and {1}.";
    public const string NotWhole = "Must be a whole number.";
}
