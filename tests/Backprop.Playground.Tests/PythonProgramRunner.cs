using System.Diagnostics;
using Backprop.Testing;

namespace Backprop.Playground.Tests;

/// <summary>Runs a Python program with /usr/bin/python3 (the caller has checked torch imports) and returns its output.</summary>
internal static class PythonProgramRunner
{
    public static string Run(string source)
    {
        string file = Path.Combine(Path.GetTempPath(), $"code-panel-{Guid.NewGuid():N}.py");
        File.WriteAllText(file, source);
        try
        {
            var info = new ProcessStartInfo(Prerequisites.Python, [file]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.Environment["OMP_NUM_THREADS"] = "1";
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(300_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("The PyTorch program did not finish in 300 s");
            }
            if (process.ExitCode != 0) throw new InvalidOperationException($"The PyTorch program failed ({process.ExitCode}):\n{stderr.Result}\n{source}");
            return stdout.Result;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
