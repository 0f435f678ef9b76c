using System.Text;
using System.Text.RegularExpressions;

namespace Backprop.Seeds.CharLm;

/// <summary>
/// A text as charlm_torch.py prepares it: read as UTF-8 (line ends normalised to "\n" as Python's text mode does),
/// ANSI colour escapes removed, every line that is exactly "%" dropped, the rest joined with "\n"; the vocabulary is
/// the sorted set of its code points; the first 90% of the ids (floor) train, the rest validate.
/// </summary>
public sealed partial class CharLmCorpus
{
    /// <summary>Where Debian's fortunes and fortunes-zh put their files.</summary>
    public const string FortunesFolder = "/usr/share/games/fortunes";

    /// <summary>The corpus argument as given (a name under <see cref="FortunesFolder"/> or a path).</summary>
    public string Name { get; }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The prepared text, as code points.</summary>
    public IReadOnlyList<string> Text { get; }

    /// <summary>The vocabulary: each distinct code point once, in ordinal order; an id is an index here.</summary>
    public IReadOnlyList<string> Chars { get; }

    /// <summary>The whole text as ids (Int64).</summary>
    public Tensor Ids { get; }

    /// <summary>The first 90% of <see cref="Ids"/>.</summary>
    public Tensor Train { get; }

    /// <summary>The rest of <see cref="Ids"/>.</summary>
    public Tensor Validation { get; }

    private readonly Dictionary<string, int> _index;

    private CharLmCorpus(string name, string path, List<string> text)
    {
        Name = name;
        Path = path;
        Text = text;
        Chars = text.Distinct().OrderBy(c => char.ConvertToUtf32(c, 0)).ToList();
        _index = Chars.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var ids = text.Select(c => (long)_index[c]).ToArray();
        Ids = Tensor.From(ids);
        int split = (int)(ids.Length * 0.9);
        Train = Ids.Narrow(0, 0, split);
        Validation = Ids.Narrow(0, split, ids.Length - split);
    }

    /// <summary>The id of a character (one code point).</summary>
    public int IdOf(string ch) => _index[ch];

    /// <summary>Ids back to text.</summary>
    public string Decode(IEnumerable<long> ids) => string.Concat(ids.Select(i => Chars[(int)i]));

    /// <summary>The file a corpus argument names: a bare name is a file under <see cref="FortunesFolder"/> (tang300, song100, fortunes), anything with a '/' a path.</summary>
    public static string PathOf(string name) => name.Contains('/') ? name : System.IO.Path.Combine(FortunesFolder, name);

    /// <summary>
    /// Reads and prepares a corpus. Throws IOException (or UnauthorizedAccessException) when the file cannot be read,
    /// DecoderFallbackException when it is not UTF-8, InvalidDataException when it has fewer than two characters.
    /// </summary>
    public static CharLmCorpus Load(string name)
    {
        string path = PathOf(name);
        return FromText(name, path, File.ReadAllText(path, new UTF8Encoding(false, throwOnInvalidBytes: true)));
    }

    /// <summary>Prepares raw text read from path as charlm_torch.py does.</summary>
    public static CharLmCorpus FromText(string name, string path, string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        raw = raw.Replace("\r\n", "\n").Replace('\r', '\n');   // Python's universal newlines
        raw = AnsiColour().Replace(raw, "");
        string joined = string.Join("\n", raw.Split('\n').Where(line => line != "%"));
        var text = new List<string>(joined.Length);
        foreach (var rune in joined.EnumerateRunes()) text.Add(rune.ToString());
        if (text.Count < 2) throw new InvalidDataException($"{path} has fewer than two characters of text");
        return new CharLmCorpus(name, path, text);
    }

    [GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial Regex AnsiColour();
}
