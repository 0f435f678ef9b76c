using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Backprop.Lab.Cli;
using Backprop.Lab.Output;
using Backprop.Plots;
using Backprop.Seeds.CharLm;

namespace Backprop.Lab.Experiments.CharLm;

/// <summary>
/// A character-level language model of a text (the Three Hundred Tang Poems by default), the gpt or lstm of
/// charlm_torch.py trained as it trains them, with its options and its --json record; plus a progress line, the loss
/// curve, the validation loss, a greedy or temperature-sampled continuation, and --save / --resume checkpoints.
/// </summary>
internal static class CharLmExperiment
{
    public const string Name = "char-lm";

    public static class Files
    {
        public const string Loss = "char-lm-loss.png";
    }

    public static Command Command(LabIo io)
    {
        var command = new Command(Name,
            "Train charlm_torch.py's gpt or lstm on a text, character by character: loss, validation loss, a generated continuation, --save/--resume");
        var corpus = new Option<string>("--corpus")
        {
            Description = T.HelpCharLmCorpus,
            HelpName = "NAME|FILE",
            DefaultValueFactory = _ => "tang300",
        };
        var model = Values.Choice("--model", CharLmSettings.Gpt, T.HelpCharLmModel,
            CharLmSettings.Gpt, CharLmSettings.Lstm);
        var steps = Values.Count("--steps", 200, T.HelpCharLmSteps);
        var batch = Values.Count("--batch", 32, T.HelpCharLmBatch);
        var block = Values.Count("--block", 64, T.HelpCharLmBlock);
        var embd = Values.Count("--embd", 128, T.HelpCharLmEmbd);
        var heads = Values.Count("--heads", 4, T.HelpCharLmHeads);
        var layers = Values.Count("--layers", 2, T.HelpCharLmLayers);
        var lr = Values.Number("--lr", 3e-3, T.HelpCharLmLr);
        var seed = Values.Seed(T.HelpCharLmSeed);
        var sample = Values.Count("--sample", 48, T.HelpCharLmSample, min: 0);
        var threads = Values.Count("--threads", 0, T.HelpCharLmThreads, min: 0);
        var temperature = Values.OptionalNumber("--temperature", T.HelpCharLmTemperature);
        var save = Values.File("--save", T.HelpCharLmSave);
        var resume = Values.File("--resume", T.HelpCharLmResume);
        var onnx = Values.File("--onnx", T.HelpCharLmOnnx);
        foreach (var option in new Option[] { corpus, model, steps, batch, block, embd, heads, layers, lr, seed, sample, threads, temperature, save, resume, onnx })
            command.Options.Add(option);
        var common = CommonOptions.AddTo(command, dtype: false);
        command.SetAction(parse =>
        {
            int threadCount = parse.GetValue(threads);
            if (threadCount > 0 && threadCount != Environment.ProcessorCount) return RestartWithThreads(threadCount, io);
            var ctx = common.Read(parse, io);
            double? t = parse.GetValue(temperature);
            if (t is { } tv && !(tv > 0)) throw new LabInputException($"--temperature: must be positive (got {tv.ToString(CultureInfo.InvariantCulture)})");
            var settings = new CharLmSettings
            {
                Corpus = parse.GetValue(corpus)!, Model = parse.GetValue(model)!, Steps = parse.GetValue(steps), Batch = parse.GetValue(batch),
                Block = parse.GetValue(block), Embd = parse.GetValue(embd), Heads = parse.GetValue(heads), Layers = parse.GetValue(layers),
                Lr = parse.GetValue(lr), Seed = parse.GetValue(seed), Sample = parse.GetValue(sample), Temperature = t,
            };
            if (settings.Model == CharLmSettings.Gpt && settings.Embd % settings.Heads != 0)
                throw new LabInputException($"--embd {settings.Embd} must be divisible by --heads {settings.Heads}");
            var data = CharLmCorpusFile.Load(settings.Corpus);
            var run = new CharLmRun(settings, data);
            string? resumePath = parse.GetValue(resume), savePath = parse.GetValue(save);
            if (resumePath is not null) CharLmCheckpoint.Resume(run, resumePath);
            double? rate = null;
            if (ctx.Json) rate = run.Train();
            else
            {
                var report = ctx.Report;
                PrintSetup(report, run, resumePath);
                report.ProgressWithStatus(Language.Format(T.CharLmProgress, settings.Model), settings.Steps, tick => rate = run.Train((step, loss, tokens) =>
                {
                    string status = Language.Format(T.CharLmStatus, loss.ToString("F4", CultureInfo.InvariantCulture), double.IsNaN(tokens) ? "-" : tokens.ToString("N0", CultureInfo.InvariantCulture));
                    tick(step, status);
                    if (step % 50 == 0 || step == settings.Steps) report.Line(Language.Format(T.CharLmStepLine, step, settings.Steps, status));
                }));
            }
            // Saved as training ends, before validation draws batches: a resumed run continues the training stream.
            if (savePath is not null) CharLmCheckpoint.Save(run, savePath);
            string? onnxPath = parse.GetValue(onnx);
            if (onnxPath is not null) ExportOnnx(run, onnxPath);
            var result = Finish(run, rate);
            if (ctx.Json)
            {
                io.Out.WriteLine(Unescaped(ToJson(result).ToString()));   // ensure_ascii=False, as charlm_torch.py prints
                io.Out.Flush();
                return 0;
            }
            string lossPath = ctx.OutPath(Files.Loss);
            Draw(result, lossPath);
            Print(ctx.Report, result, lossPath, savePath);
            if (onnxPath is not null) ctx.Report.Wrote($"model (ONNX, ids [batch, {settings.Block}] in, logits [batch, {settings.Block}, {data.Chars.Count}] out)", onnxPath);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The trained model as ONNX, traced on one window of --block ids: the batch is dynamic, the window length is the
    /// traced one (the gpt's position embedding and causal mask are built for it).
    /// </summary>
    private static void ExportOnnx(CharLmRun run, string path)
    {
        try
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null) Directory.CreateDirectory(dir);
            Onnx.Onnx.Export(run.Model, Tensor.Zeros([1, run.Settings.Block], DType.Int64), path,
                new Onnx.OnnxExportOptions { DocString = $"char-lm {run.Settings.Model} on {run.Settings.Corpus}: {run.Corpus.Chars.Count} characters" });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LabInputException($"--onnx: cannot write {path}: {e.Message}");
        }
    }

    private static CharLmResult Finish(CharLmRun run, double? tokensPerSecond)
    {
        double validation = run.ValidationLoss();
        return run.Result(tokensPerSecond, validation, run.GenerateSample());
    }

    /// <summary>charlm_torch.py's record: the same keys in the same order, the same meanings.</summary>
    public static JsonRecord ToJson(CharLmResult r)
    {
        var losses = new JsonRecord();
        foreach (var (step, loss) in r.ReportedLosses) losses.Add(step.ToString(CultureInfo.InvariantCulture), loss);
        return new JsonRecord
        {
            { "corpus", r.Settings.Corpus },
            { "model", r.Settings.Model },
            { "vocab", r.Corpus.Chars.Count },
            { "params", r.Parameters },
            { "losses", losses },
            { "val_loss", r.ValidationLoss },
            { "tokens_per_s", r.TokensPerSecond },
            { "sample", r.Sample },
        };
    }

    /// <summary>The record's \uXXXX escapes of non-ASCII characters written as the characters (json.dumps with ensure_ascii=False).</summary>
    public static string Unescaped(string json)
    {
        var text = new StringBuilder(json.Length);
        for (int i = 0; i < json.Length; i++)
        {
            if (json[i] == '\\' && i + 1 < json.Length)
            {
                if (json[i + 1] == 'u' && i + 5 < json.Length
                    && int.TryParse(json.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code) && code > 0x7e)
                {
                    text.Append((char)code);
                    i += 5;
                    continue;
                }
                text.Append(json, i, 2);   // any other escape (\\, \", \n, a control character) stays as it is
                i++;
                continue;
            }
            text.Append(json[i]);
        }
        return text.ToString();
    }

    private static void PrintSetup(Report report, CharLmRun run, string? resumePath)
    {
        var s = run.Settings;
        static string N0(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
        report.Heading(Language.Format(T.CharLmHeading, s.Model, run.Corpus.Name, N0(run.Corpus.Text.Count), N0(run.Corpus.Chars.Count)));
        string model = s.Model == CharLmSettings.Gpt
            ? Language.Format(T.CharLmGptModel, s.Layers, s.Embd, s.Heads, s.Block)
            : "lstm: Embedding(V, 64), LSTM(64, 256), Linear(256, V)";
        report.Pairs(
        [
            (T.CharLmCorpus, Language.Format(T.CharLmCorpusValue, run.Corpus.Path, N0(run.Corpus.Train.Numel), N0(run.Corpus.Validation.Numel))),
            (T.FmnistModel, model),
            (T.FmnistParameters, run.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)),
            (T.FmnistTraining, Language.Format(T.CharLmTrainingValue, s.Lr, s.Batch, s.Block, s.Steps, s.Seed)),
            .. resumePath is null ? Array.Empty<(string, string)>() : [(T.CharLmResumed, Language.Format(T.CharLmResumedValue, resumePath, run.Step))],
        ]);
    }

    /// <summary>The loss of every step and its running mean over 20 steps.</summary>
    public static void Draw(CharLmResult r, string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var steps = r.Curve.Select(p => (double)p.Step).ToList();
        var losses = r.Curve.Select(p => p.Loss).ToList();
        var mean = losses.Select((_, i) => losses.Skip(Math.Max(0, i - 19)).Take(Math.Min(20, i + 1)).Average()).ToList();
        Chart.Lines(path, [new Series(T.CharLmSeriesLoss, losses, steps), new Series(T.CharLmSeriesMean, mean, steps)],
            Language.Format(T.CharLmChart, r.Settings.Model, r.Settings.Corpus, r.Settings.Lr, r.Settings.Batch, r.Settings.Block),
            xLabel: T.AxisStep, yLabel: T.FmnistAxisCrossEntropy, logScaleNote: T.AxisLogScale);
    }

    private static void Print(Report report, CharLmResult r, string lossPath, string? savePath)
    {
        report.Table([T.CharLmStepColumn, T.Loss], r.ReportedLosses.Select(p => (IReadOnlyList<string>)[Fmt.I(p.Key), p.Value.ToString("F4", CultureInfo.InvariantCulture)]));
        report.Line(Language.Format(T.CharLmValidation, r.ValidationLoss.ToString("F4", CultureInfo.InvariantCulture), r.Settings.ValidationBatches,
            r.TokensPerSecond is { } t ? t.ToString("N0", CultureInfo.InvariantCulture) : "-"));
        report.Line(r.Settings.Temperature is { } temp ? Language.Format(T.CharLmSampled, temp) : T.CharLmGreedy);
        report.Line(r.Sample);
        report.Wrote(T.LossCurve, lossPath);
        if (savePath is not null) report.Wrote(T.CharLmCheckpoint, savePath);
    }

    // The thread pool and Environment.ProcessorCount are sized at start-up; DOTNET_PROCESSOR_COUNT sets both (as
    // torch.set_num_threads sets torch's pool), so the lab runs itself again with it.
    private static int RestartWithThreads(int threads, LabIo io)
    {
        string? host = Environment.ProcessPath;
        var entry = System.Reflection.Assembly.GetEntryAssembly();
        if (host is null || entry?.GetName().Name != "Backprop.Lab" || Environment.GetEnvironmentVariable("DOTNET_PROCESSOR_COUNT") is not null)
            throw new LabInputException($"--threads {threads}: the lab can set its thread count only when run as its own program without DOTNET_PROCESSOR_COUNT set (it has {Environment.ProcessorCount})");
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(entry.Location);
        foreach (string a in Environment.GetCommandLineArgs().Skip(1)) start.ArgumentList.Add(a);
        start.Environment["DOTNET_PROCESSOR_COUNT"] = threads.ToString(CultureInfo.InvariantCulture);
        using var child = Process.Start(start)!;
        child.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (io.Error) io.Error.WriteLine(e.Data); };
        child.BeginErrorReadLine();
        io.Out.Write(child.StandardOutput.ReadToEnd());
        child.WaitForExit();
        return child.ExitCode;
    }
}
