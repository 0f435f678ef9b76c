using Microsoft.Playwright;

namespace Backprop.Playground.Tests;

/// <summary>Garbage in every field, shared links, keyboard reach and a phone-sized screen, on every page.</summary>
[Collection(PlaygroundCollection.Name)]
public sealed class RobustnessTests(PlaygroundFixture app)
{
    public static readonly string[] Paths = ["", "graph", "broadcast", "regression", "adam", "classify"];

    private static readonly string[] Garbage = ["abc", "NaN", "Infinity", "-inf", "1e309", "1e400", "", "  ", "0x10", "1,5", "9999999999", "-1e30", "((", "[[[", "💥", new string('9', 500)];

    [BrowserFact]
    public async Task GarbageInEveryFieldNeverShowsTheErrorBar()
    {
        foreach (var path in Paths)
        {
            var page = await app.OpenAsync(path);
            var inputs = page.Locator("main input[type=text]");
            Assert.True(await inputs.CountAsync() > 0);
            // Fields may come and go (the graph page's variables follow the expression): count again each time.
            for (int i = 0; i < await inputs.CountAsync(); i++)
                foreach (var text in Garbage)
                {
                    if (i >= await inputs.CountAsync()) break;
                    await inputs.Nth(i).FillAsync(text);
                    await inputs.Nth(i).PressAsync("Tab");
                }
            // Inline messages are showing (the last garbage, 500 nines, is refused as too long or out of range).
            Assert.True(await page.Locator("[role=alert]").CountAsync() > 0, $"no inline message on /{path}");
            // Press every button too, with the garbage still in the fields.
            foreach (var button in await page.Locator("main button").AllAsync())
                if (await button.IsVisibleAsync()) await button.ClickAsync();
            await page.WaitForTimeoutAsync(200);
            await Screens.AssertNoErrorBarAsync(page);
            await page.CloseAsync();
        }
    }

    [BrowserFact]
    public async Task ANumberFieldRefusesGarbageAndKeepsTheLastGoodValue()
    {
        var page = await app.OpenAsync("");
        await page.FillAsync("#lr", "0.5");
        await page.PressAsync("#lr", "Tab");
        await page.FillAsync("#lr", "banana");
        await page.PressAsync("#lr", "Tab");
        await Assertions.Expect(page.Locator("#lr-error")).ToContainTextAsync("'banana' is not a number; the last good value is kept.");
        await page.FillAsync("#lr", "NaN");
        await page.PressAsync("#lr", "Tab");
        await Assertions.Expect(page.Locator("#lr-error")).ToContainTextAsync("Only finite numbers");
        // The shared link still carries the last good rate.
        Assert.Contains("lr=0.5&", page.Url);
    }

    [BrowserFact]
    public async Task ASharedLinkReopensItsConfiguration()
    {
        var page = await app.OpenAsync("");
        await page.SelectOptionAsync("#activation", "tanh");
        await page.FillAsync("#w3", "0.25");
        await page.PressAsync("#w3", "Tab");
        await page.SelectOptionAsync("#optimizer", "adam");
        string url = page.Url;
        Assert.Contains("act=tanh", url);
        var reopened = await app.Browser.NewPageAsync();
        await reopened.GotoAsync(url);
        await reopened.WaitForSelectorAsync("main h1");
        Assert.Equal("tanh", await reopened.InputValueAsync("#activation"));
        Assert.Equal("adam", await reopened.InputValueAsync("#optimizer"));
        Assert.Equal("0.25", await reopened.InputValueAsync("#w3"));

        var graph = await app.OpenAsync("graph");
        await graph.FillAsync("#expression", "tanh(x*y)");
        await graph.PressAsync("#expression", "Enter");
        await graph.FillAsync("#var-x", "0.5");
        await graph.PressAsync("#var-x", "Tab");
        var again = await app.Browser.NewPageAsync();
        await again.GotoAsync(graph.Url);
        await again.WaitForSelectorAsync("#var-x");
        Assert.Equal("tanh(x*y)", await again.InputValueAsync("#expression"));
        Assert.Equal("0.5", await again.InputValueAsync("#var-x"));
    }

    [BrowserFact]
    public async Task ControlsAreReachableByKeyboard()
    {
        var page = await app.OpenAsync("");
        // Tab through the page: the buttons and every weight on the drawing take focus in turn.
        var focused = new HashSet<string>();
        for (int i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            focused.Add(await page.EvaluateAsync<string>("() => document.activeElement.id || document.activeElement.getAttribute('data-testid') || ''"));
        }
        foreach (var id in new[] { "edge-w1", "edge-w8", "forward", "backward", "step", "play", "lr", "activation" })
            Assert.Contains(id, focused);
        await page.FocusAsync("#backward");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("grad-w1")).ToHaveTextAsync("-0.008421480461502212");
    }

    [BrowserFact]
    public async Task EveryPageFitsAPhoneScreen()
    {
        foreach (var path in Paths)
        {
            var page = await app.OpenAsync(path, width: 390, height: 844);
            // Nothing wider than the screen: no sideways scrolling of the page.
            int scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= 390, $"/{path} is {scrollWidth}px wide on a 390px screen");
            await Screens.SaveAsync(page, "phone-" + (path.Length == 0 ? "two-layer" : path));
            await page.CloseAsync();
        }
    }
}
