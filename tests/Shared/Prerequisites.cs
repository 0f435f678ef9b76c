using System.Diagnostics;

namespace Backprop.Testing;

/// <summary>
/// What some tests need from the machine: /usr/bin/python3 with torch (Debian's python3-torch) and the Fashion-MNIST
/// files (Debian's dataset-fashion-mnist). A test that needs one calls <c>Prerequisites.RequireTorch()</c> (or
/// <c>RequireFashionMnist()</c>) first and is a <c>[SkippableFact]</c>/<c>[SkippableTheory]</c>: when the thing is
/// missing the runner reports the test as skipped, with the reason and the install command, never as passed.
/// .ci/run installs both and fails when any test was skipped. Linked into every test project from tests/Shared.
/// </summary>
public static class Prerequisites
{
    public const string Python = "/usr/bin/python3";
    public const string FashionMnistFolder = "/usr/share/datasets/fashion-mnist";

    private static readonly Lazy<string?> TorchMissing = new(FindTorch);
    private static readonly Lazy<string?> OnnxMissing = new(() => FindModule("onnx", "python3-onnx"));

    /// <summary>Null when /usr/bin/python3 imports torch; otherwise why not, with the install command.</summary>
    public static string? WhyNoTorch => TorchMissing.Value;

    /// <summary>Null when the four Fashion-MNIST files are in the Debian package's folder; otherwise why not.</summary>
    public static string? WhyNoFashionMnist
    {
        get
        {
            string[] names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];
            var missing = names.Where(n => !File.Exists(Path.Combine(FashionMnistFolder, n)) && !File.Exists(Path.Combine(FashionMnistFolder, n + ".gz"))).ToList();
            return missing.Count == 0 ? null
                : $"no Fashion-MNIST in {FashionMnistFolder} (missing {string.Join(", ", missing)}); apt-get install dataset-fashion-mnist to run this test";
        }
    }

    /// <summary>Null when /usr/bin/python3 imports onnx (Debian's python3-onnx: onnx.checker); otherwise why not, with the install command.</summary>
    public static string? WhyNoOnnx => OnnxMissing.Value;

    /// <summary>Skips the calling test (reported as skipped by the runner) unless the onnx Python package imports.</summary>
    public static void RequireOnnx() => Skip.If(WhyNoOnnx is not null, WhyNoOnnx);

    /// <summary>Null when Graphviz's dot is on the PATH; otherwise why not, with the install command.</summary>
    public static string? WhyNoGraphviz =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "dot"))) ? null
            : "Graphviz's dot is not on the PATH; apt-get install graphviz to run this test";

    /// <summary>Skips the calling test (reported as skipped by the runner) unless Graphviz's dot is on the PATH.</summary>
    public static void RequireGraphviz() => Skip.If(WhyNoGraphviz is not null, WhyNoGraphviz);

    /// <summary>Skips the calling test (reported as skipped by the runner) unless torch imports.</summary>
    public static void RequireTorch() => Skip.If(WhyNoTorch is not null, WhyNoTorch);

    /// <summary>Skips the calling test (reported as skipped by the runner) unless the Fashion-MNIST files are there.</summary>
    public static void RequireFashionMnist() => Skip.If(WhyNoFashionMnist is not null, WhyNoFashionMnist);

    private static string? FindTorch() => FindModule("torch", "python3-torch");

    private static string? FindModule(string module, string package)
    {
        string install = $"apt-get install {package} to run this test";
        if (!File.Exists(Python)) return $"{Python} does not exist; {install}";
        var info = new ProcessStartInfo(Python, ["-c", $"import {module}"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info);
        if (process is null) return $"{Python} could not be started; {install}";
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            return $"{Python} -c 'import {module}' did not finish in 120 s";
        }
        return process.ExitCode == 0 ? null : $"{Python} cannot import {module} ({stderr.Result.Trim().Split('\n')[^1]}); {install}";
    }
}
