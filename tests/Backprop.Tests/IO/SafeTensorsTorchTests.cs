using System.Diagnostics;
using System.Text.Json;
using Backprop;
using Backprop.IO;
using Backprop.Testing;
using Xunit.Abstractions;

namespace Backprop.Tests.IO;

/// <summary>
/// The round trip with PyTorch itself: tests/reference/safetensors_roundtrip.py reads with torch what Backprop wrote,
/// and writes with torch what Backprop reads. Needs /usr/bin/python3 with torch (Debian's python3-torch; .ci/run
/// installs it): without it these tests are reported as skipped (see tests/Shared/Prerequisites.cs).
/// </summary>
public sealed class SafeTensorsTorchTests(ITestOutputHelper output) : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-torch-roundtrip-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "reference", "safetensors_roundtrip.py");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"tests/reference/safetensors_roundtrip.py not found above {AppContext.BaseDirectory}");
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {Python}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Python} {string.Join(' ', args)} ran past {Timeout}; stderr so far: {stderr}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs the script and returns its JSON; a failure shows its stdout and stderr.</summary>
    private JsonDocument RunScript(string mode, string path)
    {
        var (code, stdout, stderr) = Run(Script(), mode, path);
        if (stderr.Length > 0) output.WriteLine(stderr);
        Assert.True(code == 0, $"safetensors_roundtrip.py {mode} exited with {code}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        return JsonDocument.Parse(stdout);
    }

    private static double Number(JsonElement v) => v.ValueKind == JsonValueKind.String
        ? v.GetString() switch { "nan" => double.NaN, "inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity, var s => throw new FormatException(s) }
        : v.GetDouble();

    /// <summary>Asserts that a tensor equals, exactly, what the script printed for it (dtype, shape, values).</summary>
    private static void AssertMatches(JsonElement expected, Tensor actual, string torchDType)
    {
        string name = expected.GetProperty("name").GetString()!;
        Assert.True(torchDType == expected.GetProperty("dtype").GetString(), $"{name}: dtype {expected.GetProperty("dtype")} in torch, expected {torchDType}");
        Assert.Equal(expected.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()), actual.Shape.ToArray());
        var values = expected.GetProperty("values").EnumerateArray().ToArray();
        Assert.Equal(values.Length, actual.Numel);
        switch (actual.DType)
        {
            case DType.Int64:
                Assert.Equal(values.Select(v => v.GetInt64()), actual.ToArray<long>());
                break;
            case DType.Bool:
                Assert.Equal(values.Select(v => v.GetBoolean()), actual.ToArray<bool>());
                break;
            default:
                // Python prints each float32/float64 as the shortest repr of its exact double: parsing it back is exact.
                // Equal, with the sign of zero; any NaN matches any NaN (the payload is not a value).
                var got = actual.ToDoubleArray();
                for (int i = 0; i < values.Length; i++)
                    Assert.True(Number(values[i]).Equals(got[i]) && double.IsNegative(Number(values[i])) == double.IsNegative(got[i]) || double.IsNaN(got[i]) && double.IsNaN(Number(values[i])),
                        $"{name}[{i}]: torch has {values[i].GetRawText()}, Backprop has {got[i]:R}");
                break;
        }
    }

    [SkippableFact]
    public void Torch_reads_what_Backprop_writes()
    {
        Prerequisites.RequireTorch();
        var source = Tensor.From(Enumerable.Range(0, 6).Select(i => i / 3.0).ToArray(), 2, 3);
        var tensors = new OrderedDictionary<string, Tensor>
        {
            ["f32"] = Tensor.From(new[,] { { 1.5f, -0f, float.NaN }, { float.PositiveInfinity, float.Epsilon, 1f / 3 } }),
            ["f64"] = Tensor.From(new[] { Math.PI, -1e300, double.Epsilon, double.NegativeInfinity }),
            ["i64"] = Tensor.From(new[] { long.MinValue, long.MaxValue, 0, -5 }),
            ["mask"] = Tensor.From(new[,] { { true, false }, { false, true } }),
            ["scalar"] = Tensor.From(7.5f),
            ["empty"] = Tensor.Zeros(0, 3),
            ["transposed"] = source.T,
            ["layer.0.weight"] = Tensor.From(new[,] { { 0.25f, -0.5f }, { 0.75f, 1f } }),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["from"] = "Backprop" };
        string path = Path.Combine(_dir, "from-backprop.safetensors");
        SafeTensors.Save(path, tensors, metadata);

        using var doc = RunScript("read", path);
        var read = doc.RootElement;
        Assert.Equal(metadata, read.GetProperty("metadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!));
        var printed = read.GetProperty("tensors").EnumerateArray().ToArray();
        Assert.Equal(tensors.Keys, printed.Select(t => t.GetProperty("name").GetString()!));
        foreach (var t in printed)
        {
            var mine = tensors[t.GetProperty("name").GetString()!];
            AssertMatches(t, mine, mine.DType.TorchName());
        }
    }

    [SkippableFact]
    public void Backprop_reads_what_torch_writes()
    {
        Prerequisites.RequireTorch();
        string path = Path.Combine(_dir, "from-torch.safetensors");
        using var doc = RunScript("write", path);
        var (tensors, metadata) = SafeTensors.LoadWithMetadata(path);
        Assert.Equal("pt", metadata["format"]);
        var printed = doc.RootElement.GetProperty("tensors").EnumerateArray().ToArray();
        Assert.Equal(printed.Select(t => t.GetProperty("name").GetString()!), tensors.Keys);
        foreach (var t in printed)
        {
            string torchDType = t.GetProperty("dtype").GetString()!;
            var mine = tensors[t.GetProperty("name").GetString()!];
            // F16/BF16 widen to Float32 and the narrow integers to Int64, exactly.
            var expectedDType = torchDType switch
            {
                "torch.float64" => DType.Float64,
                "torch.float32" or "torch.float16" or "torch.bfloat16" => DType.Float32,
                "torch.bool" => DType.Bool,
                _ => DType.Int64,
            };
            Assert.Equal(expectedDType, mine.DType);
            AssertMatches(t, mine, torchDType);
        }
        // Spot checks that do not depend on the script's printing.
        Assert.Equal([1f, -2.5f, 65504f], tensors["f16"].ToArray<float>()[..3]);
        Assert.Equal([1f, -2.5f], tensors["bf16"].ToArray<float>()[..2]);
        Assert.Equal(7.5f, tensors["scalar"].Item<float>());
        TensorAssert.Close([3, 2], [0, 3, 1, 4, 2, 5], tensors["transposed"]);
        TensorAssert.Shape([0, 3], tensors["empty"]);
    }
}
