using System.Text.Json;
using Backprop.Lab.Cli;

namespace Backprop.Lab.Tests;

/// <summary>What one run of the lab wrote and returned.</summary>
public sealed record LabOutput(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The stdout of a --json run: exactly one JSON object on one line.</summary>
    public JsonElement Json()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}; stderr: {Stderr}");
        Assert.Equal("", Stderr);
        string text = Stdout.TrimEnd('\n');
        Assert.DoesNotContain('\n', text);
        Assert.DoesNotContain('\u001b', text);
        using var document = JsonDocument.Parse(text);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        return document.RootElement.Clone();
    }
}

/// <summary>Runs the lab in-process through its entry point, with stdout and stderr captured.</summary>
public static class Lab
{
    public static LabOutput Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = LabCommandLine.Run(args, stdout, stderr);
        return new LabOutput(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A file that the test project copies beside the tests (Golden/, Reference/).</summary>
    public static string TestFile(string relative) => Path.Combine(AppContext.BaseDirectory, relative);
}

/// <summary>A fresh folder under the temp directory, deleted afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "backprop-lab-" + Guid.NewGuid().ToString("N"));

    public TempDir() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
