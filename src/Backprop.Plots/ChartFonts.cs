using SkiaSharp;

namespace Backprop.Plots;

/// <summary>
/// The font for Chinese (CJK) texts in charts. ScottPlot draws with one Latin font by default, which has no CJK glyphs
/// (every character would be an empty box, "tofu"); a chart with a CJK text is drawn in the first installed of
/// <see cref="Families"/> instead (Debian's fonts-noto-cjk provides Noto Sans CJK SC).
/// </summary>
public static class ChartFonts
{
    /// <summary>The CJK font families tried in order, Simplified Chinese forms first.</summary>
    public static readonly IReadOnlyList<string> Families =
        ["Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC"];

    internal static string Wanted => string.Join(", ", Families);

    private static readonly Lazy<string?> Installed = new(() =>
    {
        foreach (var family in Families)
        {
            using var typeface = SKFontManager.Default.MatchFamily(family);
            // MatchFamily may answer with a fallback family; only the exact one counts, and it must have a Chinese glyph.
            if (typeface is not null && string.Equals(typeface.FamilyName, family, StringComparison.OrdinalIgnoreCase)
                && typeface.ContainsGlyph('\u68af'))   // 梯
                return typeface.FamilyName;
        }
        return null;
    });

    /// <summary>The installed CJK family the charts use, or null when none of <see cref="Families"/> is installed.</summary>
    public static string? Cjk => Installed.Value;

    /// <summary>Whether the text has a CJK character (ideographs, CJK and full-width punctuation, kana, hangul).</summary>
    public static bool HasCjk(string? text)
    {
        if (text is null) return false;
        foreach (char c in text)
            if (c is >= '\u2E80' and <= '\u9FFF' or >= '\uAC00' and <= '\uD7AF' or >= '\uF900' and <= '\uFAFF' or >= '\uFF00' and <= '\uFFEF')
                return true;
        return false;
    }
}
