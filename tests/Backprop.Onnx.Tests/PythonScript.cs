using System.Diagnostics;
using Backprop.Testing;

namespace Backprop.Onnx.Tests;

/// <summary>Runs a script of tests/reference with /usr/bin/python3 and returns its exit code, stdout and stderr.</summary>
internal static class PythonScript
{
    public static (int ExitCode, string Stdout, string Stderr) Run(string script, params string[] arguments)
    {
        var info = new ProcessStartInfo(Prerequisites.Python, [Find(script), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{Prerequisites.Python} could not be started");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(300_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish in 300 s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Find(string script)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "reference", script);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"tests/reference/{script} not found above {AppContext.BaseDirectory}");
    }
}
