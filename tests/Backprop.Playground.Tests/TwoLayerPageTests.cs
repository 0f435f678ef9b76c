using System.Globalization;
using Backprop.Lab.Experiments.TwoLayer;
using Microsoft.Playwright;

namespace Backprop.Playground.Tests;

/// <summary>Page 1, the 2-2-2 network: the numbers read from the page equal the lab's (seeds 000 and 003).</summary>
[Collection(PlaygroundCollection.Name)]
public sealed class TwoLayerPageTests(PlaygroundFixture app)
{
    private static double Read(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [BrowserFact]
    public async Task BackwardShowsTheLabsEightGradients()
    {
        var lab = TwoLayerExperiment.Run(new TwoLayerSettings());
        var page = await app.OpenAsync("");
        await page.ClickAsync("#backward");
        for (int i = 0; i < 8; i++)
        {
            double shown = Read(await page.GetByTestId($"grad-w{i + 1}").InnerTextAsync());
            Assert.Equal(lab.FirstGrads[i], shown);
        }
        // The seed's dL/dw5, drawn on its edge too.
        Assert.Contains("0.03463", await page.GetByTestId("edge-w5").TextContentAsync());
        await Screens.SaveAsync(page, "1-two-layer");
        await Screens.AssertNoErrorBarAsync(page);
    }

    [BrowserFact]
    public async Task HundredStepsReachTheLabsLoss()
    {
        var lab = TwoLayerExperiment.Run(new TwoLayerSettings { Epochs = 100 });
        var page = await app.OpenAsync("");
        await page.FillAsync("#steps", "100");
        await page.PressAsync("#steps", "Tab");
        await page.ClickAsync("#run");
        await Assertions.Expect(page.GetByTestId("steps-done")).ToHaveTextAsync("100");
        Assert.Equal(lab.Losses[^1], Read(await page.GetByTestId("loss").InnerTextAsync()));
        await Screens.AssertNoErrorBarAsync(page);
    }

    [BrowserFact]
    public async Task AdamWithTanhAndMseMatchesTheLab()
    {
        var lab = TwoLayerExperiment.Run(new TwoLayerSettings { Epochs = 20, Adam = true, Activation = Backprop.Seeds.TwoLayer.Activation.Tanh, Loss = Backprop.Seeds.TwoLayer.LossKind.Mse, Lr = 0.1 });
        var page = await app.OpenAsync("?act=tanh&loss=mse&opt=adam&lr=0.1");
        await page.FillAsync("#steps", "20");
        await page.PressAsync("#steps", "Tab");
        await page.ClickAsync("#run");
        await Assertions.Expect(page.GetByTestId("steps-done")).ToHaveTextAsync("20");
        // tanh in WebAssembly comes from a different libm than on the desktop: the last bits may differ.
        Assert.Equal(lab.Losses[^1], Read(await page.GetByTestId("loss").InnerTextAsync()), lab.Losses[^1] * 1e-12);
    }

    [BrowserFact]
    public async Task ClickingAWeightShowsItsChainRuleAndFlagsTheFirstHandout()
    {
        var page = await app.OpenAsync("");
        await page.GetByTestId("edge-w1").ClickAsync();
        string derivation = await page.GetByTestId("chain-rule").InnerTextAsync();
        Assert.Contains("dL/dw1 = (dL/do1 · do1/din_o1 · w5 + dL/do2 · do2/din_o2 · w6)", derivation);
        Assert.Contains("wrong", await page.GetByTestId("first-handout").InnerTextAsync());
        // w5's handout formula is right: the seed's error is in the hidden layer only.
        await page.GetByTestId("edge-w5").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        Assert.DoesNotContain("wrong", await page.GetByTestId("first-handout").InnerTextAsync());
        await Screens.SaveAsync(page, "1-two-layer-chain-rule");
    }
}
