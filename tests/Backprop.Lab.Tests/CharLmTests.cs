using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Backprop.Lab.Tests;

/// <summary>
/// char-lm: parity with a live charlm_torch.py run (Reference/charlm_torch.py, a copy of shared/peer's) — the
/// first step's loss within 1e-5 relative, the tenth's within 1e-3, the same vocabulary and parameter count — for
/// both models on tang300 and on a file with escapes, "%" lines, CRLF and a character outside the BMP; then the
/// checkpoint (save, resume, bit for bit), temperature sampling and errors. Without torch or fortunes-zh the live
/// tests are skipped (tests/Shared/Prerequisites.cs; .ci/run installs both and fails on a skip).
/// </summary>
public sealed class CharLmTests(ITestOutputHelper output) : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private const string Tang300 = "/usr/share/games/fortunes/tang300";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Small settings, so that ten steps take seconds in a debug build; both programs take the same flags.</summary>
    private static readonly string[] Small = ["--steps", "10", "--batch", "4", "--block", "16", "--embd", "32", "--heads", "2", "--layers", "1", "--sample", "12"];

    /// <summary>A text of 2,000-odd characters with everything the data preparation handles.</summary>
    private string TrickyCorpus()
    {
        var text = new StringBuilder();
        var random = new System.Random(7);
        string[] words = ["moon", "river", "月", "山", "\U0001F319", "wind", "花", "\u001b[31mred\u001b[0m", "spring"];
        for (int line = 0; line < 120; line++)
        {
            for (int w = 0; w < 4; w++) text.Append(words[random.Next(words.Length)]).Append(' ');
            text.Append(line % 7 == 0 ? "\r\n%\r\n" : "\n");
        }
        string path = _dir.File("tricky.txt");
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
        return path;
    }

    private static void RequireTorchAndCorpus(bool needsTang300)
    {
        Backprop.Testing.Prerequisites.RequireTorch();
        Skip.If(needsTang300 && !File.Exists(Tang300), $"{Tang300} is missing; apt-get install fortunes-zh to run this test");
    }

    private static JsonElement RunTorch(string[] args)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
        start.ArgumentList.Add(Lab.TestFile("Reference/charlm_torch.py"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.ArgumentList.Add("--threads");
        start.ArgumentList.Add("1");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(300_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("charlm_torch.py did not finish within 300 s");
        }
        Assert.True(process.ExitCode == 0, $"charlm_torch.py failed: {stderr.Result}");
        using var doc = JsonDocument.Parse(stdout.Result);
        return doc.RootElement.Clone();
    }

    private void AssertParity(string[] args)
    {
        var torch = RunTorch(args);
        var ours = Lab.Run(["char-lm", .. args, "--json"]).Json();
        output.WriteLine($"torch: {torch.GetRawText()}");
        output.WriteLine($"lab:   {ours.GetRawText()}");
        Assert.Equal(torch.EnumerateObject().Select(p => p.Name), ours.EnumerateObject().Select(p => p.Name));
        Assert.Equal(torch.GetProperty("vocab").GetInt32(), ours.GetProperty("vocab").GetInt32());
        Assert.Equal(torch.GetProperty("params").GetInt64(), ours.GetProperty("params").GetInt64());
        Assert.Equal(torch.GetProperty("corpus").GetString(), ours.GetProperty("corpus").GetString());
        var tl = torch.GetProperty("losses");
        var ol = ours.GetProperty("losses");
        Assert.Equal(tl.EnumerateObject().Select(p => p.Name), ol.EnumerateObject().Select(p => p.Name));
        double t1 = tl.GetProperty("1").GetDouble(), o1 = ol.GetProperty("1").GetDouble();
        double t10 = tl.GetProperty("10").GetDouble(), o10 = ol.GetProperty("10").GetDouble();
        Assert.True(Math.Abs(o1 - t1) <= 1e-5 * Math.Abs(t1), $"step 1: lab {o1:R}, torch {t1:R}");
        Assert.True(Math.Abs(o10 - t10) <= 1e-3 * Math.Abs(t10), $"step 10: lab {o10:R}, torch {t10:R}");
        string tSample = torch.GetProperty("sample").GetString()!, oSample = ours.GetProperty("sample").GetString()!;
        Assert.Equal(tSample.EnumerateRunes().First(), oSample.EnumerateRunes().First());
        Assert.Equal(tSample.EnumerateRunes().Count(), oSample.EnumerateRunes().Count());
    }

    [SkippableTheory]
    [InlineData("gpt")]
    [InlineData("lstm")]
    public void Ten_steps_on_tang300_match_charlm_torch(string model)
    {
        RequireTorchAndCorpus(needsTang300: true);
        AssertParity(["--corpus", "tang300", "--model", model, .. Small]);
    }

    [SkippableFact]
    public void A_file_with_escapes_separators_crlf_and_astral_characters_is_prepared_as_charlm_torch_prepares_it()
    {
        RequireTorchAndCorpus(needsTang300: false);
        AssertParity(["--corpus", TrickyCorpus(), "--model", "gpt", .. Small]);
    }

    /// <summary>The small settings with some replaced or added ("--steps", "6", …): the command line takes each option once.</summary>
    private static string[] With(params string[] changes)
    {
        var args = new List<string>(Small);
        for (int i = 0; i < changes.Length; i += 2)
        {
            int at = args.IndexOf(changes[i]);
            if (at >= 0) args[at + 1] = changes[i + 1];
            else args.AddRange([changes[i], changes[i + 1]]);
        }
        return [.. args];
    }

    private JsonElement Json(params string[] changes) => Lab.Run(["char-lm", "--corpus", TrickyCorpus(), .. With(changes), "--json"]).Json();

    [Fact]
    public void Saving_and_resuming_gives_the_uninterrupted_run_bit_for_bit()
    {
        string checkpoint = _dir.File("run.ckpt");
        var whole = Json("--steps", "10");
        var first = Json("--steps", "6", "--save", checkpoint);
        Assert.True(File.Exists(checkpoint));
        Assert.Equal(whole.GetProperty("losses").GetProperty("1").GetDouble(), first.GetProperty("losses").GetProperty("1").GetDouble());
        var resumed = Json("--steps", "10", "--resume", checkpoint);
        Assert.Equal(whole.GetProperty("losses").GetRawText(), resumed.GetProperty("losses").GetRawText());
        Assert.Equal(whole.GetProperty("val_loss").GetDouble(), resumed.GetProperty("val_loss").GetDouble());
        Assert.Equal(whole.GetProperty("sample").GetString(), resumed.GetProperty("sample").GetString());
    }

    [Fact]
    public void A_checkpoint_of_another_model_or_other_settings_is_refused()
    {
        string checkpoint = _dir.File("run.ckpt");
        Json("--steps", "2", "--save", checkpoint);
        var result = Lab.Run(["char-lm", "--corpus", TrickyCorpus(), .. With("--embd", "16", "--resume", checkpoint), "--json"]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: Checkpoint: {checkpoint} was saved from a different model: \"tok.weight\" is torch.float32 [", result.Stderr);
        result = Lab.Run(["char-lm", "--corpus", TrickyCorpus(), .. With("--lr", "0.01", "--resume", checkpoint), "--json"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("was saved by a run with other settings", result.Stderr);
    }

    [Fact]
    public void Temperature_sampling_is_reproducible_and_not_greedy()
    {
        var greedy = Json("--sample", "40");
        var a = Json("--sample", "40", "--temperature", "1");
        var b = Json("--sample", "40", "--temperature", "1");
        Assert.Equal(a.GetProperty("sample").GetString(), b.GetProperty("sample").GetString());
        Assert.NotEqual(greedy.GetProperty("sample").GetString(), a.GetProperty("sample").GetString());
        Assert.Equal(greedy.GetProperty("losses").GetRawText(), a.GetProperty("losses").GetRawText());   // sampling comes after training
        var bad = Lab.Run(["char-lm", "--corpus", TrickyCorpus(), "--temperature", "0"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("error: --temperature: must be positive (got 0)\nUsage: Backprop.Lab char-lm [options]; see 'Backprop.Lab char-lm --help'\n", bad.Stderr);
    }

    [Fact]
    public void The_human_report_in_chinese_says_the_same_in_chinese()
    {
        var result = Lab.Run(["char-lm", "--corpus", TrickyCorpus(), .. Small, "--out", _dir.File("zh"), "--lang", "zh-CN"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("第 10/10 步：损失 ", result.Stdout);
        Assert.Contains("验证损失 ", result.Stdout);
        Assert.Contains("从文本的第一个字符开始，每次取概率最大的字符续写：", result.Stdout);
        Assert.DoesNotContain("validation loss", result.Stdout);
    }

    [Fact]
    public void The_human_report_shows_progress_validation_sample_and_writes_the_loss_curve()
    {
        string outDir = _dir.File("out");
        var result = Lab.Run(["char-lm", "--corpus", TrickyCorpus(), .. Small, "--out", outDir]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("step 10/10: loss ", result.Stdout);
        Assert.Contains(" tokens/s", result.Stdout);
        Assert.Contains("validation loss ", result.Stdout);
        Assert.Contains("greedy continuation", result.Stdout);
        var png = File.ReadAllBytes(Path.Combine(outDir, "char-lm-loss.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [Theory]
    [InlineData("gpt")]
    [InlineData("lstm")]
    public void The_onnx_export_runs_in_onnx_runtime_on_any_batch_and_each_window_alone_gives_its_own_logits(string model)
    {
        string onnx = _dir.File($"{model}.onnx");
        var result = Lab.Run(["char-lm", "--corpus", TrickyCorpus(), .. Small, "--model", model, "--onnx", onnx, "--out", _dir.File("out")]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains($"{onnx}", result.Stdout);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
        string input = session.InputMetadata.Keys.Single();
        float[] Logits(long[] ids, int batch)
        {
            var x = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<long>(ids, [batch, 16]);
            using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor(input, x)]);
            var y = results.Single().AsTensor<float>();
            Assert.Equal([batch, 16], y.Dimensions.ToArray()[..2]);
            return y.ToArray();
        }
        var rng = new Random(3);
        var windows = Enumerable.Range(0, 32).Select(_ => (long)rng.Next(0, 5)).ToArray();
        var both = Logits(windows, 2);
        var first = Logits(windows[..16], 1);
        var second = Logits(windows[16..], 1);
        Assert.All(both, v => Assert.True(float.IsFinite(v)));
        Assert.Equal([.. first, .. second], both);   // the batch rows are independent: no size baked in for batch 1
    }

    [Fact]
    public void A_missing_corpus_or_a_too_long_block_is_bad_input()
    {
        var result = Lab.Run(["char-lm", "--corpus", "/nonexistent/poems.txt"]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: --corpus: cannot read /nonexistent/poems.txt: ", result.Stderr);
        result = Lab.Run(["char-lm", "--corpus", TrickyCorpus(), "--block", "5000"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--block 5000: the corpus", result.Stderr);
    }
}
