using System.Diagnostics;
using System.Text;

namespace Backprop.Docs.Tests;

/// <summary>Runs the dotnet CLI as a user would, with a time limit, keeping everything it printed.</summary>
internal static class Dotnet
{
    public sealed record Result(int ExitCode, string Output, string Command)
    {
        /// <summary>The command and everything it printed: what a failing assertion should show.</summary>
        public string Log => $"$ {Command}\n(exit code {ExitCode})\n{Output}";
    }

    /// <summary>
    /// Runs `dotnet args` in workingDirectory. Build servers stay off (--disable-build-servers for builds,
    /// MSBUILDDISABLENODEREUSE): a server left running would hold this process's output pipes open, and would
    /// outlive the test. The test host's own MSBuild variables are removed, so the child sees a clean
    /// environment like a user's shell.
    /// </summary>
    public static Result Run(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetPath())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.ToArray())
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                start.Environment.Remove(key);
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string command = $"dotnet {string.Join(' ', args)}  (in {workingDirectory})";
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (output) return new Result(-1, $"timed out after {timeout.TotalSeconds} s\n{output}", command);
        }
        process.WaitForExit();   // drains the asynchronous readers
        lock (output) return new Result(process.ExitCode, output.ToString(), command);
    }

    /// <summary>The dotnet executable running these tests (DOTNET_HOST_PATH under the SDK), else the one on PATH.</summary>
    private static string DotnetPath()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }

    /// <summary>A fresh folder outside the repository (so its Directory.Build.props and Directory.Packages.props
    /// do not apply), with empty ones of its own that stop MSBuild looking further up.</summary>
    public static string TemporaryProjectFolder(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.WriteAllText(Path.Combine(dir, name), "<Project />\n");
        return dir;
    }

    public static void DeleteQuietly(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
