using System.Globalization;
using Backprop.Testing;
using Microsoft.Playwright;

namespace Backprop.Playground.Tests;

/// <summary>Page 6, the classification playground: XOR learned, the code panel's programs, edges, layers, links.</summary>
[Collection(PlaygroundCollection.Name)]
public sealed class ClassificationPageTests(PlaygroundFixture app)
{
    /// <summary>The configuration the code-panel tests use: Gaussians, L2, three hidden layers, batches of 16.</summary>
    private const string Configured = "classify?ds=gauss&n=200&noise=0.3&ratio=0.6&seed=5&feat=x1,x2,x1x2&layers=5,4,3&act=relu&reg=l2&rate=0.001&lr=0.05&batch=16";

    private static double Read(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static async Task<ProgramOutput> RunOnPage(IPage page, int steps)
    {
        await page.FillAsync("#steps", steps.ToString(CultureInfo.InvariantCulture));
        await page.PressAsync("#steps", "Tab");
        await page.ClickAsync("#run");
        await Assertions.Expect(page.GetByTestId("steps-done")).ToHaveTextAsync(steps.ToString(CultureInfo.InvariantCulture));
        return new ProgramOutput(steps, Read(await page.GetByTestId("train-loss").InnerTextAsync()),
            Read(await page.GetByTestId("test-loss").InnerTextAsync()), Read(await page.GetByTestId("test-accuracy").InnerTextAsync()));
    }

    [BrowserFact]
    public async Task XorReachesNinetyPercentTestAccuracy()
    {
        var page = await app.OpenAsync("classify?ds=xor&layers=8,8&lr=0.1&test=1");
        var shown = await RunOnPage(page, 30);
        Assert.True(shown.TestAccuracy >= 0.9, $"test accuracy {shown.TestAccuracy} after 30 steps");
        Assert.True(shown.TrainLoss < 0.3, $"train loss {shown.TrainLoss}");
        // Every neuron is drawn as its map: 2 features, 8 + 8 hidden, 1 output.
        Assert.Equal(19, await page.Locator("[data-testid=network] image").CountAsync());
        await Screens.SaveAsync(page, "6-classify");
        await Screens.AssertNoErrorBarAsync(page);
    }

    [BrowserFact]
    public async Task TheCodePanelsCSharpProgramPrintsThePagesNumbers()
    {
        var page = await app.OpenAsync(Configured);
        var shown = await RunOnPage(page, 8);
        string program = await page.GetByTestId("code-csharp").InnerTextAsync();
        Assert.Contains("const int n = 200, trainCount = 120, steps = 8, batchSize = 16;", program);
        var printed = ProgramOutput.Parse(CSharpProgramRunner.Run(program));
        // The page runs in WebAssembly (128-bit SIMD lanes), the program on this machine's wider ones: float32 sums
        // in another order, so the last bits may differ.
        Assert.Equal(8, printed.Steps);
        Assert.Equal(shown.TrainLoss, printed.TrainLoss, shown.TrainLoss * 1e-5);
        Assert.Equal(shown.TestLoss, printed.TestLoss, shown.TestLoss * 1e-5);
        Assert.Equal(shown.TestAccuracy, printed.TestAccuracy, 1e-8);
    }

    [SkippableFact]
    public async Task TheCodePanelsPyTorchProgramPrintsThePagesNumbers()
    {
        Skip.IfNot(File.Exists(PlaygroundFixture.ChromiumPath), $"needs {PlaygroundFixture.ChromiumPath} (apt-get install chromium)");
        Prerequisites.RequireTorch();
        var page = await app.OpenAsync(Configured);
        var shown = await RunOnPage(page, 8);
        var printed = ProgramOutput.Parse(PythonProgramRunner.Run(await page.GetByTestId("code-python").InnerTextAsync()));
        Assert.Equal(8, printed.Steps);
        // Float32 training in two libraries: products and means summed in another order.
        Assert.Equal(shown.TrainLoss, printed.TrainLoss, shown.TrainLoss * 1e-4);
        Assert.Equal(shown.TestLoss, printed.TestLoss, shown.TestLoss * 1e-4);
        Assert.Equal(shown.TestAccuracy, printed.TestAccuracy, 1e-8);
        await Screens.SaveAsync(page, "6-classify-code");
    }

    [BrowserFact]
    public async Task AnEdgeShowsItsWeightAndGradientAndItsChainRule()
    {
        var page = await app.OpenAsync("classify?ds=circle&layers=4,2&act=tanh&reg=l1&rate=0.001");
        Assert.Contains("dL/dw = (step first)", await page.Locator("[data-testid=edge-1-1-3] title").TextContentAsync());
        await page.ClickAsync("#step");
        // Hovering shows the SVG title: the weight and its last gradient.
        string title = (await page.Locator("[data-testid=edge-1-1-3] title").TextContentAsync())!;
        Assert.Matches(@"^h1\.4 → h2\.2: w = -?[0-9.e-]+, dL/dw = -?[0-9.e-]+$", title);
        await page.Locator("[data-testid=edge-1-1-3]").HoverAsync();
        await page.Locator("[data-testid=edge-1-1-3]").ClickAsync(new LocatorClickOptions { Force = true });
        string rule = await page.GetByTestId("chain-rule").InnerTextAsync();
        Assert.Contains("w = layer 2 weight[1, 3], from h1.4 to h2.2", rule);
        Assert.Contains("δ(h2.2)ₙ = (1 − h2.2ₙ²) · Σₖ w(out ← h2.2) · δ(out)ₙ", rule);
        Assert.Contains("penalty: λ·sign(w)", rule);
        double autograd = Read(await page.GetByTestId("chain-autograd").InnerTextAsync());
        double byHand = Read(await page.GetByTestId("chain-by-hand").InnerTextAsync());
        Assert.Equal(autograd, byHand, 1e-6);
        // Keyboard: focus an input-layer edge and press Enter.
        await page.Locator("[data-testid=edge-0-0-1]").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("chain-rule")).ToContainTextAsync("from x2 to h1.1");
        await Screens.SaveAsync(page, "6-classify-chain-rule");
        await Screens.AssertNoErrorBarAsync(page);
    }

