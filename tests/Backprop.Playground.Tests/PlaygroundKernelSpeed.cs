using System.Globalization;
using System.Text;
using System.Text.Json;
using Backprop.Playground.Speed;
using Xunit.Abstractions;

namespace Backprop.Playground.Tests;

/// <summary>
/// The kernels in the browser against the desktop, op by op (docs/performance.md, "Playground"): not a timed test, it
/// asserts nothing about time and is compiled only when asked, with the published app's JavaScript-callable
/// measurement (src/Backprop.Playground/Speed):
/// `dotnet test tests/Backprop.Playground.Tests -p:PlaygroundSpeed=true --filter PlaygroundKernelSpeed
/// --logger "console;verbosity=detailed"`. Each op (<see cref="KernelTimings"/>) runs in headless chromium through the
/// published app and here, in this process, on the desktop runtime; the table gives the fastest round of each (ms per
/// call), the spread of the rounds and the ratio. BACKPROP_KERNEL_SPEED_OPS (names, comma-separated) picks some;
/// BACKPROP_KERNEL_SPEED_PROFILE names ops to profile in the browser (chromium's sampling profiler, self time by function). The raw rounds go to BACKPROP_KERNEL_SPEED_OUT when it names a file.
/// </summary>
[Collection(PlaygroundCollection.Name)]
public sealed class PlaygroundKernelSpeed(PlaygroundFixture app, ITestOutputHelper output)
{
    [PlaygroundSpeed.SpeedFact]
    public async Task Measure()
    {
        var page = await app.OpenAsync("");
        var names = await page.EvaluateAsync<string[]>("() => DotNet.invokeMethodAsync('Backprop.Playground', 'KernelNames')");
        Assert.Equal(KernelTimings.Names, names);
        // BACKPROP_KERNEL_SPEED_OPS=sigmoid_1M,matmul_256 measures only those.
        var only = (Environment.GetEnvironmentVariable("BACKPROP_KERNEL_SPEED_OPS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var rows = new List<(string Name, double[] Desktop, double[] Browser)>();
        foreach (var name in names.Where(n => only.Length == 0 || only.Contains(n)))
        {
            var desktop = JsonSerializer.Deserialize<double[]>(KernelTimings.Measure(name, 7, 100))!;
            var browser = JsonSerializer.Deserialize<double[]>(await page.EvaluateAsync<string>(
                "([name]) => DotNet.invokeMethodAsync('Backprop.Playground', 'MeasureKernel', name, 5, 200)", new object[] { name }))!;
            rows.Add((name, desktop, browser));
            output.WriteLine($"{name,-20} desktop {desktop.Min(),10:0.0000} ms ({desktop.Max(),10:0.0000})  browser {browser.Min(),10:0.000} ms ({browser.Max(),10:0.000})  ×{browser.Min() / desktop.Min(),7:0.0}");
        }

        // BACKPROP_KERNEL_SPEED_PROFILE=sigmoid_1M,matmul_256: where those ops' time goes in the browser.
        foreach (var name in (Environment.GetEnvironmentVariable("BACKPROP_KERNEL_SPEED_PROFILE") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (self, total) = await ChromiumProfile.SelfTimeAsync(page, () => page.EvaluateAsync<string>(
                "([name]) => DotNet.invokeMethodAsync('Backprop.Playground', 'MeasureKernel', name, 5, 200)", new object[] { name }));
            output.WriteLine($"profile of {name} in the browser ({total} samples), self time:");
            foreach (var (function, count) in self.Take(15)) output.WriteLine($"  {100.0 * count / total,5:0.0}%  {function}");
        }

        var table = new StringBuilder("| op | what | desktop ms | browser ms | browser / desktop |\n|---|---|---|---|---|\n");
        foreach (var (name, desktop, browser) in rows)
            table.Append(CultureInfo.InvariantCulture, $"| {name} | {KernelTimings.Describe(name)} | {desktop.Min():0.000} ({desktop.Min():0.000}–{desktop.Max():0.000}) | {browser.Min():0.00} ({browser.Min():0.00}–{browser.Max():0.00}) | {browser.Min() / desktop.Min():0.0}× |\n");
        output.WriteLine(table.ToString());

        string? file = Environment.GetEnvironmentVariable("BACKPROP_KERNEL_SPEED_OUT");
        if (!string.IsNullOrEmpty(file))
        {
            var raw = rows.Select(r => new { op = r.Name, what = KernelTimings.Describe(r.Name), desktop_ms = r.Desktop, browser_ms = r.Browser });
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
            {
                measured_utc = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                machine = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}",
                load_average = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg")).Trim() : "",
                ops = raw,
            }, new JsonSerializerOptions { WriteIndented = true }));
        }
    }
}
