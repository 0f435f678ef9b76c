using System.Text.RegularExpressions;

namespace Backprop.Docs.Tests;

/// <summary>
/// The op layer's lifetime rule, checked on the source: only Ops/Dispatch.cs lends a storage's array to code and keeps
/// the tensor alive while it does (docs/decisions.md, "One op layer"). A new op that reaches around it fails here,
/// naming the file and line, instead of silently reading a recycled array one day. And each op's names are declared
/// once, in Ops/OpCatalog.cs (docs/decisions.md, "One declaration per op"): a grad_fn name typed anywhere else fails.
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
    public void Only_the_op_catalog_spells_a_grad_fn_name()
        => Assert.Equal([], Offending(GradFnName(), "Ops/OpCatalog.cs"));

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
        Assert.NotEmpty(Offending(GradFnName()));
        Assert.Matches(GradFnName(), "return Graph.Record(y, \"SigmoidBackward0\", this, y, static (g, y) => SigmoidBackward(g, y));");
        Assert.Matches(GradFnName(), "return Graph.Record(y, log ? \"LogSoftmaxBackwardDataBackward0\" : \"SoftmaxBackwardDataBackward0\", g, y);");
        Assert.Matches(GradFnName(), "return Graph.Record(y, op + \"Backward1\", x, g => g);");
        // A custom Function's name is the user's, not an op's (PyTorch's BackwardHookFunctionBackward has no number).
        Assert.DoesNotMatch(GradFnName(), "public override string Name => \"BackwardHookFunctionBackward\";");
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

    // An op's grad_fn name, or the end of one, in quotes: PyTorch numbers every op's node (MulBackward0).
    [GeneratedRegex(@"""[A-Za-z0-9]*Backward\d+""")]
    private static partial Regex GradFnName();

    // A cast to Storage<T> followed by .Data, or the old Data<T>()/Span<T>() accessors.
    [GeneratedRegex(@"\(Storage<\w+>\)[^;]*\)\.Data\b|\.(Data|Span)<\w+>\(\)")]
    private static partial Regex StorageArray();
}
