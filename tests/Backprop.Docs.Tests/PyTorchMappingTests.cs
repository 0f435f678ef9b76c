using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Backprop.Docs.Tests;

/// <summary>
/// docs/pytorch-mapping.md keeps up with the code: every public type of Backprop and Backprop.Plots, every public
/// (and, for types one can derive from, protected) method, property and field, every enum value and every Tensor
/// operator appears in it, in code spans (`...`). A member counts as listed when a code span holds
/// `Type.Member`, or when a line of the document names the type and the member in its code spans (a table row per
/// module or optimizer); Tensor's members may also appear as `x.Member`.
/// </summary>
public sealed partial class PyTorchMappingTests
{
    private static readonly Assembly[] Assemblies = [typeof(Tensor).Assembly, typeof(Backprop.Plots.Chart).Assembly];

    /// <summary>The C# spelling each Tensor operator must have in the document.</summary>
    private static readonly Dictionary<string, string> Operators = new()
    {
        ["op_Addition"] = "a + b", ["op_Subtraction"] = "a - b", ["op_Multiply"] = "a * b", ["op_Division"] = "a / b",
        ["op_UnaryNegation"] = "-a", ["op_LessThan"] = "a < b", ["op_GreaterThan"] = "a > b",
        ["op_LessThanOrEqual"] = "a <= b", ["op_GreaterThanOrEqual"] = "a >= b", ["op_BitwiseAnd"] = "a & b",
        ["op_BitwiseOr"] = "a | b", ["op_LogicalNot"] = "!a",
    };

    [Fact]
    public void Every_public_API_appears_in_the_mapping()
    {
        var document = new MappingDocument(File.ReadAllText(Repository.PathOf("docs", "pytorch-mapping.md")));
        var missing = new List<string>();
        foreach (var type in Assemblies.SelectMany(a => a.GetExportedTypes()).OrderBy(t => t.FullName))
        {
            string typeName = SimpleName(type);
            if (!document.Identifiers.Contains(typeName)) missing.Add($"type {type.FullName}");

            if (type.IsEnum)
            {
                foreach (var value in Enum.GetNames(type))
                    if (!document.HasQualified(typeName, value)) missing.Add($"enum value {typeName}.{value}");
                continue;
            }
            foreach (var member in DocumentedMembers(type))
            {
                if (member.StartsWith("op_"))
                {
                    if (type == typeof(Tensor) && Operators.TryGetValue(member, out var spelling) && !document.Spans.Any(s => s.Code.Contains(spelling)))
                        missing.Add($"operator {typeName}.{member} (as `{spelling}`)");
                    continue;
                }
                if (!document.Lists(typeName, member)) missing.Add($"{typeName}.{member}");
            }
        }
        Assert.True(missing.Count == 0,
            $"docs/pytorch-mapping.md does not mention {missing.Count} public API(s); add each beside its PyTorch counterpart:\n  "
            + string.Join("\n  ", missing));
    }

    [Fact]
    public void Mapping_lists_the_deliberate_differences()
    {
        var text = File.ReadAllText(Repository.PathOf("docs", "pytorch-mapping.md"));
        var differences = string.Join("\n", Markdown.Section(text, "Deliberate differences"));
        foreach (var topic in new[] { "using (Autograd.NoGrad())", "Forward", "Eq", "Item()", "Reduction.", "Add_", "ReadOnlySpan<int>", "NotSupportedException" })
            Assert.Contains(topic, differences);
    }

    /// <summary>Names of the public members a user calls: declared here, not overrides, not compiler plumbing.</summary>
    private static IEnumerable<string> DocumentedMembers(Type type)
    {
        var flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        bool derivable = !type.IsSealed && !type.IsValueType;
        bool Visible(MethodBase? m) => m is not null && (m.IsPublic || (derivable && (m.IsFamily || m.IsFamilyOrAssembly)));

        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var method in type.GetMethods(flags))
        {
            if (!Visible(method) || method.IsDefined(typeof(CompilerGeneratedAttribute))) continue;
            if (method.IsSpecialName && !method.Name.StartsWith("op_")) continue;   // property and event accessors
            if (IsOverride(method) || method.Name is "ToString" or "Equals" or "GetHashCode" or "GetEnumerator") continue;
            names.Add(method.Name);
        }
        foreach (var property in type.GetProperties(flags))
        {
            var getter = property.GetMethod;
            if (getter is null || !Visible(getter) || property.GetIndexParameters().Length > 0) continue;   // indexers: this[...]
            if (property.Name == "EqualityContract" || IsOverride(getter)) continue;   // a record's plumbing; overrides
            names.Add(property.Name);
        }
        foreach (var field in type.GetFields(flags))
            if ((field.IsPublic || (derivable && field.IsFamily)) && !field.IsSpecialName) names.Add(field.Name);
        return names;
    }

    private static bool IsOverride(MethodInfo method) => method.GetBaseDefinition().DeclaringType != method.DeclaringType;

    private static string SimpleName(Type type) => type.Name.Split('`')[0];

    /// <summary>The code spans of the mapping document, and lookups over them.</summary>
    private sealed partial class MappingDocument
    {
        public MappingDocument(string text)
        {
            Spans = Markdown.CodeSpans(text);
            foreach (var (line, code) in Spans)
                foreach (Match m in Identifier().Matches(code))
                {
                    Identifiers.Add(m.Value);
                    if (!_identifiersByLine.TryGetValue(line, out var set)) _identifiersByLine[line] = set = [];
                    set.Add(m.Value);
                }
        }

        public List<(int Line, string Code)> Spans { get; }

        public HashSet<string> Identifiers { get; } = new(StringComparer.Ordinal);

        private readonly Dictionary<int, HashSet<string>> _identifiersByLine = [];

        /// <summary>A code span holds "Type.Member".</summary>
        public bool HasQualified(string type, string member) =>
            Spans.Any(s => Regex.IsMatch(s.Code, $@"(?<![\w.]){Regex.Escape(type)}\.{Regex.Escape(member)}(?!\w)"));

        public bool Lists(string type, string member)
        {
            if (HasQualified(type, member)) return true;
            if (_identifiersByLine.Values.Any(ids => ids.Contains(type) && ids.Contains(member))) return true;
            // Tensor's instance members, written on a tensor variable: `x.Sum(dim)`.
            return type == nameof(Tensor) && Spans.Any(s => Regex.IsMatch(s.Code, $@"\.{Regex.Escape(member)}(?!\w)"));
        }

        [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*")]
        private static partial Regex Identifier();
    }
}
