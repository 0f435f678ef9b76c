using System.CommandLine;
using Backprop.Lab.Cli;

namespace Backprop.Lab.Experiments;

internal static class GraphExperiment
{
    public static Command Command(LabIo io) => new("graph", "todo");
}
