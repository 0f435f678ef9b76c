using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Backprop.IO;
using Backprop.Lab.Cli;
using Backprop.Lab.Output;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Plots;

namespace Backprop.Lab.Experiments.FashionMnist;

internal sealed record FashionMnistSettings
{
    /// <summary>An MNIST-format folder; null: Debian's /usr/share/datasets/fashion-mnist.</summary>
    public string? Data { get; init; }
    public string Model { get; init; } = FashionMnistModels.Mlp;
    public int Epochs { get; init; } = 1;
    public int Batch { get; init; } = 64;
    public double Lr { get; init; } = 0.05;
    public double Momentum { get; init; } = 0.9;
    public long Seed { get; init; }
    /// <summary>Only the first Limit training samples; 0: all of them.</summary>
    public int Limit { get; init; }
}

/// <summary>One epoch: the mean of its batch losses, the test accuracy after it, its training time.</summary>
internal sealed record EpochRecord(int Epoch, double TrainLoss, double TestAccuracy, double Seconds, double SamplesPerSecond);

internal sealed record FashionMnistResult(
    FashionMnistSettings Settings,
    string DataFolder,
    int TrainSamples,
    int TestSamples,
    Sequential Model,
    List<EpochRecord> Epochs,
    List<(double Epoch, double Loss)> LossCurve,
    double TrainSeconds,
    double FinalTrainLoss,
    long[,] Confusion)
{
    /// <summary>Test images classified right by the final model.</summary>
    public long Correct => Enumerable.Range(0, FashionMnistData.Classes).Sum(c => Confusion[c, c]);

    public double TestAccuracy => (double)Correct / TestSamples;

    public double SamplesPerSecond => (double)TrainSamples * Settings.Epochs / TrainSeconds;

    /// <summary>fmnist_torch.py's record: the same keys, the same meanings (train_seconds counts training steps only).</summary>
    public JsonRecord ToJson() => new()
    {
        { "model", Settings.Model },
        { "epochs", Settings.Epochs },
        { "train_seconds", TrainSeconds },
        { "samples_per_s", SamplesPerSecond },
        { "test_accuracy", TestAccuracy },
        { "final_train_loss", FinalTrainLoss },
    };
}

/// <summary>
/// A real training run: Fashion-MNIST (Debian's dataset-fashion-mnist, or any MNIST-format folder), the mlp or cnn of
/// fmnist_torch.py, trained as it trains them: torch.manual_seed(seed), the model, SGD with momentum 0.9, then per epoch
/// a torch.randperm(n) order cut into batches, cross-entropy, backward, step. The generator is the run's own, seeded
/// like torch's default one, so initial weights and batch orders are PyTorch's.
/// </summary>
internal static class FashionMnistExperiment
{
    public const string Name = "fashion-mnist";

    /// <summary>The batch size of evaluation (fmnist_torch.py's 1000); it changes nothing but memory.</summary>
    private const int EvalBatch = 1000;

    public static class Files
    {
        public const string Loss = "fashion-mnist-loss.png";
        public const string Accuracy = "fashion-mnist-accuracy.png";
    }

