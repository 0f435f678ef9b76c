using System.Diagnostics;
using System.Globalization;

namespace Backprop.Bench;

/// <summary>The benchmark command: parses the flags, runs the workloads (or reads saved results), prints JSON, a table or ratios.</summary>
public static class BenchCommand
{
    /// <summary>Runs the command with the given streams; returns the exit code (0 ok, 2 bad arguments).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine(e.Message);
            stderr.WriteLine(BenchOptions.Usage);
            return 2;
        }
        if (options.Help)
        {
            stdout.WriteLine(BenchOptions.Usage);
            return 0;
        }
        if (options.Threads > 0 && options.Threads != Environment.ProcessorCount)
            return RestartWithThreads(options.Threads, args, stdout, stderr);
        if (options.MachineLimits)
        {
            var measured = MachineLimits.Measure();
            stderr.WriteLine(measured);
            stdout.WriteLine(measured.ToJson());
            return 0;
        }

        Contender ours;
        if (options.Results.Count > 0)
        {
            ours = new Contender("Backprop", options.Results.Select(r => (r.Group, Report.ReadMedian(r.Files))).ToList());
        }
        else
        {
            stderr.WriteLine($"Backprop.Bench: {(options.Quick ? "quick" : "full")} run, {Environment.ProcessorCount} threads, .NET {Environment.Version}, " +
                $"server GC {System.Runtime.GCSettings.IsServerGC}, {DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture)}");
            var results = Workloads.Run(options, stderr);
            stderr.WriteLine($"peak working set of this process: {PeakWorkingSetMiB():F0} MiB (VmHWM; every workload run, so use --only mlp for the mlp figure)");
            if (options.Json) stdout.WriteLine(Report.ToJson(results));
            else if (options.Compare.Count == 0) stdout.Write(Report.ToTable(results));
            ours = new Contender("Backprop", [("", Report.ReadJson(Report.ToJson(results)))]);
        }
        if (options.Compare.Count > 0)
        {
            var peers = options.Compare.GroupBy(c => c.Peer)
                .Select(p => new Contender(p.Key, p.Select(c => (c.Group, Report.ReadMedian(c.Files))).ToList()))
                .ToList();
            var limits = options.Limits is null ? null : MachineLimits.Read(options.Limits);
            if (limits is not null) stdout.WriteLine($"Machine: {limits}\n");
            stdout.Write(Comparison.ToTable(ours, peers, limits));
        }
        return 0;
    }

    /// <summary>The process's peak resident set: VmHWM from /proc/self/status where there is one, else PeakWorkingSet64.</summary>
    public static double PeakWorkingSetMiB()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (string line in File.ReadLines(status))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) / 1024.0;
        }
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64 / (1024.0 * 1024.0);
    }

    // The thread pool and Environment.ProcessorCount are sized at start-up; DOTNET_PROCESSOR_COUNT is the one knob
    // that sets both, as torch.set_num_threads sets torch's pool, so the command runs itself again with it.
    private static int RestartWithThreads(int threads, string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? host = Environment.ProcessPath;
        if (host is null || Environment.GetEnvironmentVariable("DOTNET_PROCESSOR_COUNT") is not null)
        {
            stderr.WriteLine($"bench: cannot set {threads} threads (DOTNET_PROCESSOR_COUNT is already set, or no process path); running with {Environment.ProcessorCount}");
            return Run(args.Where(a => !a.StartsWith("--threads", StringComparison.Ordinal)).ToArray(), stdout, stderr);
        }
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Under `dotnet Backprop.Bench.dll` the host is dotnet itself, which needs the assembly first.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_PROCESSOR_COUNT"] = threads.ToString(CultureInfo.InvariantCulture);
        using var child = Process.Start(start)!;
        child.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.WriteLine(e.Data); };
        child.BeginErrorReadLine();
        stdout.Write(child.StandardOutput.ReadToEnd());
        child.WaitForExit();
        return child.ExitCode;
    }
}
