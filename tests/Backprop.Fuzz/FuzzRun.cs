using System.Diagnostics;
using System.Globalization;

namespace Backprop.Fuzz;

/// <summary>
/// One fuzzer's run: how many cases (BACKPROP_FUZZ_CASES, default <see cref="DefaultCases"/>: seconds), from which
/// seed (BACKPROP_FUZZ_SEED, default 1: the normal run is the same every time), and the rule every case must keep:
/// the reader returns what an independent decoder of the same bytes returns, or throws
/// <see cref="InvalidDataException"/> whose message starts with the file's name. Anything else (another exception, a
/// value that differs, the reader accepting what the format forbids) fails the test, naming the case and writing its
/// bytes to a file to replay it.
/// </summary>
public static class FuzzRun
{
    public const int DefaultCases = 2_000;

    public static int Cases => int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : DefaultCases;

    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("BACKPROP_FUZZ_SEED"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int s) ? s : 1;

    /// <summary>The outcome of one case, for the summary.</summary>
    public enum Outcome { Loaded, Refused }

    /// <summary>
    /// Runs the cases: each one mutates a seed file and hands the bytes to check, which returns Loaded after
    /// comparing the result with the independent decode, or Refused after checking the InvalidDataException.
    /// </summary>
    public static void Run(string format, IReadOnlyList<byte[]> seeds, Func<byte[], Random, byte[]> mutate, Func<byte[], string, Outcome> check)
    {
        int cases = Cases, seed = Seed;
        var random = new Random(seed);
        int loaded = 0, refused = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < cases; i++)
        {
            byte[] input = mutate(seeds[random.Next(seeds.Count)], random);
            string name = $"fuzz-{format}-{seed}-{i}";
            try
            {
                if (check(input, name) == Outcome.Loaded) loaded++;
                else refused++;
            }
            catch (Exception e)
            {
                string path = Path.Combine(Path.GetTempPath(), name + ".bin");
                File.WriteAllBytes(path, input);
                throw new Xunit.Sdk.XunitException(
                    $"{format} fuzz case {i} (BACKPROP_FUZZ_SEED={seed}): {e.GetType().Name}: {e.Message}\nthe input is in {path}\n{e}");
            }
        }
        // Both outcomes must happen, or the mutations miss the format (all refused) or do nothing (all loaded).
        Assert.True(loaded > 0 && refused > 0, $"{format}: {loaded} loaded, {refused} refused of {cases}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fuzz {format}: {cases} cases (seed {seed}) in {clock.Elapsed.TotalSeconds:F1} s: {loaded} loaded and matched, {refused} refused"));
    }

    /// <summary>Asserts the refusal rule: an InvalidDataException whose message starts with "name:" (or "name line").</summary>
    public static Outcome Refused(InvalidDataException e, string name)
    {
        if (!e.Message.StartsWith(name + ":", StringComparison.Ordinal) && !e.Message.StartsWith(name + " line ", StringComparison.Ordinal))
            throw new InvalidOperationException($"the InvalidDataException does not start with the file's name: {e.Message}");
        return Outcome.Refused;
    }
}
