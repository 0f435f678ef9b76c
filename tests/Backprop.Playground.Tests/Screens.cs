using Microsoft.Playwright;

namespace Backprop.Playground.Tests;

/// <summary>Screenshots saved with the test results, and the check that Blazor's error bar never showed.</summary>
internal static class Screens
{
    public static async Task SaveAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PlaygroundFixture.ScreenshotDir, name + ".png"), FullPage = true });

    /// <summary>Blazor shows #blazor-error-ui after an unhandled exception; it must stay hidden whatever was done.</summary>
    public static async Task AssertNoErrorBarAsync(IPage page) =>
        Assert.False(await page.IsVisibleAsync("#blazor-error-ui"), "Blazor's unhandled-error bar is showing");
}
