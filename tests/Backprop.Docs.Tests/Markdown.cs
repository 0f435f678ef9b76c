using System.Text.RegularExpressions;

namespace Backprop.Docs.Tests;

/// <summary>Just enough Markdown reading for the documentation tests: sections, fenced blocks, code spans.</summary>
internal static partial class Markdown
{
    /// <summary>The lines under the "## heading" line, up to the next heading of level 1 or 2.</summary>
    public static string[] Section(string markdown, string heading)
    {
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        int start = Array.FindIndex(lines, l => l.TrimEnd() == "## " + heading);
        if (start < 0) throw new InvalidOperationException($"no '## {heading}' heading");
        int end = start + 1;
        while (end < lines.Length && !lines[end].StartsWith("# ") && !lines[end].StartsWith("## ")) end++;
        return lines[(start + 1)..end];
    }

    /// <summary>The contents of the fenced blocks (```language) in lines, in order.</summary>
    public static List<string> FencedBlocks(IEnumerable<string> lines, string language)
    {
        var blocks = new List<string>();
        List<string>? current = null;
        bool inOtherBlock = false;
        foreach (var line in lines)
        {
            if (current is not null)
            {
                if (line.TrimStart().StartsWith("```")) { blocks.Add(string.Join("\n", current) + "\n"); current = null; }
                else current.Add(line);
            }
            else if (inOtherBlock) { if (line.TrimStart().StartsWith("```")) inOtherBlock = false; }
            else if (line.TrimStart() == "```" + language) current = [];
            else if (line.TrimStart().StartsWith("```")) inOtherBlock = true;
        }
        return blocks;
    }

    /// <summary>
    /// Every inline code span (`...`) outside fenced blocks, per line, with table escapes (\|) undone.
    /// </summary>
    public static List<(int Line, string Code)> CodeSpans(string markdown)
    {
        var spans = new List<(int, string)>();
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        bool fenced = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```")) { fenced = !fenced; continue; }
            if (fenced) continue;
            foreach (Match m in CodeSpan().Matches(lines[i]))
                spans.Add((i, m.Groups[2].Value.Replace("\\|", "|")));
        }
        return spans;
    }

    [GeneratedRegex(@"(`+)(.+?)\1")]
    private static partial Regex CodeSpan();
}
