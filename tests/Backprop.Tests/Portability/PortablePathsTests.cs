using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Backprop.Tests.Portability;

/// <summary>
/// The kernels' portable paths, the ones the browser runs (no AVX2 or AVX-512 in WebAssembly, 128-bit vectors only),
/// tested on this machine: the kernel tests (matrix products, convolutions and pooling, element-wise ops, reductions,
/// random streams) run again in a child `dotnet test` with the wider instruction sets switched off by the runtime's
/// knobs, and must pass there as here, against the same PyTorch values; a third run switches on the browser's
/// element-by-element transcendental kernels (BACKPROP_SCALAR_MATH=1, <see cref="Backprop.Kernels.ScalarMath"/>). <see cref="VectorWidthTests"/> runs with them
/// and proves the knob took effect.
/// </summary>
public sealed partial class PortablePathsTests
{
    /// <summary>The kernel tests rerun without wide vectors: about 2,000 cases, 20 to 40 s a run on a 2-core machine.</summary>
    private const string KernelTests =
        "FullyQualifiedName~Backprop.Tests.LinearAlgebra.|FullyQualifiedName~Backprop.Tests.Convolution.|FullyQualifiedName~Backprop.Tests.Ops."
        + "|FullyQualifiedName~Backprop.Tests.Reductions.|FullyQualifiedName~Backprop.Tests.RandomStreams.|FullyQualifiedName~Backprop.Tests.Portability.VectorWidthTests"
        + "|FullyQualifiedName~Backprop.Tests.Portability.ScalarMathTests";

    [GeneratedRegex(@"Failed:\s+(\d+), Passed:\s+(\d+), Skipped:\s+(\d+), Total:\s+(\d+)")]
    private static partial Regex Summary();

    [Theory]
    [InlineData("DOTNET_EnableAVX", "0")]          // SSE only: 128-bit vectors, the shape of WebAssembly's SIMD
    [InlineData("DOTNET_EnableHWIntrinsic", "0")]  // no intrinsics: every kernel's scalar path
    [InlineData("BACKPROP_SCALAR_MATH", "1")]      // the browser's element-by-element exp, log, tanh, sin, cos, sigmoid
    public async Task TheKernelTestsPassWithTheWideInstructionSetsOff(string knob, string value)
    {
        string assembly = typeof(PortablePathsTests).Assembly.Location;
        string results = Path.Combine(Path.GetTempPath(), "backprop-portable-" + Guid.NewGuid().ToString("N"));
        var info = new ProcessStartInfo("dotnet", ["test", assembly, "--filter", KernelTests, "--results-directory", results, "--nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("VSTEST_", StringComparison.Ordinal) || k.StartsWith("TESTINGPLATFORM_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(name);
        info.Environment[knob] = value;
        try
        {
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(600));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"the kernel tests with {knob}={value} did not finish in 600 s");
            }
            string output = await stdout + await stderr;
            var summary = Summary().Match(output);
            Assert.True(summary.Success, $"no test summary from the child run with {knob}={value}:\n{output}");
            int Count(int group) => int.Parse(summary.Groups[group].Value, CultureInfo.InvariantCulture);
            Assert.True(process.ExitCode == 0 && Count(1) == 0, $"with {knob}={value}:\n{output}");
            Assert.Equal(0, Count(3));
            // The filter found the kernel tests (not an empty run that passes by having nothing to do).
            Assert.True(Count(2) >= 1500, $"only {Count(2)} tests ran with {knob}={value}");
        }
        finally
        {
            if (Directory.Exists(results)) Directory.Delete(results, recursive: true);
        }
    }
}