    public static Command Command(LabIo io)
    {
        var command = new Command(Name,
            "Train the mlp or cnn of fmnist_torch.py on Fashion-MNIST: per-epoch loss and test accuracy, a confusion matrix, curves, --save to safetensors");
        var data = new Option<string?>("--data")
        {
            Description = Language.Format(T.HelpFashionMnistData, FashionMnistData.DefaultFolder),
            HelpName = "DIR",
        };
        var model = Values.Choice("--model", FashionMnistModels.Mlp, T.HelpFashionMnistModel,
            FashionMnistModels.Mlp, FashionMnistModels.Cnn);
        var epochs = Values.Count("--epochs", 1, T.HelpFashionMnistEpochs);
        var batch = Values.Count("--batch", 64, T.HelpFashionMnistBatch, max: int.MaxValue);
        var lr = Values.Number("--lr", 0.05, T.HelpFashionMnistLr);
        var seed = Values.Seed(T.HelpFashionMnistSeed);
        var limit = Values.Count("--limit", 0, T.HelpFashionMnistLimit, min: 0, max: int.MaxValue);
        var save = Values.File("--save", T.HelpFashionMnistSave);
        var onnx = Values.File("--onnx", T.HelpFashionMnistOnnx);
        foreach (var option in new Option[] { data, model, epochs, batch, lr, seed, limit, save, onnx }) command.Options.Add(option);
        var common = CommonOptions.AddTo(command, dtype: false);
        command.SetAction(parse =>
        {
            var ctx = common.Read(parse, io);
            var settings = new FashionMnistSettings
            {
                Data = parse.GetValue(data), Model = parse.GetValue(model)!, Epochs = parse.GetValue(epochs), Batch = parse.GetValue(batch),
                Lr = parse.GetValue(lr), Seed = parse.GetValue(seed), Limit = parse.GetValue(limit),
            };
            var dataset = FashionMnistData.Load(settings.Data, settings.Limit);
            FashionMnistResult result = null!;
            if (ctx.Json) result = Run(settings, dataset);
            else
            {
                int steps = (int)Math.Min(int.MaxValue, (long)StepsPerEpoch(dataset.TrainImages.Shape[0], settings.Batch) * settings.Epochs);
                var report = ctx.Report;
                PrintSetup(report, settings, dataset);
                // Each epoch's line as it ends (above the live bar on a terminal): a long run shows how it is going.
                report.ProgressWithStatus(Language.Format(T.FmnistProgress, settings.Model), steps,
                    tick => result = Run(settings, dataset, tick, e => report.Line(EpochLine(e, settings.Epochs))));
            }
            string? savePath = parse.GetValue(save);
            if (savePath is not null) Save(result, savePath);
            string? onnxPath = parse.GetValue(onnx);
            if (onnxPath is not null) ExportOnnx(result, dataset, onnxPath);
            if (ctx.Json) return ctx.WriteJson(result.ToJson());
            var (lossPath, accuracyPath) = (ctx.OutPath(Files.Loss), ctx.OutPath(Files.Accuracy));
            Draw(result, lossPath, accuracyPath);
            Print(ctx.Report, result, lossPath, accuracyPath, savePath);
            if (onnxPath is not null) ctx.Report.Wrote("model (ONNX, input [batch, 1, 28, 28] in [0, 1], output the 10 logits)", onnxPath);
            return 0;
        });
        return command;
    }

    // In long: samples + batch − 1 overflows an int when the batch is near int.MaxValue.
    private static int StepsPerEpoch(int samples, int batch) => (int)((samples + (long)batch - 1) / batch);

    private static string EpochLine(EpochRecord e, int epochs) => Language.Format(T.FmnistEpochLine, e.Epoch, epochs,
        e.TrainLoss.ToString("F4", CultureInfo.InvariantCulture), e.TestAccuracy.ToString("F4", CultureInfo.InvariantCulture),
        e.Seconds.ToString("F1", CultureInfo.InvariantCulture), e.SamplesPerSecond.ToString("F0", CultureInfo.InvariantCulture));

