using System.Globalization;
using Backprop.Lab.Experiments.Regression;
using Backprop.Lab.Experiments.ThreeByThree;
using Backprop.Seeds.Regression;
using Microsoft.Playwright;

namespace Backprop.Playground.Tests;

/// <summary>Pages 3 to 5: broadcasting (seed 001), linear regression (seeds 001, 002), the 3×3 layer and Adam (seed 004).</summary>
[Collection(PlaygroundCollection.Name)]
public sealed class MorePageTests(PlaygroundFixture app)
{
    private static double Read(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static async Task Type(IPage page, string selector, string text)
    {
        await page.FillAsync(selector, text);
        await page.PressAsync(selector, "Tab");
    }

    [BrowserFact]
    public async Task BroadcastingShowsTheRuleAndPyTorchsRefusal()
    {
        var page = await app.OpenAsync("broadcast");
        // The seed's [1,2,3] + [[1],[2],[3]]: both dims stretched, a [3, 3] result.
        Assert.Contains("shape [3, 3]", await page.GetByTestId("result-shape").InnerTextAsync());
        Assert.Contains("[4., 5., 6.]", await page.GetByTestId("result").InnerTextAsync());
        string rules = await page.GetByTestId("rules").InnerTextAsync();
        Assert.Contains("dim 0: - vs 3: missing in a: counts as 1, stretched to 3", rules);
        Assert.Contains("dim 1: 3 vs 1: b has 1: stretched to 3", rules);
        await Screens.SaveAsync(page, "3-broadcast");

        await Type(page, "#tensor-b", "[2,3]");
        await Assertions.Expect(page.GetByTestId("refusal")).ToContainTextAsync(
            "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0");
        Assert.Contains("different and neither is 1: cannot broadcast", await page.GetByTestId("rules").InnerTextAsync());
        await Screens.SaveAsync(page, "3-broadcast-error");

        // A ragged list is refused inline; the last good tensor stays.
        await Type(page, "#tensor-a", "[[1,2],[3]]");
        await Assertions.Expect(page.GetByTestId("error-a")).ToContainTextAsync("ragged list");
        await Screens.AssertNoErrorBarAsync(page);
    }

    [BrowserFact]
    public async Task RegressionMatchesTheLabByHandAndWithModules()
    {
        foreach (bool module in new[] { false, true })
        {
            var lab = RegressionExperiment.Run(new RegressionSettings { Points = 100, Iters = 100, Lr = 0.1, Module = module });
            var page = await app.OpenAsync($"regression?noise=0&n=100&lr=0.1&mode={(module ? "module" : "manual")}");
            await page.ClickAsync("#run");
            await Assertions.Expect(page.GetByTestId("steps-done")).ToHaveTextAsync("100");
            // The mean over 100 points is summed in SIMD lanes: 128-bit ones in WebAssembly, wider ones on the desktop,
            // so the last bits may differ (the order of a floating-point sum).
            Assert.Equal(lab.Losses[^1], Read(await page.GetByTestId("loss").InnerTextAsync()), Math.Abs(lab.Losses[^1]) * 1e-12);
            Assert.Equal(lab.W, Read(await page.GetByTestId("w").InnerTextAsync()), 1e-12);
            Assert.Equal(lab.B, Read(await page.GetByTestId("b").InnerTextAsync()), 1e-12);
            if (module) await Screens.SaveAsync(page, "4-regression");
        }
    }

    [BrowserFact]
    public async Task RegressionOnClickedPointsAndDivergenceStopsWithAMessage()
    {
        var page = await app.OpenAsync("regression?src=clicked");
        await Assertions.Expect(page.GetByTestId("message")).ToContainTextAsync("at least two points");
        var plot = page.GetByTestId("plot");
        await plot.ClickAsync(new LocatorClickOptions { Position = new Position { X = 34, Y = 200 } });
        await plot.ClickAsync(new LocatorClickOptions { Position = new Position { X = 306, Y = 60 } });
        await page.ClickAsync("#run");
        await Assertions.Expect(page.GetByTestId("steps-done")).ToHaveTextAsync("100");
        // Two points: the fitted line passes near both (slope (y2 - y1)/(x2 - x1) in plot units).
        double w = Read(await page.GetByTestId("w").InnerTextAsync());
        Assert.True(w > 1, $"w = {w}");

        var diverging = await app.OpenAsync("regression?lr=50");
        await diverging.ClickAsync("#run");
        await Assertions.Expect(diverging.GetByTestId("message")).ToContainTextAsync("Training stopped: the loss became");
        await Screens.AssertNoErrorBarAsync(diverging);
    }

    [BrowserFact]
    public async Task ThreeByThreeAdamMatchesTheLabAndTheHandWrittenStep()
    {
        var lab = ThreeByThreeExperiment.Run(new ThreeByThreeSettings { Steps = 100 });
        var page = await app.OpenAsync("adam");
        await page.ClickAsync("#run");
        await Assertions.Expect(page.GetByTestId("steps-done")).ToHaveTextAsync("100");
        Assert.Equal(lab.Losses[^1], Read(await page.GetByTestId("loss").InnerTextAsync()));
        for (int k = 0; k < 9; k++) Assert.Equal(lab.FinalWeights[k], Read(await page.GetByTestId($"weight-{k}").InnerTextAsync()));
        // The hand-written Adam agrees with the library's to rounding.
        Assert.True(Read(await page.GetByTestId("max-difference").InnerTextAsync()) < 1e-12);
        await Screens.SaveAsync(page, "5-adam");

        var sgd = ThreeByThreeExperiment.Run(new ThreeByThreeSettings { Adam = false, Steps = 1 });
        await page.SelectOptionAsync("#optimizer", "sgd");
        await page.ClickAsync("#step");
        for (int k = 0; k < 9; k++)
        {
            Assert.Equal(sgd.FirstGrad[k], Read(await page.GetByTestId($"grad-{k}").InnerTextAsync()));
            Assert.Equal(sgd.HandFirstGrad[k], Read(await page.GetByTestId($"hand-grad-{k}").InnerTextAsync()));
        }
    }
}
