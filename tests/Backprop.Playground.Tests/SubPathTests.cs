using System.Net;
using Microsoft.Playwright;

namespace Backprop.Playground.Tests;

/// <summary>
/// Hosting under a sub-path (docs/playground.md): the fixture publishes with -p:PlaygroundBasePath=/backprop/ and serves
/// the folder at /backprop/ only. The published index.html carries the base, every request the app makes stays under
/// it, a deep link opens its page directly, and an experiment runs there.
/// </summary>
[Collection(PlaygroundCollection.Name)]
public sealed class SubPathTests(PlaygroundFixture app)
{
    [Fact]
    public void ThePublishedIndexCarriesTheBasePath()
    {
        string index = File.ReadAllText(Path.Combine(app.PublishDir, "wwwroot", "index.html"));
        Assert.Contains("<base href=\"/backprop/\" />", index);
        Assert.DoesNotContain("<base href=\"/\" />", index);
        // No stale pre-compressed copies with the old base for a host to serve instead.
        Assert.False(File.Exists(Path.Combine(app.PublishDir, "wwwroot", "index.html.br")));
        Assert.False(File.Exists(Path.Combine(app.PublishDir, "wwwroot", "index.html.gz")));
    }

    [BrowserFact]
    public async Task ADeepLinkUnderTheSubPathOpensAndRunsAnExperiment()
    {
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(app.Origin + "/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(app.Origin + "/classify")).StatusCode);

        var page = await app.Browser.NewPageAsync();
        var requests = new List<string>();
        page.Request += (_, r) => { lock (requests) requests.Add(r.Url); };
        await page.GotoAsync(app.BaseUrl + "adam?opt=sgd");
        await page.WaitForSelectorAsync("main h1");
        await page.ClickAsync("#run");
        await Assertions.Expect(page.GetByTestId("steps-done")).ToHaveTextAsync("100");
        // The navigation links point under the sub-path, and following one stays there.
        await page.ClickAsync("nav a[href='graph']");
        await page.WaitForURLAsync(app.BaseUrl + "graph**");
        await page.ClickAsync("#backward");
        await Assertions.Expect(page.GetByTestId("grad-b")).ToHaveTextAsync("9");
        lock (requests)
        {
            Assert.Contains(requests, r => r.Contains("/backprop/_framework/", StringComparison.Ordinal));
            Assert.All(requests.Where(r => r.StartsWith("http", StringComparison.Ordinal)), r => Assert.StartsWith(app.BaseUrl, r));
        }
        await Screens.AssertNoErrorBarAsync(page);
    }
}
