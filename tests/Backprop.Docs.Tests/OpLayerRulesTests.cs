using System.Text.RegularExpressions;

namespace Backprop.Docs.Tests;

/// <summary>
/// The op layer's lifetime rule, checked on the source: only Ops/Dispatch.cs lends a storage's array to code and keeps
/// the tensor alive while it does (docs/decisions.md, "One op layer"). A new op that reaches around it fails here,
/// naming the file and line, instead of silently reading a recycled array one day.
/// </summary>
public sealed partial class OpLayerRulesTests
{
    // The allocator defines the arrays; the dispatcher lends them. Nothing else touches them.
    private static readonly string[] Owners = ["Ops/Dispatch.cs", "Storage.cs", "StoragePool.cs"];

    [Fact]
    public void Only_the_dispatcher_calls_GC_KeepAlive()
        => Assert.Equal([], Offending(KeepAlive(), "Ops/Dispatch.cs"));

    [Fact]
    public void Only_the_dispatcher_and_the_allocator_reach_a_storage_s_array()
        => Assert.Equal([], Offending(StorageArray(), Owners));

    [Fact]
    public void The_rules_see_what_they_forbid()
    {
        // The patterns are not vacuous: the owners themselves use what everyone else may not.
        Assert.NotEmpty(Offending(KeepAlive()));
        Assert.NotEmpty(Offending(StorageArray()));
        Assert.Matches(StorageArray(), "var a = ((Storage<float>)t.Storage).Data;");
        Assert.Matches(StorageArray(), "t.Data<double>()[i]");
        Assert.Matches(StorageArray(), "var s = t.Span<float>();");
        Assert.DoesNotMatch(StorageArray(), "e.Data[NodeKey] = node.Name;");
    }

    /// <summary>"file:line: text" for each line of src/Backprop matching pattern, outside the allowed files.</summary>
    private static List<string> Offending(Regex pattern, params string[] allowed)
    {
        string root = Repository.PathOf("src", "Backprop");
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal)) continue;
            if (allowed.Contains(relative)) continue;
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = lines[i].TrimStart();
                if (code.StartsWith("//", StringComparison.Ordinal)) continue;
                if (pattern.IsMatch(code)) found.Add($"src/Backprop/{relative}:{i + 1}: {code}");
            }
        }
        return found;
    }

    [GeneratedRegex(@"GC\.KeepAlive\s*\(")]
    private static partial Regex KeepAlive();

    // A cast to Storage<T> followed by .Data, or the old Data<T>()/Span<T>() accessors.
    [GeneratedRegex(@"\(Storage<\w+>\)[^;]*\)\.Data\b|\.(Data|Span)<\w+>\(\)")]
    private static partial Regex StorageArray();
}
