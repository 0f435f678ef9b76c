using System.CommandLine;
using System.Globalization;
using Backprop.Lab.Output;

namespace Backprop.Lab.Cli;

/// <summary>What every experiment takes: --json, --dtype, --out and --lang.</summary>
internal sealed class CommonOptions
{
    public const string DefaultOut = "lab-out";

    public Option<bool> Json { get; } = new("--json")
    {
        Description = T.HelpJson,
    };

    public Option<string> DType { get; } = Values.Choice("--dtype", "float64", T.HelpDtype, "float64", "float32");

    public Option<string> Out { get; } = new("--out")
    {
        Description = T.HelpOut,
        HelpName = "DIR",
        DefaultValueFactory = _ => DefaultOut,
    };

    public Option<string> Lang { get; } = LangOption();

    /// <summary>--lang en|zh-CN; the default is the environment's (LC_ALL, LC_MESSAGES, LANG), English when it names neither.</summary>
    private static Option<string> LangOption()
    {
        var option = new Option<string>("--lang")
        {
            Description = T.HelpLang,
            HelpName = string.Join("|", Language.Supported),
            DefaultValueFactory = _ => Language.FromEnvironment(),
        };
        option.AcceptOnlyFromAmong([.. Language.Supported]);
        return option;
    }

    /// <summary>Creates the options and adds them to the command.</summary>
    public static CommonOptions AddTo(Command command, bool dtype = true)
    {
        var options = new CommonOptions();
        command.Options.Add(options.Json);
        if (dtype) command.Options.Add(options.DType);
        command.Options.Add(options.Out);
        command.Options.Add(options.Lang);
        return options;
    }

    /// <summary>Reads the settings and switches this thread's UI culture to --lang (LabCommandLine.Run restores it).</summary>
    public RunContext Read(ParseResult result, LabIo io)
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(result.GetValue(Lang) ?? Language.English);
        return new(io,
        result.GetValue(Json),
        result.GetValue(DType) == "float32" ? Backprop.DType.Float32 : Backprop.DType.Float64,
        result.GetValue(Out) ?? DefaultOut);
    }
}

/// <summary>The streams the lab writes to (the console, or a test's writers).</summary>
internal sealed record LabIo(TextWriter Out, TextWriter Error);

/// <summary>One run's settings shared by all experiments, and its outputs.</summary>
internal sealed class RunContext(LabIo io, bool json, DType dtype, string outDir)
{
    private Report? _report;

    public LabIo Io { get; } = io;
    public bool Json { get; } = json;
    public DType DType { get; } = dtype;
    public string OutDir { get; } = outDir;

    /// <summary>The human report (never used with --json: stdout then carries the JSON object alone).</summary>
    public Report Report => Json ? throw new InvalidOperationException("no human report with --json") : _report ??= new Report(Io.Out);

    /// <summary>The path of a file in the output folder.</summary>
    public string OutPath(string fileName) => Path.Combine(OutDir, fileName);

    /// <summary>Writes the JSON record as the only line on stdout.</summary>
    public int WriteJson(JsonRecord record)
    {
        Io.Out.WriteLine(record.ToString());
        Io.Out.Flush();
        return 0;
    }
}
