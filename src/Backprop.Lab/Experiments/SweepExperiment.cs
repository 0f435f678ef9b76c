using System.CommandLine;
using Backprop.Lab.Cli;

namespace Backprop.Lab.Experiments;

internal static class SweepExperiment
{
    public static Command Command(LabIo io) => new("sweep", "todo");
}
