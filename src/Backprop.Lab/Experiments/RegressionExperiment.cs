using System.CommandLine;
using Backprop.Lab.Cli;

namespace Backprop.Lab.Experiments;

internal static class RegressionExperiment
{
    public static Command Command(LabIo io) => new("regression", "todo");
}
