using System.CommandLine;
using Backprop.Lab.Cli;
using Backprop.Lab.Output;

namespace Backprop.Lab.Experiments;

internal sealed record GraphResult(double A, double B, double C, double J, double GradA, double GradB, double GradC, string Dot, string Svg)
{
    public JsonRecord ToJson() => new()
    {
        { "experiment", GraphExperiment.Name },
        { "J", J },
        { "grads", new JsonRecord { { "a", GradA }, { "b", GradB }, { "c", GradC } } },
    };
}

/// <summary>Seed 002: J(a, b, c) = 3(a + b·c), its gradients by autograd, and the recorded graph with every value and gradient as Graphviz DOT and as SVG drawn by the library's own layout (no Graphviz needed).</summary>
internal static class GraphExperiment
{
    public const string Name = "graph";

    public static Command Command(LabIo io)
    {
        var command = new Command(Name, "Seed 002: J(a,b,c) = 3(a + b·c), its gradients, and the computational graph as SVG and Graphviz DOT");
        var a = Values.Number("--a", 1.0, "a");
        var b = Values.Number("--b", 2.0, "b");
        var c = Values.Number("--c", 3.0, "c");
        var dot = Values.File("--dot", "write the graph as DOT to FILE and drawn as SVG to FILE with .svg; the human report writes <out>/graph.dot and <out>/graph.svg");
        foreach (var option in new Option[] { a, b, c, dot }) command.Options.Add(option);
        var common = CommonOptions.AddTo(command);
        command.SetAction(parse =>
        {
            var ctx = common.Read(parse, io);
            var result = Run(parse.GetValue(a), parse.GetValue(b), parse.GetValue(c), ctx.DType);
            string? dotPath = parse.GetValue(dot) ?? (ctx.Json ? null : ctx.OutPath("graph.dot"));
            string? svgPath = dotPath is null ? null : WriteGraph(result.Dot, result.Svg, dotPath);
            if (ctx.Json) return ctx.WriteJson(result.ToJson());
            Print(ctx.Report, result, dotPath, svgPath);
            return 0;
        });
        return command;
    }

    public static GraphResult Run(double aValue, double bValue, double cValue, DType dtype = DType.Float64)
    {
        var a = Tensor.Full([], aValue, dtype).RequiresGrad_();
        var b = Tensor.Full([], bValue, dtype).RequiresGrad_();
        var c = Tensor.Full([], cValue, dtype).RequiresGrad_();
        var u = b * c;        // u = bc
        var v = a + u;        // v = a + u
        var j = 3 * v;        // J = 3v
        u.RetainGrad();
        v.RetainGrad();
        j.Backward();
        // Drawn after backward, as micrograd's draw_dot: every box shows its value and its gradient.
        var names = new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b, ["c"] = c, ["u"] = u, ["v"] = v, ["J"] = j };
        string dot = Autograd.ToDot(j, names, showValues: true);
        string svg = Autograd.ToSvg(j, names, GraphLabels.Values | GraphLabels.Grads);
        return new GraphResult(aValue, bValue, cValue, j.Item(), a.Grad!.Item(), b.Grad!.Item(), c.Grad!.Item(), dot, svg);
    }

    /// <summary>
    /// Writes the DOT file and, beside it with the extension .svg, the same graph drawn by the library's own layered
    /// layout (Autograd.ToSvg), so a picture needs no Graphviz; each file is written whole or not at all. Returns the SVG's path.
    /// </summary>
    public static string WriteGraph(string dot, string svg, string dotPath)
    {
        string svgPath = Path.ChangeExtension(dotPath, ".svg");
        AtomicText.Write(dotPath, dot);
        AtomicText.Write(svgPath, svg);
        return svgPath;
    }

    public static void Print(Report report, GraphResult r, string? dotPath, string? svgPath)
    {
        report.Heading("graph (seed 002): J(a, b, c) = 3(a + b·c)");
        report.Line("  forward: u = b·c, v = a + u, J = 3v");
        report.Line($"  u = {Fmt.G(r.B)}·{Fmt.G(r.C)} = {Fmt.G(r.B * r.C)}, v = {Fmt.G(r.A)} + {Fmt.G(r.B * r.C)} = {Fmt.G(r.A + r.B * r.C)}, J = 3·{Fmt.G(r.A + r.B * r.C)} = {Fmt.R(r.J)}");
        report.Table(["gradient", "chain rule", "value"],
        [
            ["dJ/da", "dJ/dv · dv/da = 3 · 1", Fmt.R(r.GradA)],
            ["dJ/db", $"dJ/dv · dv/du · du/db = 3 · 1 · c = 3·{Fmt.G(r.C)}", Fmt.R(r.GradB)],
            ["dJ/dc", $"dJ/dv · dv/du · du/dc = 3 · 1 · b = 3·{Fmt.G(r.B)}", Fmt.R(r.GradC)],
        ]);
        if (dotPath is not null) report.Wrote("graph (DOT)", dotPath);
        if (svgPath is not null) report.Wrote("graph (SVG)", svgPath);
    }
}
