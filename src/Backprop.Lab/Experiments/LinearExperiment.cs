using System.CommandLine;
using Backprop.Lab.Cli;

namespace Backprop.Lab.Experiments;

internal static class LinearExperiment
{
    public static Command Command(LabIo io) => new("linear", "todo");
}
