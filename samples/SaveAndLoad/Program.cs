using Backprop;
using Backprop.IO;
using Backprop.NN;

// Saving and loading a model's weights: the state dict (parameter and buffer names → tensors) in the
// safetensors format, which PyTorch reads with safetensors.torch.load_file and load_model.
Tensor.ManualSeed(0);
var model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
var input = Tensor.Randn([3, 4]);

string path = Path.Combine(Path.GetTempPath(), $"backprop-sample-{Environment.ProcessId}.safetensors");
try
{
    // Written atomically: a temporary file, then a rename, so a crash never leaves half a file behind.
    SafeTensors.SaveModule(model, path, new Dictionary<string, string> { ["format"] = "pt" });
    Console.WriteLine($"saved {new FileInfo(path).Length} bytes:");
    foreach (var (name, tensor) in SafeTensors.Load(path))
        Console.WriteLine($"  {name}: {tensor.DType} [{string.Join(", ", tensor.Shape.ToArray())}]");

    // A second model, initialised differently, takes on the saved weights.
    Tensor.ManualSeed(1);
    var restored = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
    using (Autograd.NoGrad())
    {
        Console.WriteLine($"before loading, same outputs: {restored.Forward(input).AllClose(model.Forward(input))}");
        var result = SafeTensors.LoadModule(restored, path);   // strict: every key must match, by name and shape
        Console.WriteLine($"missing keys: {result.MissingKeys.Count}, unexpected keys: {result.UnexpectedKeys.Count}");
        Console.WriteLine($"after loading, same outputs: {restored.Forward(input).AllClose(model.Forward(input))}");
    }
}
finally
{
    File.Delete(path);
}
