using System.Text;

namespace Backprop.NN;

public abstract partial class Module
{
    /// <summary>
    /// The module's own settings for its printed form, without its children: "in_features=4, out_features=8, bias=True"
    /// for a Linear. Override it in a module of your own; like module.extra_repr(). The library's layers print
    /// themselves whole (their ToString), and this gives the text inside their parentheses.
    /// </summary>
    public virtual string ExtraRepr()
    {
        if (GetType().GetMethod(nameof(ToString), Type.EmptyTypes)?.DeclaringType == typeof(Module)) return "";
        var text = ToString() ?? "";
        int open = text.IndexOf('(', StringComparison.Ordinal);
        return open >= 0 && text.EndsWith(')') ? text[(open + 1)..^1] : "";
    }

    /// <summary>
    /// The module tree as PyTorch's print(model) shows it: the class name, the extra repr, then each child as
    /// "(name): child", indented two spaces per level. Like module.__repr__().
    /// </summary>
    public override string ToString()
    {
        var extraLines = ExtraRepr() is { Length: > 0 } extra ? extra.Split('\n') : [];
        var childLines = new List<string>();
        foreach (var (name, child) in _modules)
            childLines.Add($"({name}): {Indent(child.ToString() ?? "", 2)}");

        var text = new StringBuilder(TypeName(GetType())).Append('(');
        if (extraLines.Length == 1 && childLines.Count == 0) text.Append(extraLines[0]);
        else if (extraLines.Length + childLines.Count > 0)
            text.Append("\n  ").Append(string.Join("\n  ", extraLines.Concat(childLines))).Append('\n');
        return text.Append(')').ToString();
    }

    /// <summary>Every line but the first indented by spaces, as PyTorch's _addindent.</summary>
    private static string Indent(string text, int spaces)
    {
        var lines = text.Split('\n');
        if (lines.Length == 1) return text;
        var pad = new string(' ', spaces);
        return lines[0] + "\n" + string.Join("\n", lines.Skip(1).Select(l => pad + l));
    }

    /// <summary>The class name as PyTorch prints it: without a generic arity suffix.</summary>
    private static string TypeName(Type type)
    {
        var name = type.Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}
