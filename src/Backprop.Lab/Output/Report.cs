using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Backprop.Lab.Output;

/// <summary>
/// The human report: headings, text, tables and progress bars on a Spectre.Console console. On a terminal it has
/// colours and live progress bars; written to a file or a pipe (or captured by a test) it is plain text, 160 columns wide.
/// </summary>
internal sealed class Report
{
    private readonly IAnsiConsole _console;

    public Report(TextWriter writer)
    {
        bool terminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal) _console.Profile.Width = 160;
    }

    /// <summary>A heading line for an experiment or a section.</summary>
    public void Heading(string text)
    {
        _console.WriteLine();
        _console.Write(new Rule($"[bold]{Markup.Escape(text)}[/]") { Justification = Justify.Left });
    }

    /// <summary>Plain text, one or more lines (never read as markup).</summary>
    public void Line(string text = "") => _console.WriteLine(text);

    /// <summary>Text in a colour on a terminal, plain elsewhere.</summary>
    public void Styled(string text, string style) => _console.MarkupLine($"[{style}]{Markup.Escape(text)}[/]");

    /// <summary>A table: the first row gives the headers; numeric-looking cells are right-aligned.</summary>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? title = null)
    {
        var table = new Table { Border = TableBorder.Rounded };
        if (title is not null) table.Title = new TableTitle(Markup.Escape(title));
        var materialised = rows.ToList();
        for (int c = 0; c < headers.Count; c++)
        {
            var column = new TableColumn(Markup.Escape(headers[c]));
            if (materialised.Count > 0 && materialised.All(r => c < r.Count && LooksNumeric(r[c]))) column.RightAligned();
            table.AddColumn(column);
        }
        foreach (var row in materialised) table.AddRow(row.Select(cell => (IRenderable)new Text(cell)).ToArray());
        _console.Write(table);
    }

    /// <summary>Label and value pairs as a two-column grid.</summary>
    public void Pairs(IEnumerable<(string Label, string Value)> pairs)
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().PadRight(2));
        grid.AddColumn();
        foreach (var (label, value) in pairs) grid.AddRow(new Text(label), new Text(value));
        _console.Write(grid);
    }

    /// <summary>Where a file was written.</summary>
    public void Wrote(string what, string path) => Line(Backprop.Seeds.Texts.Language.Format(T.WroteFile, what, path));

    /// <summary>
    /// Runs work that reports its progress through the callback, with a live progress bar on a terminal and
    /// silently elsewhere (a progress bar in a log file is noise).
    /// </summary>
    public void Progress(string label, int total, Action<Action<int>> work) =>
        ProgressWithStatus(label, total, tick => work(done => tick(done, null)));

    /// <summary>As <see cref="Progress"/>, and each tick may also set a status shown after the label (a loss, a throughput).</summary>
    public void ProgressWithStatus(string label, int total, Action<Action<int, string?>> work)
    {
        if (!_console.Profile.Capabilities.Interactive)
        {
            work((_, _) => { });
            return;
        }
        _console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(label), maxValue: Math.Max(1, total));
                work((done, status) =>
                {
                    task.Value = done;
                    if (status is not null) task.Description = Markup.Escape($"{label}  {status}");
                });
                task.Value = task.MaxValue;
            });
    }

    private static bool LooksNumeric(string cell) =>
        cell.Length > 0 && double.TryParse(cell.Replace("×", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
