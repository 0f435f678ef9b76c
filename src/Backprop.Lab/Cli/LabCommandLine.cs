using System.CommandLine;
using System.Globalization;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Backprop.Lab.Experiments;
using Backprop.Lab.Experiments.TwoLayer;
using Backprop.Lab.Experiments.All;
using Backprop.Lab.Experiments.Sweep;
using Backprop.Lab.Experiments.Broadcast;
using Backprop.Lab.Experiments.CharLm;
using Backprop.Lab.Experiments.FashionMnist;
using Backprop.Lab.Experiments.Regression;
using Backprop.Lab.Experiments.ThreeByThree;

namespace Backprop.Lab.Cli;

/// <summary>
/// The lab's command line: `lab [experiment] [options]`, one sub-command per experiment, `all` when none is named.
/// Exit codes: 0 done, 2 bad input (unknown experiment or option, malformed value, unreadable file).
/// </summary>
internal static class LabCommandLine
{
    public const int BadInput = 2;

    /// <summary>Every experiment's command, in the order `all` runs them.</summary>
    private static IEnumerable<Command> Experiments(LabIo io) =>
    [
        TwoLayerExperiment.Command(io),
        ManualVsAutogradExperiment.Command(io),
        ThreeByThreeExperiment.Command(io),
        LinearExperiment.Command(io),
        RegressionExperiment.Command(io),
        GraphExperiment.Command(io),
        BroadcastExperiment.Command(io),
        SweepExperiment.Command(io),
        FashionMnistExperiment.Command(io),
        CharLmExperiment.Command(io),
        AllExperiment.Command(io),
    ];

    public static RootCommand Build(LabIo io)
    {
        var root = new RootCommand(T.HelpRoot)
        {
            // The same name in help whether it runs as the program or inside a test host.
            HelpName = "Backprop.Lab",
        };
        foreach (var command in Experiments(io)) root.Subcommands.Add(command);
        AllExperiment.Configure(root, io);
        return root;
    }

    /// <summary>
    /// Parses and runs; writes only to the given writers. Every error a user can cause (a malformed option, a number out
    /// of range, a file that cannot be read or written, a folder where a file belongs) ends the same way: one line
    /// "error: …" naming the option or the file, one line of usage pointing to --help, and exit code 2.
    /// </summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var io = new LabIo(stdout, stderr);
        var uiCulture = CultureInfo.CurrentUICulture;   // --lang changes it for the run only
        // The help texts are read when the commands are built: in --lang's language if the arguments name one.
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(LanguageOf(args));
        var root = Build(io);
        var result = root.Parse(args);
        try
        {
            if (result.Errors.Count > 0 && result.Action is not HelpAction)
                return Fail(stderr, root, result, string.Join("; ", result.Errors.Select(Describe).Distinct()));
            try
            {
                return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
            }
            catch (Exception e) when (IsBadInput(e))
            {
                return Fail(stderr, root, result, Describe(e, result));
            }
        }
        finally
        {
            CultureInfo.CurrentUICulture = uiCulture;
            stdout.Flush();
            stderr.Flush();
        }
    }

    /// <summary>The language the arguments ask for (--lang X or --lang=X, if supported), else the environment's.</summary>
    private static string LanguageOf(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string? value = args[i] == "--lang" && i + 1 < args.Length ? args[i + 1]
                : args[i].StartsWith("--lang=", StringComparison.Ordinal) ? args[i]["--lang=".Length..] : null;
            if (value is not null && Language.Supported.Contains(value)) return value;
        }
        return Language.FromEnvironment();
    }

    /// <summary>
    /// What a user can cause: the lab's own refusals, the library refusing a setting (its message names it), and the
    /// file system refusing a path (missing, a folder, read-only, /proc, a file where a folder belongs).
    /// </summary>
    private static bool IsBadInput(Exception e) => e is LabInputException or ArgumentException or IOException
        or UnauthorizedAccessException or InvalidDataException or NotSupportedException or System.Security.SecurityException;

    /// <summary>A parse error's message, with the option it concerns in front (System.CommandLine's own texts omit it).</summary>
    private static string Describe(ParseError error)
    {
        var option = error.SymbolResult switch
        {
            OptionResult o => o.Option,
            ArgumentResult { Parent: OptionResult o } => o.Option,
            _ => null,
        };
        return option is null || error.Message.StartsWith(option.Name, StringComparison.Ordinal) ? error.Message : $"{option.Name}: {error.Message}";
    }

    /// <summary>
    /// The message, with the path option it concerns in front: the option whose path (or the longest of its parent
    /// folders) the message names; one the user typed wins a tie with a default (--out's "lab-out").
    /// </summary>
    private static string Describe(Exception e, ParseResult result)
    {
        string message = e.Message.ReplaceLineEndings(" ").Trim();
        if (e is LabInputException or ArgumentException) return message;
        var options = result.CommandResult.Command.Options;
        (string Name, string Value, int Length, bool Typed)? best = null;
        foreach (var option in options)
        {
            string? value = option switch
            {
                Option<string> o => result.GetValue(o),   // Option<string?> too: the same type at run time
                _ => null,
            };
            if (string.IsNullOrEmpty(value) || option.Name == "--dtype") continue;
            bool typed = result.GetResult(option) is { Implicit: false };
            int length = MatchedPathLength(message, value);
            if (length > 0 && (best is not { } b || length > b.Length || length == b.Length && typed && !b.Typed))
                best = (option.Name, value, length, typed);
        }
        if (best is not { } found) return message;
        // The file system names the part of the path it stumbled on ('/dev/null'); the user's whole value goes in front.
        return found.Length == int.MaxValue ? $"{found.Name}: {message}" : $"{found.Name} '{found.Value}': {message}";
    }

    /// <summary>The length of the longest of the path, its full form and its parent folders (not "/") in the message; 0 if none.</summary>
    private static int MatchedPathLength(string message, string path)
    {
        if (message.Contains(path, StringComparison.Ordinal)) return int.MaxValue;
        string? candidate;
        try { candidate = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { return 0; }
        for (; candidate is { Length: > 1 }; candidate = Path.GetDirectoryName(candidate))
            if (message.Contains(candidate, StringComparison.Ordinal)) return candidate.Length;
        return 0;
    }

    /// <summary>Writes the error and the one-line usage of the command, and returns the bad-input exit code.</summary>
    private static int Fail(TextWriter stderr, RootCommand root, ParseResult result, string message)
    {
        stderr.WriteLine($"error: {message}");
        var command = result.CommandResult.Command;
        if (ReferenceEquals(command, root))
            stderr.WriteLine($"Usage: {root.HelpName} [experiment] [options], experiments: " +
                             $"{string.Join(", ", root.Subcommands.Select(c => c.Name))}; see '{root.HelpName} --help'");
        else
            stderr.WriteLine($"Usage: {root.HelpName} {command.Name} [options]; see '{root.HelpName} {command.Name} --help'");
        return BadInput;
    }
}
