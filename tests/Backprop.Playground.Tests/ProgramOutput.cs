using System.Globalization;
using System.Text.RegularExpressions;

namespace Backprop.Playground.Tests;

/// <summary>The line the code panel's programs print: "after N steps: train loss …, test loss …, test accuracy …".</summary>
internal sealed partial record ProgramOutput(int Steps, double TrainLoss, double TestLoss, double TestAccuracy)
{
    [GeneratedRegex(@"after (\d+) steps: train loss (\S+), test loss (\S+), test accuracy (\S+)")]
    private static partial Regex Line();

    public static ProgramOutput Parse(string output)
    {
        var m = Line().Match(output);
        Assert.True(m.Success, "no result line in the program's output:\n" + output);
        double D(int g) => double.Parse(m.Groups[g].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        return new ProgramOutput(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), D(2), D(3), D(4));
    }
}
