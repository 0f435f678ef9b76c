using System.Globalization;

namespace Backprop.Seeds.Texts;

/// <summary>
/// The languages the lab and the playground speak: English (the neutral resources, <c>en</c>) and Simplified Chinese
/// (<c>zh-CN</c>). A text is looked up in <see cref="CultureInfo.CurrentUICulture"/>; numbers are always formatted with
/// the invariant culture (they are data, to be copied), so only the words change with the language.
/// Adding a language: docs/localisation.md.
/// </summary>
public static class Language
{
    public const string English = "en";
    public const string Chinese = "zh-CN";

    /// <summary>Every supported language's culture name, English first.</summary>
    public static readonly IReadOnlyList<string> Supported = [English, Chinese];

    /// <summary>
    /// The supported language a culture or locale name asks for: "zh", "zh-CN", "zh_CN.UTF-8", "zh-Hans" give zh-CN;
    /// "en", "en_US.UTF-8" give en; null when the name names no supported language (the caller picks the default).
    /// </summary>
    public static string? Match(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        string tag = name.Trim().Split('.', '@')[0].Replace('_', '-');
        foreach (var supported in Supported)
            if (tag.Equals(supported, StringComparison.OrdinalIgnoreCase)) return supported;
        string primary = tag.Split('-')[0];
        if (primary.Equals("zh", StringComparison.OrdinalIgnoreCase)) return Chinese;
        if (primary.Equals("en", StringComparison.OrdinalIgnoreCase)) return English;
        return null;
    }

    /// <summary>
    /// The language of the environment: POSIX's LC_ALL, LC_MESSAGES, LANG (the first one set), else the current UI
    /// culture, else English. (Under invariant globalization .NET does not read LANG into CurrentUICulture itself.)
    /// </summary>
    public static string FromEnvironment()
    {
        foreach (var variable in new[] { "LC_ALL", "LC_MESSAGES", "LANG" })
        {
            string? value = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(value)) continue;
            return Match(value) ?? English;   // the first one set decides, as in POSIX
        }
        return Match(CultureInfo.CurrentUICulture.Name) ?? English;
    }

    /// <summary>A format string filled in with the invariant culture: the words from the resources, the numbers as data.</summary>
    public static string Format(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
