using Backprop.IO;
using Backprop.Testing;

namespace Backprop.Onnx.Tests;

/// <summary>
/// PyTorch's own exporter (torch.onnx.export, opset 17) of the same Fashion-MNIST model with the same weights, loaded
/// from the safetensors file Backprop saved: ONNX Runtime gives the same outputs for both files.
/// </summary>
public class TorchExportTests
{
    [SkippableTheory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    public void Torch_export_of_the_same_weights_gives_the_same_outputs_in_onnx_runtime(string name)
    {
        Prerequisites.RequireTorch();
        var dir = Directory.CreateTempSubdirectory("onnx-torch-");
        try
        {
            var (model, input) = ExportedModels.Build(name, seed: 7);
            var weights = Path.Combine(dir.FullName, name + ".safetensors");
            var ours = Path.Combine(dir.FullName, name + ".backprop.onnx");
            var theirs = Path.Combine(dir.FullName, name + ".torch.onnx");
            SafeTensors.SaveModule(model, weights);
            Onnx.Export(model, [input(3)], ours);
            var (exit, stdout, stderr) = PythonScript.Run("onnx_torch_export.py", name, weights, theirs);
            Assert.True(exit == 0, $"onnx_torch_export.py exited with {exit}: {stdout}{stderr}");
            foreach (int batch in new[] { 3, 8 })
            {
                var x = input(batch);
                var fromTorch = OnnxRuntimeRunner.Run(File.ReadAllBytes(theirs), x);
                var fromBackprop = OnnxRuntimeRunner.Run(File.ReadAllBytes(ours), x);
                OnnxRuntimeAgreementTests.AssertClose(fromTorch, fromBackprop, $"{name}, batch {batch}");
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
