using System.Globalization;
using Backprop.Seeds.Classification;
using Backprop.Testing;

namespace Backprop.Playground.Tests;

/// <summary>
/// The code panel's programs reproduce the page's training: the C# one, compiled and run against the library, prints
/// exactly the session's numbers; the PyTorch one, run with torch 1.13, prints them to float32 rounding.
/// </summary>
public sealed class ClassificationProgramsTests
{
    public static TheoryData<string> Configurations => new()
    {
        "xor", "spiral-relu-l2", "gauss-l1-linear", "circle-features-sigmoid",
    };

    internal static (ClassificationSettings Settings, int Steps) Configuration(string name) => name switch
    {
        "xor" => (new ClassificationSettings { Dataset = Dataset.Xor, Hidden = [8, 8], LearningRate = 0.1 }, 20),
        "spiral-relu-l2" => (new ClassificationSettings
        {
            Dataset = Dataset.Spiral, Noise = 0.1, Points = 300, TrainRatio = 0.7, Seed = 7, Activation = HiddenActivation.Relu,
            Hidden = [6, 5, 3], Regularization = Regularization.L2, RegularizationRate = 0.001, LearningRate = 0.05, BatchSize = 16,
        }, 12),
        "gauss-l1-linear" => (new ClassificationSettings
        {
            Dataset = Dataset.Gauss, Noise = 0.3, Points = 200, Seed = 3, Activation = HiddenActivation.Linear, Hidden = [3],
            Regularization = Regularization.L1, RegularizationRate = 0.01, LearningRate = 0.03, BatchSize = 30,
        }, 10),
        _ => (new ClassificationSettings
        {
            Dataset = Dataset.Circle, Noise = 0.2, Points = 250, TrainRatio = 0.4, Seed = 11, Activation = HiddenActivation.Sigmoid,
            Features = [Feature.X1, Feature.X2, Feature.X1Squared, Feature.X2Squared, Feature.X1X2, Feature.SinX1, Feature.SinX2],
            Hidden = [], LearningRate = 0.3, BatchSize = 1000,
        }, 15),
    };

    private static ClassificationSession Trained(ClassificationSettings settings, int steps)
    {
        var session = new ClassificationSession(settings);
        for (int i = 0; i < steps; i++) Assert.True(session.Step());
        return session;
    }

    private static string G8(double v) => v.ToString("G8", CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(Configurations))]
    public void TheCSharpProgramPrintsTheSessionsNumbers(string name)
    {
        var (settings, steps) = Configuration(name);
        var session = Trained(settings, steps);
        string printed = CSharpProgramRunner.Run(ClassificationPrograms.CSharp(settings, steps));
        // The same library, the same calls in the same order: the same bits (compared as printed, 8 digits).
        Assert.Equal($"after {steps} steps: train loss {G8(session.TrainLosses[^1])}, test loss {G8(session.TestLosses[^1])}, test accuracy {G8(session.TestAccuracy)}",
            printed.Trim());
    }

    [SkippableTheory]
    [MemberData(nameof(Configurations))]
    public void ThePyTorchProgramPrintsTheSessionsNumbers(string name)
    {
        Prerequisites.RequireTorch();
        var (settings, steps) = Configuration(name);
        var session = Trained(settings, steps);
        var torch = ProgramOutput.Parse(PythonProgramRunner.Run(ClassificationPrograms.Python(settings, steps)));
        Assert.Equal(steps, torch.Steps);
        // Float32 training: matrix products and means summed in another order round differently in the last bits.
        Assert.Equal(session.TrainLosses[^1], torch.TrainLoss, session.TrainLosses[^1] * 1e-4);
        Assert.Equal(session.TestLosses[^1], torch.TestLoss, session.TestLosses[^1] * 1e-4);
        // The same points on the same side of the boundary (printed to 8 digits).
        Assert.Equal(double.Parse(G8(session.TestAccuracy), CultureInfo.InvariantCulture), torch.TestAccuracy);
    }

    [SkippableFact]
    public void TheDataAndInitialWeightsAreTorchsBitForBit()
    {
        Prerequisites.RequireTorch();
        var (settings, _) = Configuration("spiral-relu-l2");
        var session = new ClassificationSession(settings);
        // The PyTorch program up to the model, printing the points, the split and the first layer's weight in full.
        string program = ClassificationPrograms.Python(settings, 0);
        program = program[..program.IndexOf("optimizer =", StringComparison.Ordinal)]
            + "print(repr(x1[:5]), repr(x2[-3:]), repr(label[::50]), perm[:10])\nprint(model[0].weight.flatten().tolist())\n";
        string[] lines = PythonProgramRunner.Run(program).Trim().Split('\n');
        string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        string expected = $"[{string.Join(", ", session.Data.X1[..5].Select(R))}] [{string.Join(", ", session.Data.X2[^3..].Select(R))}] "
            + $"[{string.Join(", ", session.Data.Labels.Where((_, i) => i % 50 == 0).Select(l => l == 1 ? "1.0" : "0.0"))}] [{string.Join(", ", session.Data.Train[..10])}]";
        // Python's repr and .NET's "R" both print the shortest string that reads back to the same double.
        Assert.Equal(expected.Replace("E-", "e-", StringComparison.Ordinal), lines[0]);
        var weights = lines[1].Trim('[', ']').Split(", ").Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(session.Layers[0].Weight.ToDoubleArray(), weights);
    }

    [Fact]
    public void XorTrainsToNinetyPercentOnTheTestPoints()
    {
        var session = Trained(Configuration("xor").Settings, 30);
        Assert.True(session.TestAccuracy >= 0.9, $"test accuracy {session.TestAccuracy}");
    }

    [Fact]
    public void TheChainRuleByHandAgreesWithAutograd()
    {
        foreach (var name in new[] { "xor", "spiral-relu-l2", "gauss-l1-linear", "circle-features-sigmoid" })
        {
            var (settings, steps) = Configuration(name);
            var session = Trained(settings, Math.Min(steps, 3));
            for (int layer = 0; layer < session.Layers.Count; layer++)
            {
                var shape = session.Layers[layer].Weight.Shape;
                var rule = ClassificationChainRule.Derive(session, layer, shape[0] - 1, shape[1] - 1);
                // Float32 autograd against the double derivation: float32 rounding, relative to the gradient's terms.
                Assert.True(Math.Abs(rule.ByHand - rule.Autograd) <= 1e-5 * Math.Max(1, Math.Abs(rule.Autograd)), $"{name} layer {layer}: {rule.ByHand} vs {rule.Autograd}");
                Assert.Contains(rule.Lines, l => l.StartsWith("dL/dw by hand = ", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void BadSettingsAreRefusedWithTheirName()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ClassificationSession(new ClassificationSettings { Points = 5 }));
        Assert.Contains("Classification: points must be 10 to 2000.", e.Message);
        var h = Assert.Throws<ArgumentException>(() => new ClassificationSession(new ClassificationSettings { Hidden = [9] }));
        Assert.Contains("at most 6 hidden layers of 1 to 8 neurons", h.Message);
        var f = Assert.Throws<ArgumentException>(() => new ClassificationSession(new ClassificationSettings { Features = [] }));
        Assert.Contains("at least one input feature", f.Message);
    }
}
