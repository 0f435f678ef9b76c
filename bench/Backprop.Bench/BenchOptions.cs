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

    /// <summary>
    /// Peer results to compare against: peer name, group (a thread count such as "1t"; empty if none) and its JSON
    /// files. The median of a group's files is taken; several groups of one peer give that peer's best.
    /// </summary>
    public IReadOnlyList<(string Peer, string Group, IReadOnlyList<string> Files)> Compare { get; init; } = [];

    /// <summary>Our own results read from JSON files instead of running the workloads, in groups as for a peer.</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Files)> Results { get; init; } = [];

    /// <summary>Measure the machine's limits (FMA throughput, copy bandwidth) and print them as JSON.</summary>
    public bool MachineLimits { get; init; }

    /// <summary>A file of measured machine limits (from --machine-limits) for the comparison's "of limit" column.</summary>
    public string? Limits { get; init; }

    /// <summary>Print the usage and exit.</summary>
    public bool Help { get; init; }

    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: Backprop.Bench [--quick] [--only NAME[,NAME...]] [--threads N] [--json]
                              [--compare PEER[@GROUP]=FILE[,FILE...]]... [--results [GROUP=]FILE[,FILE...]]...
                              [--limits FILE] | --machine-limits
          --quick            fewer steps and 3 repeats (a smoke run); the default is the full run, 5 repeats
          --only a,b         run only these workloads: seed_2x2, seed_3x3_adam, linreg, mlp, gemm (all four sizes),
                             gemm_128 ... gemm_1024, elementwise
          --threads N        worker threads (default: all cores); sets DOTNET_PROCESSOR_COUNT and restarts the process
          --json             print one JSON object with bench_torch.py's keys; otherwise a table
          --compare P=F,...  print ratios against a peer's JSON output (bench_torch.py, torchsharp/run.sh);
                             several files give the median; repeat the flag for each peer, and for each group of
                             one peer (P@1t=..., P@2t=...: each workload takes the peer's best group)
          --results F,...    take our numbers from JSON files saved from --json (median) instead of running;
                             repeat as GROUP=F,... for several thread counts (the best group counts)
          --limits FILE      machine limits (from --machine-limits) for the share-of-limit column and targets
          --machine-limits   measure float32 FMA GFLOP/s (1 thread, all) and copy GB/s; print them as JSON
        Each workload's final loss, allocations and the peak working set go to stderr.
        """;

    /// <summary>Parses the arguments; throws ArgumentException with a message naming the bad flag.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        var compare = new List<(string, string, IReadOnlyList<string>)>();
        var results = new List<(string, IReadOnlyList<string>)>();
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
                case "--machine-limits": options = options with { MachineLimits = true }; break;
                case "--limits": options = options with { Limits = Value() }; break;
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
                    string peer = spec[..at];
                    int group = peer.IndexOf('@', StringComparison.Ordinal);
                    compare.Add(group < 0 ? (peer, "", SplitList(spec[(at + 1)..])) : (peer[..group], peer[(group + 1)..], SplitList(spec[(at + 1)..])));
                    break;
                case "--results":
                    string files = Value();
                    int named = files.IndexOf('=', StringComparison.Ordinal);
                    // GROUP=FILES when what precedes the '=' cannot be part of a path; otherwise the whole is files.
                    results.Add(named > 0 && files.AsSpan(0, named).IndexOfAny('/', '\\', '.') < 0
                        ? (files[..named], SplitList(files[(named + 1)..]))
                        : ("", SplitList(files)));
                    break;
                default: throw new ArgumentException($"bench: unknown argument '{args[i]}'");
            }
        }
        foreach (string name in options.Only)
            if (!Workloads.IsKnownName(name))
                throw new ArgumentException($"bench: unknown workload '{name}' in --only; known: {string.Join(", ", Workloads.Names)}");
        return options with { Compare = compare, Results = results };
    }

    private static string[] SplitList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
