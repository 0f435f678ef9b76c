using System.Diagnostics;

namespace Backprop.Docs.Tests;

/// <summary>
/// .ci/run fails when a test was skipped: CI installs torch and Fashion-MNIST, so a test reported as skipped there is
/// a test that should have run. The check (.ci/fail-on-skips) reads the summaries that `dotnet test` prints.
/// </summary>
public sealed class CiRunTests : IDisposable
{
    private readonly string _log = Path.GetTempFileName();

    public void Dispose() => File.Delete(_log);

    private (int Code, string Stderr, string Stdout) Check(string log)
    {
        File.WriteAllText(_log, log);
        var info = new ProcessStartInfo("bash", [Repository.PathOf(".ci", "fail-on-skips"), _log]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stderr.Result, stdout);
    }

    private const string Clean =
        "Passed!  - Failed:     0, Passed:  2712, Skipped:     0, Total:  2712, Duration: 1 m 2 s - Backprop.Tests.dll (net10.0)\n" +
        "Passed!  - Failed:     0, Passed:   180, Skipped:     0, Total:   180, Duration: 40 s - Backprop.Lab.Tests.dll (net10.0)\n";

    [Fact]
    public void Runs_with_no_skipped_test_pass_and_close_with_the_totals()
    {
        var (code, _, stdout) = Check(Clean);
        Assert.Equal(0, code);
        // The plain closing line CI reads: every assembly's counts added up.
        Assert.Equal("tests: 2892 passed, 0 failed, 0 skipped", stdout.TrimEnd('\n').Split('\n')[^1]);
    }

    [Fact]
    public void A_skipped_test_fails_the_run_and_is_named()
    {
        var (code, stderr, stdout) = Check(Clean +
            "[xUnit.net 00:00:00.37]     Backprop.Lab.Tests.LiveTorchTests.Random_settings [SKIP]\n" +
            "  Skipped Backprop.Lab.Tests.LiveTorchTests.Random_settings_of_every_experiment_match_pytorch_run_live [1 ms]\n" +
            "Passed!  - Failed:     0, Passed:     3, Skipped:     1, Total:     4, Duration: 45 ms - Backprop.Fuzz.dll (net10.0)\n");
        Assert.Equal(1, code);
        Assert.Contains("1 test(s) skipped", stderr);
        Assert.Contains("Random_settings_of_every_experiment_match_pytorch_run_live", stderr);
        Assert.Equal("tests: 2895 passed, 0 failed, 1 skipped", stdout.TrimEnd('\n'));
    }

    [Fact]
    public void Output_without_any_summary_fails()
        => Assert.Equal(1, Check("Build succeeded.\n").Code);

    [Fact]
    public void Ci_run_runs_the_readme_test_command_and_the_skip_check()
    {
        string run = File.ReadAllText(Repository.PathOf(".ci", "run"));
        Assert.Contains("dotnet test 2>&1 | tee \"$log\"", run);
        Assert.Contains(".ci/fail-on-skips \"$log\"", run);
    }
}
