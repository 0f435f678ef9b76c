using System.Globalization;
using System.Text.Json;
using Backprop.IO;
using Backprop.Lab.Cli;
using Backprop.Seeds.CharLm;

namespace Backprop.Lab.Experiments.CharLm;

/// <summary>
/// --save / --resume: the library's <see cref="Checkpoint"/> (model, AdamW, the run's generator, the step) plus the
/// run's settings and its loss curve so far, so a resumed run continues bit for bit and reports the whole run.
/// </summary>
internal static class CharLmCheckpoint
{
    private const string SettingsKey = "char-lm.settings";
    private const string CurveKey = "char-lm.curve";

    /// <summary>What must be equal for a resumed run to continue the saved one (--steps, --sample and --temperature may change).</summary>
    private static string Signature(CharLmSettings s) => string.Create(CultureInfo.InvariantCulture,
        $"corpus={s.Corpus} model={s.Model} batch={s.Batch} block={s.Block} embd={s.Embd} heads={s.Heads} layers={s.Layers} lr={s.Lr:R} seed={s.Seed}");

    public static void Save(CharLmRun run, string path)
    {
        var extra = new Dictionary<string, string>
        {
            [SettingsKey] = Signature(run.Settings),
            [CurveKey] = JsonSerializer.Serialize(run.Curve.Select(p => p.Loss.ToString("R", CultureInfo.InvariantCulture)).ToArray()),
        };
        try
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null) Directory.CreateDirectory(dir);
            Checkpoint.Save(path, run.Model, run.Optimizer, generator: run.Generator, step: run.Step, extra: extra);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LabInputException($"--save: cannot write {path}: {e.Message}");
        }
    }

    public static void Resume(CharLmRun run, string path)
    {
        CheckpointInfo info;
        try
        {
            info = Checkpoint.Load(path, run.Model, run.Optimizer, generator: run.Generator);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new LabInputException($"--resume: cannot read {path}: {e.Message}");
        }
        string expected = Signature(run.Settings);
        if (!info.Extra.TryGetValue(SettingsKey, out var saved) || saved != expected)
            throw new LabInputException($"--resume: {path} was saved by a run with other settings ({saved ?? "none"}); this run has {expected}");
        if (info.Step > run.Settings.Steps)
            throw new LabInputException($"--resume: {path} is at step {info.Step}, past --steps {run.Settings.Steps}");
        var losses = JsonSerializer.Deserialize<string[]>(info.Extra[CurveKey])!;
        run.Curve.Clear();
        for (int i = 0; i < losses.Length; i++) run.Curve.Add((i + 1, double.Parse(losses[i], CultureInfo.InvariantCulture)));
        run.Step = (int)info.Step;
    }
}
