using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;

namespace Backprop.Tests.Shared;

/// <summary>
/// Checks one set of .resx texts (a ResourceManager) in every language: each key of the English (neutral) resources is
/// in each translation, non-empty, with the same format placeholders ({0}, {1:F2} …), and no translation has a key
/// English lacks. A Chinese text is written in Chinese (a CJK character in it, unless the test lists the key as the same
/// in every language, e.g. a formula) and uses full-width punctuation after Chinese characters (，not ,).
/// </summary>
public static partial class ResourceCompleteness
{
    public static readonly string[] Translations = ["zh-CN"];

    public static Dictionary<string, string> Texts(ResourceManager manager, CultureInfo culture)
    {
        var set = manager.GetResourceSet(culture, createIfNotExists: true, tryParents: false)
                  ?? throw new InvalidOperationException($"{manager.BaseName}: no resources for '{culture.Name}' (is the satellite assembly built?)");
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in set) texts[(string)entry.Key] = entry.Value as string ?? "";
        return texts;
    }

    /// <summary>The texts of a .resx file (name → value), read as XML: for projects a test cannot load (the Blazor app).</summary>
    public static Dictionary<string, string> TextsOfResx(string path) =>
        System.Xml.Linq.XDocument.Load(path).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);

    /// <summary>Every problem found, one line each; empty when the translations are complete.</summary>
    public static List<string> Problems(ResourceManager manager, IReadOnlySet<string> sameInEveryLanguage) =>
        Problems(manager.BaseName, Texts(manager, CultureInfo.InvariantCulture),
            Translations.ToDictionary(n => n, n => Texts(manager, CultureInfo.GetCultureInfo(n))), sameInEveryLanguage);

    /// <summary>Every problem of an English .resx file and its translations beside it (Name.zh-CN.resx).</summary>
    public static List<string> ProblemsOfResx(string englishPath, IReadOnlySet<string> sameInEveryLanguage) =>
        Problems(Path.GetFileNameWithoutExtension(englishPath), TextsOfResx(englishPath),
            Translations.ToDictionary(n => n, n => TextsOfResx(Path.ChangeExtension(englishPath, n + ".resx"))), sameInEveryLanguage);

    public static List<string> Problems(string baseName, Dictionary<string, string> english,
        Dictionary<string, Dictionary<string, string>> translations, IReadOnlySet<string> sameInEveryLanguage)
    {
        var problems = new List<string>();
        if (english.Count == 0) problems.Add($"{baseName}: no English texts");
        foreach (var (key, text) in english)
            if (string.IsNullOrWhiteSpace(text)) problems.Add($"{baseName}.{key}: empty in English");
        foreach (var (name, translated) in translations)
        {
            foreach (var key in translated.Keys.Except(english.Keys))
                problems.Add($"{baseName}.{key}: in {name} but not in English");
            foreach (var (key, text) in english)
            {
                string where = $"{baseName}.{key} ({name})";
                if (!translated.TryGetValue(key, out var t)) { problems.Add($"{where}: missing"); continue; }
                if (string.IsNullOrWhiteSpace(t)) { problems.Add($"{where}: empty"); continue; }
                var (pe, pt) = (Placeholders(text), Placeholders(t));
                if (!pe.SequenceEqual(pt))
                    problems.Add($"{where}: placeholders {string.Join(" ", pt)} but English has {string.Join(" ", pe)}");
                if (name.StartsWith("zh", StringComparison.Ordinal))
                {
                    if (!sameInEveryLanguage.Contains(key) && !t.Any(IsCjk))
                        problems.Add($"{where}: no Chinese in '{t}'");
                    if (sameInEveryLanguage.Contains(key) && t.Any(IsCjk))
                        problems.Add($"{where}: listed as the same in every language but has Chinese");
                    var half = HalfWidthAfterCjk().Match(t);
                    if (half.Success) problems.Add($"{where}: half-width '{half.Value[^1]}' after Chinese in '{t}' (use full-width punctuation)");
                }
            }
        }
        return problems;
    }

    /// <summary>The format items of a composite format string, sorted: "{1} and {0:F2}" gives ["{0:F2}", "{1}"].</summary>
    public static List<string> Placeholders(string format) =>
        FormatItem().Matches(format.Replace("{{", "", StringComparison.Ordinal).Replace("}}", "", StringComparison.Ordinal))
            .Select(m => m.Value).Order(StringComparer.Ordinal).ToList();

    public static bool IsCjk(char c) => c is >= '\u4E00' and <= '\u9FFF' or >= '\u3000' and <= '\u303F' or >= '\uFF00' and <= '\uFFEF';

    [GeneratedRegex(@"\{\d+(,-?\d+)?(:[^}]*)?\}")]
    private static partial Regex FormatItem();

    // A Chinese character followed by ASCII , ; : ? ! or ( — Chinese writing uses ，；：？！（ there.
    [GeneratedRegex(@"[\u4E00-\u9FFF][,;:?!(]")]
    private static partial Regex HalfWidthAfterCjk();
}
