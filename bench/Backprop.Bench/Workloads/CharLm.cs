using System.Diagnostics;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Seeds.CharLm;

namespace Backprop.Bench;

// The character-level language models of ../shared/peer/charlm_torch.py at its defaults (tang300, batch 32, block 64,
// AdamW lr 3e-3, seed 0): the same model code as the lab's char-lm (src/Backprop.Seeds/CharLm), timed as the script
// times itself, tokens per second over the steps after the third.
public static partial class Workloads
{
    /// <summary>Where charlm_torch.py's default corpus lives (Debian's fortunes-zh).</summary>
    public const string CharLmCorpusName = "tang300";

    /// <summary>
    /// One run of charlm_torch.py's training loop for the model ("gpt" or "lstm"): seeded generator, model, AdamW,
    /// steps of random batches; returns tokens/s over steps 4.. and the last loss. One run, not bench_torch.py's median
    /// of repeats: a full run is 200 steps of ~0.3 s, and the script it is compared with times one run too.
    /// </summary>
    public static (double TokensPerSecond, double Loss) CharLm(CharLmCorpus corpus, string model, int steps)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        const int batch = 32, block = 64;
        var generator = new Generator(0);
        int vocab = corpus.Chars.Count;
        Module<Tensor, Tensor> net = model == "lstm"
            ? new CharLmLstm(vocab, generator)
            : new CharLmGpt(vocab, block, 128, 4, 2, generator);
        var optimizer = new AdamW(net.Parameters(), lr: 3e-3);
        var train = corpus.Train;
        var clock = new Stopwatch();
        double loss = double.NaN;
        for (int step = 1; step <= steps; step++)
        {
            if (step == 4) clock.Start();
            var starts = Tensor.RandInt(train.Numel - block, [batch], generator: generator);
            var positions = starts.Unsqueeze(1).Add(Tensor.Arange(block));
            var x = train.IndexSelect(0, positions.View(-1)).View(batch, block);
            var y = train.IndexSelect(0, positions.Add(1).View(-1)).View(batch, block);
            var l = F.CrossEntropy(net.Call(x).View(-1, vocab), y.View(-1));
            optimizer.ZeroGrad();
            l.Backward();
            optimizer.Step();
            loss = l.Item();
        }
        clock.Stop();
        return ((double)batch * block * (steps - 3) / clock.Elapsed.TotalSeconds, loss);
    }

    /// <summary>The char-lm workloads, or a line saying why they were skipped (no corpus).</summary>
    private static void RunCharLm(bool quick, Func<string, bool> want, Action<WorkloadResult> add, TextWriter diagnostics)
    {
        string[] wanted = [.. new[] { "charlm_gpt", "charlm_lstm" }.Where(want)];
        if (wanted.Length == 0) return;
        CharLmCorpus corpus;
        try
        {
            corpus = CharLmCorpus.Load(CharLmCorpusName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.WriteLine($"{string.Join(", ", wanted)}: skipped, no corpus ({e.Message}; install Debian's fortunes-zh)");
            return;
        }
        int steps = quick ? 20 : 200;
        foreach (string name in wanted)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long allocated = GC.GetTotalAllocatedBytes(precise: false);
            int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
            var (tokens, loss) = CharLm(corpus, name == "charlm_lstm" ? "lstm" : "gpt", steps);
            var cost = (GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
            add(new(name, [new("steps", steps, true), new("tokens_per_s", tokens)],
                new Measurement((steps - 3) * 2048 / tokens, loss, GC.GetTotalAllocatedBytes(precise: false) - allocated, cost)));
        }
    }
}