    /// <summary>Trains and evaluates; progress gets (steps done, "loss … · … samples/s"), epochDone each epoch's record.</summary>
    public static FashionMnistResult Run(FashionMnistSettings s, FashionMnistData data, Action<int, string?>? progress = null,
        Action<EpochRecord>? epochDone = null)
    {
        var generator = new Generator(unchecked((ulong)s.Seed));
        var model = FashionMnistModels.Build(s.Model, generator);
        var optimizer = new SGD(model.Parameters(), lr: s.Lr, momentum: s.Momentum);
        int n = data.TrainImages.Shape[0];
        int steps = StepsPerEpoch(n, s.Batch);
        // The loss curve: the mean of every `window` batches, at its fractional epoch.
        int window = Math.Max(1, steps / 25);
        var epochs = new List<EpochRecord>();
        var curve = new List<(double, double)>();
        long[,] confusion = new long[FashionMnistData.Classes, FashionMnistData.Classes];
        double trainSeconds = 0, lastLoss = double.NaN;
        var clock = new Stopwatch();
        int done = 0;
        for (int epoch = 1; epoch <= s.Epochs; epoch++)
        {
            model.Train();
            double epochSum = 0, windowSum = 0;
            int windowCount = 0;
            clock.Restart();
            var order = Tensor.RandPerm(n, generator);
            for (int step = 0; step < steps; step++)
            {
                int start = (int)((long)step * s.Batch);   // < n
                var idx = order.Narrow(0, start, Math.Min(s.Batch, n - start));
                var xb = data.TrainImages.IndexSelect(0, idx);
                var yb = data.TrainLabels.IndexSelect(0, idx);
                optimizer.ZeroGrad();
                var loss = F.CrossEntropy(model.Forward(xb), yb);
                loss.Backward();
                optimizer.Step();
                lastLoss = loss.Item();
                epochSum += lastLoss;
                windowSum += lastLoss;
                if (++windowCount == window || step == steps - 1)
                {
                    curve.Add((epoch - 1 + (double)(step + 1) / steps, windowSum / windowCount));
                    windowSum = 0;
                    windowCount = 0;
                }
                done++;
                if (progress is not null && (step % 10 == 9 || step == steps - 1))
                {
                    double rate = Math.Min(n, (step + 1L) * s.Batch) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                    progress(done, string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{s.Epochs} · loss {epochSum / (step + 1):F4} · {rate:N0} samples/s"));
                }
            }
            clock.Stop();
            double seconds = clock.Elapsed.TotalSeconds;
            trainSeconds += seconds;
            confusion = Evaluate(model, data.TestImages, data.TestLabels);
            long correct = Enumerable.Range(0, FashionMnistData.Classes).Sum(c => confusion[c, c]);
            epochs.Add(new EpochRecord(epoch, epochSum / steps, (double)correct / data.TestImages.Shape[0], seconds, n / seconds));
            epochDone?.Invoke(epochs[^1]);
        }
        return new FashionMnistResult(s, data.Folder, n, data.TestImages.Shape[0], model, epochs, curve, trainSeconds, lastLoss, confusion);
    }

    /// <summary>The confusion matrix [true class, predicted class] of the model (in eval mode, no graph) on the images.</summary>
    public static long[,] Evaluate(Sequential model, Tensor images, Tensor labels)
    {
        var confusion = new long[FashionMnistData.Classes, FashionMnistData.Classes];
        model.Eval();
        using (Autograd.NoGrad())
        {
            int n = images.Shape[0];
            for (int start = 0; start < n; start += EvalBatch)
            {
                int count = Math.Min(EvalBatch, n - start);
                var predicted = model.Forward(images.Narrow(0, start, count)).ArgMax(1).ToArray<long>();
                var truth = labels.Narrow(0, start, count).ToArray<long>();
                for (int i = 0; i < count; i++) confusion[truth[i], predicted[i]]++;
            }
        }
        model.Train();
        return confusion;
    }

    /// <summary>The state dict as safetensors, with the run's settings as metadata.</summary>
    private static void Save(FashionMnistResult r, string path)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["model"] = r.Settings.Model,
            ["epochs"] = Fmt.I(r.Settings.Epochs),
            ["test_accuracy"] = Fmt.R(r.TestAccuracy),
        };
        try
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null) Directory.CreateDirectory(dir);
            SafeTensors.SaveModule(r.Model, path, metadata);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LabInputException($"--save: cannot write {path}: {e.Message}");
        }
    }

    /// <summary>The trained model as ONNX, traced on one test image; its input and output take any batch size.</summary>
    private static void ExportOnnx(FashionMnistResult r, FashionMnistData data, string path)
    {
        try
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null) Directory.CreateDirectory(dir);
            Onnx.Onnx.Export(r.Model, data.TestImages.Narrow(0, 0, 1), path,
                new Onnx.OnnxExportOptions { DocString = $"Fashion-MNIST {r.Settings.Model}, {r.Settings.Epochs} epoch(s), test accuracy {Fmt.R(r.TestAccuracy)}" });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LabInputException($"--onnx: cannot write {path}: {e.Message}");
        }
    }

    /// <summary>The loss curve (per window of batches, by fractional epoch) and the test accuracy per epoch.</summary>
    public static void Draw(FashionMnistResult r, string lossPath, string accuracyPath)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(lossPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        string what = Language.Format(T.FmnistWhat, r.Settings.Model, Fmt.G(r.Settings.Lr), Fmt.G(r.Settings.Momentum), r.Settings.Batch);
        Chart.Lines(lossPath,
        [
            new Series(T.FmnistSeriesRunning, r.LossCurve.Select(p => p.Loss).ToList(), r.LossCurve.Select(p => p.Epoch).ToList()),
            new Series(T.FmnistSeriesEpochMean, r.Epochs.Select(e => e.TrainLoss).ToList(), r.Epochs.Select(e => (double)e.Epoch).ToList()),
        ], Language.Format(T.FmnistChartLoss, what), xLabel: T.AxisEpoch, yLabel: T.FmnistAxisCrossEntropy, logScaleNote: T.AxisLogScale);
        Chart.Lines(accuracyPath,
            [new Series(T.FmnistTestAccuracy, r.Epochs.Select(e => e.TestAccuracy).ToList(), r.Epochs.Select(e => (double)e.Epoch).ToList())],
            Language.Format(T.FmnistChartAccuracy, what), xLabel: T.AxisEpoch, yLabel: T.FmnistTestAccuracy, logScaleNote: T.AxisLogScale);
    }

    /// <summary>What is about to run: the data, the model's layers, the training settings.</summary>
    public static void PrintSetup(Report report, FashionMnistSettings s, FashionMnistData data)
    {
        // A model drawn only to be described (its layers and size do not depend on the generator).
        var model = FashionMnistModels.Build(s.Model, new Generator());
        report.Heading(Language.Format(T.FmnistHeading, s.Model, Fmt.I(data.TrainImages.Shape[0]), Fmt.I(data.TestImages.Shape[0])));
        report.Pairs(
        [
            (T.FmnistData, data.Folder),
            (T.FmnistModel, FashionMnistModels.Describe(model)),
            (T.FmnistParameters, FashionMnistModels.ParameterCount(model).ToString("N0", CultureInfo.InvariantCulture)),
            (T.FmnistTraining, Language.Format(T.FmnistTrainingValue, Fmt.G(s.Lr), Fmt.G(s.Momentum), s.Batch, Language.Format(T.Epochs, s.Epochs), s.Seed)),
        ]);
    }

    /// <summary>The per-epoch table, the confusion matrix, the totals and the files (after <see cref="PrintSetup"/> and the epoch lines).</summary>
    public static void Print(Report report, FashionMnistResult r, string lossPath, string accuracyPath, string? savePath)
    {
        report.Table([T.LinearEpoch, T.FmnistTrainLossMean, T.FmnistTestAccuracy, T.Seconds, T.SamplesPerSecond],
            r.Epochs.Select(e => (IReadOnlyList<string>)[
                Fmt.I(e.Epoch), e.TrainLoss.ToString("F4", CultureInfo.InvariantCulture), e.TestAccuracy.ToString("F4", CultureInfo.InvariantCulture),
                e.Seconds.ToString("F2", CultureInfo.InvariantCulture), e.SamplesPerSecond.ToString("F0", CultureInfo.InvariantCulture)]));
        var names = T.FmnistClassNames.Split('|');   // FashionMnistModels.ClassNames, in the report's language
        report.Table([T.FmnistTruePredicted, .. names, T.FmnistRecall],
            Enumerable.Range(0, names.Length).Select(t =>
            {
                long total = Enumerable.Range(0, names.Length).Sum(p => r.Confusion[t, p]);
                string recall = total == 0 ? "-" : ((double)r.Confusion[t, t] / total).ToString("F3", CultureInfo.InvariantCulture);
                return (IReadOnlyList<string>)[names[t], .. Enumerable.Range(0, names.Length).Select(p => Fmt.I(r.Confusion[t, p])), recall];
            }),
            T.FmnistConfusion);
        string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        report.Line(Language.Format(T.FmnistTotals, F(r.TestAccuracy, "F4"), r.Correct, r.TestSamples, F(r.TrainSeconds, "F2"),
            F(r.SamplesPerSecond, "F0"), F(r.FinalTrainLoss, "F4")));
        report.Wrote(T.LossCurve, lossPath);
        report.Wrote(T.FmnistAccuracyFile, accuracyPath);
        if (savePath is not null) report.Wrote(T.FmnistModelFile, savePath);
    }
}
