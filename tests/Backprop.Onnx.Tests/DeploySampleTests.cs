using System.Diagnostics;
using System.Text.RegularExpressions;
using Backprop.Data;
using Backprop.Testing;

namespace Backprop.Onnx.Tests;

/// <summary>
/// samples/DeployWithOnnxRuntime classifies Debian's Fashion-MNIST test images with ONNX Runtime: a model exported
/// here counts the same correct images there as in Backprop, and the sample's own train-then-deploy run learns.
/// </summary>
public partial class DeploySampleTests
{
    [SkippableFact]
    public void The_sample_counts_the_correct_test_images_that_backprop_counts_for_the_same_model()
    {
        Prerequisites.RequireFashionMnist();
        var dir = Directory.CreateTempSubdirectory("onnx-sample-");
        try
        {
            var (model, _) = ExportedModels.Build("cnn", seed: 3);
            var images = Idx.ReadImages(Find("t10k-images-idx3-ubyte")).Unsqueeze(1);
            var labels = Idx.ReadLabels(Find("t10k-labels-idx1-ubyte"));
            var path = Path.Combine(dir.FullName, "cnn.onnx");
            Onnx.Export(model, images.Narrow(0, 0, 2), path);
            long expected = 0;
            model.Eval();
            using (Autograd.NoGrad())
                for (int start = 0; start < images.Shape[0]; start += 1000)
                    expected += model.Forward(images.Narrow(0, start, 1000)).ArgMax(1).Eq(labels.Narrow(0, start, 1000)).Sum().Item<long>();

            var output = RunSample(dir.FullName, path);
            var match = Summary().Match(output);
            Assert.True(match.Success, output);
            Assert.Equal(expected, long.Parse(match.Groups[1].Value));
            Assert.Equal("10000", match.Groups[2].Value);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [SkippableFact]
    public void The_sample_trains_exports_and_deploys_a_model_that_learned()
    {
        Prerequisites.RequireFashionMnist();
        var dir = Directory.CreateTempSubdirectory("onnx-sample-");
        try
        {
            var output = RunSample(dir.FullName);
            Assert.StartsWith("trained 1 epoch on 6000 images, exported fashion-mnist.onnx (", output);
            Assert.True(File.Exists(Path.Combine(dir.FullName, "fashion-mnist.onnx")));
            Assert.Equal(5, output.Split('\n').Count(l => l.StartsWith("test image ")));
            var match = Summary().Match(output);
            Assert.True(match.Success, output);
            Assert.InRange(long.Parse(match.Groups[1].Value), 7000, 10000);   // one epoch on 6,000 images: about 78% (chance: 10%)
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"ONNX Runtime: (\d+) of (\d+) test images right")]
    private static partial Regex Summary();

    private static string Find(string name) =>
        new[] { name, name + ".gz" }.Select(n => Path.Combine(Prerequisites.FashionMnistFolder, n)).First(File.Exists);

    private static string RunSample(string workingDirectory, params string[] arguments)
    {
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;   // bin/<configuration>/net10.0/
        string dll = Path.Combine(Repository(), "samples", "DeployWithOnnxRuntime", "bin", configuration, "net10.0", "DeployWithOnnxRuntime.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the tests first");
        var info = new ProcessStartInfo("dotnet", [dll, .. arguments])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(300_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("DeployWithOnnxRuntime did not finish in 300 s");
        }
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {stdout.Result}{stderr.Result}");
        return stdout.Result.Replace("\r\n", "\n");
    }

    private static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Backprop.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"Backprop.slnx not found above {AppContext.BaseDirectory}");
    }
}
