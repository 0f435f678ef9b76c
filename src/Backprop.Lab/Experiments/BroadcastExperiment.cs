using System.CommandLine;
using Backprop.Lab.Cli;

namespace Backprop.Lab.Experiments;

internal static class BroadcastExperiment
{
    public static Command Command(LabIo io) => new("broadcast", "todo");
}