    [BrowserFact]
    public async Task LayersNeuronsAndFeaturesChangeTheNetworkAndTheLink()
    {
        var page = await app.OpenAsync("classify");
        await page.ClickAsync("#add-layer");
        await page.ClickAsync("#add-neuron-3");
        await page.ClickAsync("#remove-neuron-1");
        await page.CheckAsync("#feature-sinx1");
        await page.SelectOptionAsync("#dataset", "spiral");
        await Assertions.Expect(page.GetByTestId("width-3")).ToHaveTextAsync("3");
        Assert.Equal("3", await page.GetByTestId("width-1").InnerTextAsync());
        // Features x1, x2, sin x1; hidden 3, 2, 3; one output.
        Assert.Equal(3 + 3 + 2 + 3 + 1, await page.Locator("[data-testid=network] image").CountAsync());
        Assert.Contains("new Linear(3, 3)", await page.GetByTestId("code-csharp").InnerTextAsync());
        Assert.Contains("layers=3%2C2%2C3", page.Url);

        var reopened = await app.OpenAsync(page.Url[app.BaseUrl.Length..]);
        Assert.Equal("spiral", await reopened.InputValueAsync("#dataset"));
        Assert.True(await reopened.IsCheckedAsync("#feature-sinx1"));
        Assert.Equal("3", await reopened.GetByTestId("width-3").InnerTextAsync());

        // The last feature cannot be unticked: its box is disabled, and says why.
        var one = await app.OpenAsync("classify?feat=x1");
        Assert.True(await one.IsDisabledAsync("#feature-x1"));
        Assert.True(await one.IsCheckedAsync("#feature-x1"));
        Assert.Equal("Keep at least one input feature.", await one.Locator("label:has(#feature-x1)").GetAttributeAsync("title"));
        await one.CheckAsync("#feature-x2");
        Assert.False(await one.IsDisabledAsync("#feature-x1"));
        await Screens.AssertNoErrorBarAsync(one);
    }

    [BrowserFact]
    public async Task PlayTrainsAndPauseStops()
    {
        var page = await app.OpenAsync("classify?ds=xor&layers=8,8");
        await page.ClickAsync("#play");
        await Assertions.Expect(page.GetByTestId("speed")).ToContainTextAsync("steps/s");
        await page.ClickAsync("#play");
        int steps = int.Parse(await page.GetByTestId("steps-done").InnerTextAsync(), CultureInfo.InvariantCulture);
        Assert.True(steps >= 10 && steps % 10 == 0, $"{steps} steps");
        await page.WaitForTimeoutAsync(300);
        Assert.Equal(steps.ToString(CultureInfo.InvariantCulture), await page.GetByTestId("steps-done").InnerTextAsync());
    }
}
