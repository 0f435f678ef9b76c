using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Backprop.Playground.Tests;

/// <summary>
/// The playground's speed measurement (docs/performance.md, "Playground"): not a timed test, it asserts nothing about
/// time and is compiled only when asked, so the suite neither runs nor skips it:
/// `dotnet test tests/Backprop.Playground.Tests -p:PlaygroundSpeed=true --filter PlaygroundSpeed
/// --logger "console;verbosity=detailed"`. It prints the first render of the published app in headless chromium, the
/// time of one 2-2-2 training step in the browser, and the published size, raw and Brotli-compressed.
/// </summary>
[Collection(PlaygroundCollection.Name)]
public sealed class PlaygroundSpeed(PlaygroundFixture app, ITestOutputHelper output)
{
    public sealed class SpeedFactAttribute : FactAttribute
    {
        public SpeedFactAttribute()
        {
            if (!File.Exists(PlaygroundFixture.ChromiumPath)) Skip = $"needs {PlaygroundFixture.ChromiumPath}";
        }
    }

    [SpeedFact]
    public async Task Measure()
    {
        // First render: a fresh browser context (empty cache) from navigation to the first page's heading.
        var renders = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            await using var context = await app.Browser.NewContextAsync();
            var page = await context.NewPageAsync();
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(app.BaseUrl);
            await page.WaitForSelectorAsync("main h1");
            renders.Add(clock.Elapsed.TotalMilliseconds);
        }
        renders.Sort();
        output.WriteLine($"first render (cold cache, 5 runs): median {renders[2]:0} ms, min {renders[0]:0} ms, max {renders[^1]:0} ms");

        var two = await app.OpenAsync("");
        foreach (int steps in new[] { 1000, 10000 })
        {
            await two.FillAsync("#steps", steps.ToString(CultureInfo.InvariantCulture));
            await two.PressAsync("#steps", "Tab");
            await two.ClickAsync("#reset");
            await two.ClickAsync("#run");
            await Assertions.Expect(two.GetByTestId("run-time")).ToContainTextAsync($"{steps} steps");
            output.WriteLine($"2-2-2 training step in the browser: {await two.GetByTestId("run-time").InnerTextAsync()}");
        }

        // Where a 2-2-2 step's time goes: chromium's sampling profiler over a 10,000-step run, self time by function
        // (the WebAssembly runtime's functions by name, the jiterpreter's compiled traces as one group).
        var (self, total) = await ChromiumProfile.SelfTimeAsync(two, async () =>
        {
            await two.ClickAsync("#reset");
            await two.ClickAsync("#run");
            await Assertions.Expect(two.GetByTestId("run-time")).ToContainTextAsync("10000 steps");
        });
        output.WriteLine($"profile of 10,000 2-2-2 steps ({total} samples), self time:");
        foreach (var (name, count) in self.Take(25)) output.WriteLine($"  {100.0 * count / total,5:0.0}%  {name}");

        // The classification page: two hidden layers of 8, full batch, the boundary and every neuron's map redrawn
        // every 10 steps, while playing for 5 s.
        foreach (var (points, label) in new[] { (500, "500 points (250 training, full batch)"), (1000, "1000 points (500 training, full batch)") })
        {
            var classify = await app.OpenAsync($"classify?ds=xor&n={points}&ratio=0.5&layers=8,8&batch={points}");
            await classify.ClickAsync("#play");
            await classify.WaitForTimeoutAsync(5000);
            await classify.ClickAsync("#play");
            output.WriteLine($"classification page, {label}, playing 5 s: {await classify.GetByTestId("speed").InnerTextAsync()} ({await classify.GetByTestId("steps-done").InnerTextAsync()} steps)");
        }

        string root = Path.Combine(app.PublishDir, "wwwroot");
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".gz", StringComparison.Ordinal) && !f.EndsWith(".br", StringComparison.Ordinal)).ToList();
        long raw = files.Sum(f => new FileInfo(f).Length);
        long brotli = files.Sum(f => File.Exists(f + ".br") ? new FileInfo(f + ".br").Length : new FileInfo(f).Length);
        long gzip = files.Sum(f => File.Exists(f + ".gz") ? new FileInfo(f + ".gz").Length : new FileInfo(f).Length);
        output.WriteLine($"published wwwroot: {files.Count} files, {raw / 1024.0 / 1024:0.00} MiB raw, {gzip / 1024.0 / 1024:0.00} MiB gzip, {brotli / 1024.0 / 1024:0.00} MiB brotli");
        foreach (var f in files.OrderByDescending(f => File.Exists(f + ".br") ? new FileInfo(f + ".br").Length : 0).Take(6))
            output.WriteLine($"  {Path.GetFileName(f)}: {new FileInfo(f).Length / 1024} KiB raw, {(File.Exists(f + ".br") ? new FileInfo(f + ".br").Length / 1024 : 0)} KiB brotli");
    }
}
