using System.CommandLine;
using Backprop.Lab.Cli;

namespace Backprop.Lab.Experiments;

internal static class AllExperiment
{
    public static Command Command(LabIo io) => new("all", "todo");
    public static void Configure(RootCommand root, LabIo io) { }
}
