using System.CommandLine;
using System.CommandLine.Help;
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
        var root = new RootCommand(
            "The Backprop lab: the seed exercises on backpropagation, hand-derived gradients beside autograd, checked against PyTorch.\n" +
            "With no experiment it runs them all (like `all`).")
        {
            // The same name in help whether it runs as the program or inside a test host.
            HelpName = "Backprop.Lab",
        };
        foreach (var command in Experiments(io)) root.Subcommands.Add(command);
        AllExperiment.Configure(root, io);
        return root;
    }

    /// <summary>Parses and runs; writes only to the given writers.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var io = new LabIo(stdout, stderr);
        var root = Build(io);
        var result = root.Parse(args);
        if (result.Errors.Count > 0 && result.Action is not HelpAction)
        {
            foreach (var error in result.Errors) stderr.WriteLine($"error: {error.Message}");
            stderr.WriteLine();
            WriteUsage(root, result.CommandResult.Command, stderr);
            return BadInput;
        }
        try
        {
            return result.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (LabInputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (ArgumentException e)
        {
            // The library refusing a setting the parser let through (a negative learning rate, say): its message names it.
            stderr.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        finally
        {
            stdout.Flush();
            stderr.Flush();
        }
    }

    /// <summary>The help of the command that failed to parse, written to the error stream.</summary>
    private static void WriteUsage(RootCommand root, Command command, TextWriter writer)
    {
        string[] helpArgs = ReferenceEquals(command, root) ? ["--help"] : [command.Name, "--help"];
        root.Parse(helpArgs).Invoke(new InvocationConfiguration { Output = writer, Error = writer });
    }
}
