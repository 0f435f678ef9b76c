using Microsoft.Playwright;

namespace Backprop.Playground.Tests;

/// <summary>
/// Chromium's sampling profiler over one piece of work on a page, summarised as self time by function: the WebAssembly
/// runtime's functions by name, the jiterpreter's compiled traces as one group. For the speed measurements only
/// (compiled with -p:PlaygroundSpeed=true).
/// </summary>
internal static class ChromiumProfile
{
    /// <summary>Runs work under the profiler; returns (function, samples) by descending self time, and the total.</summary>
    public static async Task<(List<(string Name, int Samples)> Self, int Total)> SelfTimeAsync(IPage page, Func<Task> work)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Profiler.enable");
        await cdp.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 100 });
        await cdp.SendAsync("Profiler.start");
        await work();
        var profile = (await cdp.SendAsync("Profiler.stop"))!.Value.GetProperty("profile");
        // The runtime's module is the wasm URL with the most functions; its indices are named by the runtime pack's
        // dotnet.native.js.symbols (the published dotnet.native.wasm is the pack's, not relinked without wasm-tools).
        // Other wasm modules are the jiterpreter's compiled traces.
        var nodes = profile.GetProperty("nodes").EnumerateArray().ToList();
        string runtimeUrl = nodes.Select(n => n.GetProperty("callFrame").GetProperty("url").GetString() ?? "")
            .Where(u => u.StartsWith("wasm://", StringComparison.Ordinal)).GroupBy(u => u).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault() ?? "";
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string symbolsFile = Path.Combine(packages, "microsoft.netcore.app.runtime.mono.browser-wasm", Environment.Version.ToString(), "runtimes", "browser-wasm", "native", "dotnet.native.js.symbols");
        var symbols = File.Exists(symbolsFile)
            ? File.ReadLines(symbolsFile).Select(l => l.Split(':', 2)).Where(p => p.Length == 2).ToDictionary(p => "wasm-function[" + p[0] + "]", p => p[1])
            : [];
        var names = new Dictionary<int, string>();
        foreach (var node in nodes)
        {
            var frame = node.GetProperty("callFrame");
            string name = frame.GetProperty("functionName").GetString() ?? "", url = frame.GetProperty("url").GetString() ?? "";
            // The runtime's own frames come with its module's URL or none; another module's are a trace.
            if (url.StartsWith("wasm://", StringComparison.Ordinal) && url != runtimeUrl) name = "(jiterpreter traces)";
            else if (name.StartsWith("wasm-function[", StringComparison.Ordinal)) name = symbols.GetValueOrDefault(name, name);
            names[node.GetProperty("id").GetInt32()] = name.Length == 0 ? "(anonymous) " + url : name;
        }
        var self = profile.GetProperty("samples").EnumerateArray().Select(s => names[s.GetInt32()]).GroupBy(n => n)
            .Select(g => (g.Key, g.Count())).OrderByDescending(g => g.Item2).ToList();
        return (self, self.Sum(g => g.Item2));
    }
}
