using System.Diagnostics;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Seeds.CharLm;

namespace Backprop.Lab.Experiments.CharLm;

/// <summary>What a char-lm run produced: charlm_torch.py's metrics and the loss of every step.</summary>
internal sealed record CharLmResult(
    CharLmSettings Settings,
    CharLmCorpus Corpus,
    Module<Tensor, Tensor> Model,
    long Parameters,
    SortedDictionary<int, double> ReportedLosses,
    List<(int Step, double Loss)> Curve,
    double ValidationLoss,
    double? TokensPerSecond,
    string Sample);

/// <summary>
/// Training as charlm_torch.py trains: the run's generator seeded like torch.manual_seed(seed) builds the model and
/// draws every batch (torch.randint(len(ids) − T, (B,))), AdamW(lr) with PyTorch's defaults, cross-entropy over all
/// positions; then the validation loss (mean of 10 batches from the validation ids, no graph) and the sample.
/// </summary>
internal sealed class CharLmRun
{
    public CharLmSettings Settings { get; }
    public CharLmCorpus Corpus { get; }
    public Generator Generator { get; }
    public Module<Tensor, Tensor> Model { get; }
    public AdamW Optimizer { get; }

    /// <summary>Steps done so far (a resumed run starts past 0).</summary>
    public int Step { get; set; }

    /// <summary>Every step's loss so far, in order (restored on resume so the curve and the record are whole).</summary>
    public List<(int Step, double Loss)> Curve { get; } = [];

    public CharLmRun(CharLmSettings settings, CharLmCorpus corpus)
    {
        Settings = settings;
        Corpus = corpus;
        if (corpus.Train.Numel <= settings.Block || corpus.Validation.Numel <= settings.Block)
            throw new Cli.LabInputException(
                $"--block {settings.Block}: the corpus {corpus.Name} has {corpus.Train.Numel} training and {corpus.Validation.Numel} validation characters; both must be longer than a block");
        Generator = new Generator(unchecked((ulong)settings.Seed));
        Model = Build(settings, corpus.Chars.Count, Generator);
        Optimizer = new AdamW(Model.Parameters(), lr: settings.Lr);
    }

    public static Module<Tensor, Tensor> Build(CharLmSettings s, int vocab, Generator generator) => s.Model == CharLmSettings.Lstm
        ? new CharLmLstm(vocab, generator)
        : new CharLmGpt(vocab, s.Block, s.Embd, s.Heads, s.Layers, generator);

    public long ParameterCount => Model.Parameters().Sum(p => (long)p.Numel);

    /// <summary>B random windows of T ids and the same windows shifted by one: x, y [B, T], as charlm_torch.py's batch().</summary>
    public (Tensor X, Tensor Y) Batch(Tensor ids)
    {
        int t = Settings.Block;
        var starts = Tensor.RandInt(ids.Numel - t, [Settings.Batch], generator: Generator);
        var positions = starts.Unsqueeze(1).Add(Tensor.Arange(t));
        var x = ids.IndexSelect(0, positions.View(-1)).View(Settings.Batch, t);
        var y = ids.IndexSelect(0, positions.Add(1).View(-1)).View(Settings.Batch, t);
        return (x, y);
    }

    private Tensor Loss(Tensor x, Tensor y) => F.CrossEntropy(Model.Forward(x).View(-1, Corpus.Chars.Count), y.View(-1));

    /// <summary>
    /// Trains up to Settings.Steps; progress gets (step, loss, tokens/s so far), stepDone runs after each step
    /// (for checkpoints). Returns the tokens per second over the steps after the third, as charlm_torch.py counts.
    /// </summary>
    public double? Train(Action<int, double, double>? progress = null, Action<CharLmRun>? stepDone = null)
    {
        var clock = new Stopwatch();
        int timedFrom = -1;
        while (Step < Settings.Steps)
        {
            Step++;
            if (Step == 4 || (timedFrom < 0 && Step > 4)) { clock.Start(); timedFrom = Step; }
            var (x, y) = Batch(Corpus.Train);
            var loss = Loss(x, y);
            Optimizer.ZeroGrad();
            loss.Backward();
            Optimizer.Step();
            double value = loss.Item();
            Curve.Add((Step, value));
            double rate = timedFrom > 0 ? (double)Settings.Batch * Settings.Block * (Step - timedFrom + 1) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9) : double.NaN;
            progress?.Invoke(Step, value, rate);
            stepDone?.Invoke(this);
        }
        clock.Stop();
        return timedFrom > 0 ? (double)Settings.Batch * Settings.Block * (Settings.Steps - timedFrom + 1) / clock.Elapsed.TotalSeconds : null;
    }

    /// <summary>The mean loss of Settings.ValidationBatches batches drawn from the validation ids, without a graph.</summary>
    public double ValidationLoss()
    {
        using var _ = Autograd.NoGrad();
        double sum = 0;
        for (int i = 0; i < Settings.ValidationBatches; i++)
        {
            var (x, y) = Batch(Corpus.Validation);
            sum += Loss(x, y).Item();
        }
        return sum / Settings.ValidationBatches;
    }

    /// <summary>
    /// Settings.Sample characters continuing the text's first: each the argmax of the last position's logits over the
    /// last Block ids (charlm_torch.py's greedy sample), or, with a temperature, drawn from softmax(logits / T) by
    /// Multinomial with the run's generator.
    /// </summary>
    public string GenerateSample()
    {
        using var _ = Autograd.NoGrad();
        var ids = new List<long> { Corpus.IdOf(Corpus.Text[0]) };
        for (int i = 0; i < Settings.Sample; i++)
        {
            var context = ids.Skip(Math.Max(0, ids.Count - Settings.Block)).ToArray();
            var logits = Model.Forward(Tensor.From(context, 1, context.Length)).Select(0, 0).Select(0, context.Length - 1);
            long next = Settings.Temperature is { } temperature
                ? logits.Div(temperature).Softmax(-1).Multinomial(1, generator: Generator).Item<long>()
                : logits.ArgMax().Item<long>();
            ids.Add(next);
        }
        return Corpus.Decode(ids);
    }

    /// <summary>Losses at the steps charlm_torch.py reports: 1, 10, every 50th and the last.</summary>
    public SortedDictionary<int, double> ReportedLosses()
    {
        var reported = new SortedDictionary<int, double>();
        foreach (var (step, loss) in Curve)
            if (step == 1 || step == 10 || step == Settings.Steps || step % 50 == 0) reported[step] = loss;
        return reported;
    }

    public CharLmResult Result(double? tokensPerSecond, double validationLoss, string sample) =>
        new(Settings, Corpus, Model, ParameterCount, ReportedLosses(), Curve, validationLoss, tokensPerSecond, sample);
}
