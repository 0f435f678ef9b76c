using System.CommandLine;
using Backprop.Lab.Cli;
using Backprop.Lab.Output;

namespace Backprop.Lab.Experiments.Broadcast;

/// <summary>One a (op) b: its shapes, the right-aligned comparison dim by dim, and the result or the error's message.</summary>
internal sealed record BroadcastCase(string Name, NestedList A, NestedList B, string Op, int[]? ResultShape, Tensor? Result, string? Error, IReadOnlyList<string> Rules)
{
    /// <summary>The case as the report titles it, in the report's language (Name, the JSON's, stays English).</summary>
    public string Title
    {
        get => _title ?? Name;
        init => _title = value;
    }

    private readonly string? _title;

    public JsonRecord ToJson()
    {
        var record = new JsonRecord
        {
            { "name", Name },
            { "a", A.Text },
            { "b", B.Text },
            { "a_shape", A.Shape },
            { "b_shape", B.Shape },
            { "op", Op },
            { "ok", Error is null },
        };
        if (Result is not null)
        {
            record.Add("shape", ResultShape);
            record.Add("result", Nested(Result.ToDoubleArray(), ResultShape!, 0, 0).Item1);
        }
        else record.Add("error", Error);
        return record;
    }

    /// <summary>The values as nested lists of the shape (a 0-d tensor: a bare number), as tensor.tolist() gives them.</summary>
    private static (object, int) Nested(double[] values, int[] shape, int dim, int offset)
    {
        if (dim == shape.Length) return (values[offset], offset + 1);
        var list = new List<object>();
        for (int i = 0; i < shape[dim]; i++)
        {
            (object item, offset) = Nested(values, shape, dim + 1, offset);
            list.Add(item);
        }
        return (list, offset);
    }
}

/// <summary>
/// Seed 001's broadcasting section: a = [1, 2, 3] and b = [[1], [2], [3]] added both ways, then the cases it says cannot
/// broadcast, with the messages; or any two tensors given as nested lists with --a and --b.
/// </summary>
internal static class BroadcastExperiment
{
    public const string Name = "broadcast";
    public const string SeedA = "[1,2,3]";
    public const string SeedB = "[[1],[2],[3]]";

    public static Command Command(LabIo io)
    {
        var command = new Command(Name, T.HelpBroadcast);
        var a = ListOption("--a", T.HelpBroadcastA);
        var b = ListOption("--b", T.HelpBroadcastB);
        var op = Values.Choice("--op", "add", T.HelpBroadcastOp, "add", "sub", "mul", "div");
        foreach (var option in new Option[] { a, b, op }) command.Options.Add(option);
        var common = CommonOptions.AddTo(command, dtype: false);
        command.SetAction(parse =>
        {
            var ctx = common.Read(parse, io);
            var cases = parse.GetValue(a) is null && parse.GetValue(b) is null
                ? SeedCases()
                : [Run("a (op) b", parse.GetValue(a) ?? NestedList.Parse("--a", SeedA), parse.GetValue(b) ?? NestedList.Parse("--b", SeedB), parse.GetValue(op)!) with { Title = T.BroadcastCaseGiven }];
            if (ctx.Json) return ctx.WriteJson(ToJson(cases));
            Print(ctx.Report, cases);
            return 0;
        });
        return command;
    }

    private static Option<NestedList?> ListOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "list",
        CustomParser = result =>
        {
            string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            try
            {
                return NestedList.Parse(name, text);
            }
            catch (FormatException e)
            {
                result.AddError(e.Message);
                return null;
            }
        },
    };

    /// <summary>The seed's examples, in its order, and the two kinds of tensor it says cannot broadcast.</summary>
    public static List<BroadcastCase> SeedCases()
    {
        NestedList L(string text) => NestedList.Parse("seed", text);
        return
        [
            Run("c = a + b (seed 001)", L(SeedA), L(SeedB), "add") with { Title = T.BroadcastCaseSeedAb },
            Run("c = b + a (seed 001)", L(SeedB), L(SeedA), "add") with { Title = T.BroadcastCaseSeedBa },
            Run("sizes differ and neither is 1: a + torch.Tensor([2,3])", L(SeedA), L("[2,3]"), "add") with { Title = T.BroadcastCaseMismatch },
            Run("a tensor with no elements: a + torch.Tensor([])", L(SeedA), L("[]"), "add") with { Title = T.BroadcastCaseEmpty },
            Run("a 0-d tensor broadcasts (the seed's 'at least one dimension' rule is from older PyTorch)", L(SeedA), L("5"), "add") with { Title = T.BroadcastCaseScalar },
            Run("missing leading dims count as 1: [2,3] - [3]", L("[[1,2,3],[4,5,6]]"), L(SeedA), "sub") with { Title = T.BroadcastCaseLeading },
        ];
    }

    public static BroadcastCase Run(string name, NestedList a, NestedList b, string op)
    {
        var rules = Rules(a.Shape, b.Shape);
        try
        {
            var (x, y) = (a.ToTensor(), b.ToTensor());
            var result = op switch { "sub" => x - y, "mul" => x * y, "div" => x / y, _ => x + y };
            return new BroadcastCase(name, a, b, op, result.Shape.ToArray(), result, null, rules);
        }
        catch (ArgumentException e)
        {
            return new BroadcastCase(name, a, b, op, null, null, e.Message, rules);
        }
    }

    /// <summary>The shapes aligned from the right and, dim by dim, which rule lets them meet (or that none does).</summary>
    public static List<string> Rules(int[] a, int[] b) => BroadcastRules.Lines(a, b);

    public static JsonRecord ToJson(List<BroadcastCase> cases) => new()
    {
        { "experiment", Name },
        { "cases", cases.Select(c => c.ToJson()).ToList() },
    };

    public static void Print(Report report, List<BroadcastCase> cases)
    {
        report.Heading(T.BroadcastHeading);
        foreach (var c in cases)
        {
            report.Line();
            report.Line(c.Title);
            string symbol = c.Op switch { "sub" => "-", "mul" => "*", "div" => "/", _ => "+" };
            report.Line($"  {c.A.Text} {NestedList.FormatShape(c.A.Shape)} {symbol} {c.B.Text} {NestedList.FormatShape(c.B.Shape)}");
            foreach (var rule in c.Rules) report.Line("    " + rule);
            if (c.Result is not null)
            {
                report.Line(Language.Format(T.BroadcastResult, NestedList.FormatShape(c.ResultShape!)));
                foreach (var line in c.Result.ToString().Split('\n')) report.Line("    " + line);
            }
            else report.Styled(Language.Format(T.BroadcastError, c.Error), "red");
        }
    }
}
