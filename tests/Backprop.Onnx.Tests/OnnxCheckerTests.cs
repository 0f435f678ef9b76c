using System.Text.Json;
using Backprop.Testing;

namespace Backprop.Onnx.Tests;

/// <summary>ONNX's own checker (Debian's python3-onnx, onnx.checker.check_model with full_check) accepts every exported file.</summary>
public class OnnxCheckerTests
{
    public static TheoryData<string> Models => new(ExportedModels.Names);

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void Onnx_checker_accepts_the_exported_file(string name)
    {
        Prerequisites.RequireOnnx();
        var dir = Directory.CreateTempSubdirectory("onnx-check-");
        try
        {
            var (model, input) = ExportedModels.Build(name);
            var path = Path.Combine(dir.FullName, name + ".onnx");
            Onnx.Export(model, [input(3)], path);
            var (exit, stdout, stderr) = PythonScript.Run("onnx_check.py", path);
            Assert.True(exit == 0, $"onnx_check.py exited with {exit}: {stdout}{stderr}");
            Assert.Equal("ok", JsonDocument.Parse(stdout).RootElement.GetProperty(path).GetString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [SkippableFact]
    public void Onnx_checker_rejects_a_broken_file()
    {
        // The check can fail: a file cut short is refused (the test of the test).
        Prerequisites.RequireOnnx();
        var dir = Directory.CreateTempSubdirectory("onnx-check-");
        try
        {
            var (model, input) = ExportedModels.Build("mlp");
            var bytes = Onnx.ExportToBytes(model, [input(3)]);
            var path = Path.Combine(dir.FullName, "cut.onnx");
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            var (exit, stdout, _) = PythonScript.Run("onnx_check.py", path);
            Assert.Equal(1, exit);
            Assert.NotEqual("ok", JsonDocument.Parse(stdout).RootElement.GetProperty(path).GetString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
