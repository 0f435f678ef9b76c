// Train in Backprop, deploy with ONNX Runtime: the Fashion-MNIST classifier as a .NET service would run it.
//
//   dotnet run --project samples/DeployWithOnnxRuntime                 trains a small MLP for one epoch on 6,000 images,
//                                                                       exports it to fashion-mnist.onnx, then deploys it
//   dotnet run --project samples/DeployWithOnnxRuntime -- MODEL.onnx    deploys a model exported before, e.g. by the lab:
//       dotnet run --project src/Backprop.Lab -- fashion-mnist --model cnn --epochs 2 --onnx MODEL.onnx
//
// The data: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist), or a folder given as FASHION_MNIST.
// Part 2 uses nothing of Backprop: it is what goes into production (Microsoft.ML.OnnxRuntime and the .onnx file).
using System.IO.Compression;
using Backprop;
using Backprop.Data;
using Backprop.NN;
using Backprop.Onnx;
using Backprop.Optim;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Backprop.Tensor;

string data = Environment.GetEnvironmentVariable("FASHION_MNIST") ?? "/usr/share/datasets/fashion-mnist";
string[] classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
string modelPath = args.Length > 0 ? args[0] : "fashion-mnist.onnx";

// ---- Part 1, the training side (Backprop): a model, one epoch of SGD, Onnx.Export. ----
if (args.Length == 0)
{
    Tensor.ManualSeed(0);
    var images = Idx.ReadImages(Find("train-images-idx3-ubyte")).Narrow(0, 0, 6000).Unsqueeze(1);   // [6000, 1, 28, 28] in [0, 1]
    var labels = Idx.ReadLabels(Find("train-labels-idx1-ubyte")).Narrow(0, 0, 6000);
    var model = new Sequential(new Flatten(), new Linear(784, 128), new ReLU(), new Linear(128, 10));
    var optimizer = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
    var order = Tensor.RandPerm(6000);
    for (int start = 0; start < 6000; start += 64)
    {
        var batch = order.Narrow(0, start, Math.Min(64, 6000 - start));
        var loss = F.CrossEntropy(model.Forward(images.IndexSelect(0, batch)), labels.IndexSelect(0, batch));
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.Step();
    }
    // Traced on one example batch; dim 0 of input and output is the symbolic "batch", so any batch size runs.
    Onnx.Export(model, images.Narrow(0, 0, 1), modelPath);
    Console.WriteLine($"trained 1 epoch on 6000 images, exported {modelPath} ({new FileInfo(modelPath).Length:N0} bytes)");
}

// ---- Part 2, the deploying side (ONNX Runtime only): load the file, classify the test images. ----
using var session = new InferenceSession(modelPath);
string input = session.InputMetadata.Keys.Single();
var (pixels, count) = ReadTestImages(Find("t10k-images-idx3-ubyte"));
var truth = ReadTestLabels(Find("t10k-labels-idx1-ubyte"));
int correct = 0;
const int Batch = 1000;
for (int start = 0; start < count; start += Batch)
{
    int n = Math.Min(Batch, count - start);
    var x = new DenseTensor<float>(pixels.AsMemory(start * 784, n * 784), [n, 1, 28, 28]);
    using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, x)]);
    var logits = results.Single().AsTensor<float>();
    for (int i = 0; i < n; i++)
    {
        int best = 0;
        for (int c = 1; c < 10; c++) if (logits[i, c] > logits[i, best]) best = c;
        if (best == truth[start + i]) correct++;
        if (start + i < 5) Console.WriteLine($"test image {start + i}: {classes[best]} (true: {classes[truth[start + i]]})");
    }
}
Console.WriteLine($"ONNX Runtime: {correct} of {count} test images right ({100.0 * correct / count:F1}%)");

string Find(string name) =>
    new[] { Path.Combine(data, name), Path.Combine(data, name + ".gz") }.FirstOrDefault(File.Exists)
    ?? throw new FileNotFoundException($"{name}[.gz] is not in {data}: apt-get install dataset-fashion-mnist, or set FASHION_MNIST to a folder with it");

// The IDX files read by hand, as a service without Backprop would: a big-endian header, then one byte per pixel or label.
static byte[] ReadIdx(string path, int magic, int headerInts)
{
    using var file = File.OpenRead(path);
    using Stream stream = path.EndsWith(".gz") ? new GZipStream(file, CompressionMode.Decompress) : file;
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    var bytes = memory.ToArray();
    if (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes) != magic) throw new InvalidDataException($"{path}: not an IDX file of this kind");
    return bytes[(4 * headerInts)..];
}

static (float[] Pixels, int Count) ReadTestImages(string path)
{
    var bytes = ReadIdx(path, 0x0803, 4);
    return (bytes.Select(b => b / 255f).ToArray(), bytes.Length / 784);   // scaled to [0, 1], as training saw them
}

static byte[] ReadTestLabels(string path) => ReadIdx(path, 0x0801, 2);
