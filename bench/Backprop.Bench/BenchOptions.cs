using System.Globalization;

namespace Backprop.Bench;

/// <summary>
/// The command line, with bench_torch.py's flags (--quick, --only, --threads) plus --json, which bench_torch.py
/// does not need (it always prints JSON), and the comparison flags.
/// </summary>
public sealed record BenchOptions
{
    /// <summary>Fewer steps and 3 repeats instead of 5, for a smoke run; like bench_torch.py --quick.</summary>
    public bool Quick { get; init; }

    /// <summary>The workload names to run (empty: all); like bench_torch.py --only a,b.</summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    /// <summary>Worker threads (0: all cores); like bench_torch.py --threads N.</summary>
    public int Threads { get; init; }

    /// <summary>Print one JSON object (bench_torch.py's shape) instead of a table.</summary>
    public bool Json { get; init; }

    /// <summary>Peer results to compare against: peer name and its JSON files (the median of the files is taken).</summary>
    public IReadOnlyList<(string Peer, IReadOnlyList<string> Files)> Compare { get; init; } = [];

    /// <summary>Our own results read from JSON files (median over the files) instead of running the workloads.</summary>
    public IReadOnlyList<string> Results { get; init; } = [];

    /// <summary>Print the usage and exit.</summary>
    public bool Help { get; init; }

    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: Backprop.Bench [--quick] [--only NAME[,NAME...]] [--threads N] [--json]
                              [--compare PEER=FILE[,FILE...]]... [--results FILE[,FILE...]]
          --quick            fewer steps and 3 repeats (a smoke run); the default is the full run, 5 repeats
          --only a,b         run only these workloads: seed_2x2, seed_3x3_adam, linreg, mlp, gemm (all four sizes),
                             gemm_128 ... gemm_1024, elementwise
          --threads N        worker threads (default: all cores); sets DOTNET_PROCESSOR_COUNT and restarts the process
          --json             print one JSON object with bench_torch.py's keys; otherwise a table
          --compare P=F,...  print ratios against a peer's JSON output (bench_torch.py, torchsharp/run.sh);
                             several files per peer give the median; repeat the flag for each peer
          --results F,...    take our numbers from JSON files saved from --json (median) instead of running
        Each workload's final loss, allocations and the peak working set go to stderr.
        """;

    /// <summary>Parses the arguments; throws ArgumentException with a message naming the bad flag.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        var compare = new List<(string, IReadOnlyList<string>)>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string? inline = null;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            string Value() => inline ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException($"bench: {arg} needs a value"));
            switch (arg)
            {
                case "--quick": options = options with { Quick = true }; break;
                case "--json": options = options with { Json = true }; break;
                case "-h" or "--help": options = options with { Help = true }; break;
                case "--only": options = options with { Only = SplitList(Value()) }; break;
                case "--threads":
                    string t = Value();
                    if (!int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int threads))
                        throw new ArgumentException($"bench: --threads expects a non-negative integer, got '{t}'");
                    options = options with { Threads = threads };
                    break;
                case "--compare":
                    string spec = Value();
                    int at = spec.IndexOf('=', StringComparison.Ordinal);
                    if (at <= 0 || at == spec.Length - 1)
                        throw new ArgumentException($"bench: --compare expects PEER=FILE[,FILE...], got '{spec}'");
                    compare.Add((spec[..at], SplitList(spec[(at + 1)..])));
                    break;
                case "--results": options = options with { Results = SplitList(Value()) }; break;
                default: throw new ArgumentException($"bench: unknown argument '{args[i]}'");
            }
        }
        foreach (string name in options.Only)
            if (!Workloads.IsKnownName(name))
                throw new ArgumentException($"bench: unknown workload '{name}' in --only; known: {string.Join(", ", Workloads.Names)}");
        return options with { Compare = compare };
    }

    private static string[] SplitList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
