using System.Globalization;
using System.Xml.Linq;
using Microsoft.Playwright;

namespace Backprop.Playground.Tests;

/// <summary>Page 2, the computational graph of seed 002: autograd's gradients and graph, and inline parse errors.</summary>
[Collection(PlaygroundCollection.Name)]
public sealed class GraphPageTests(PlaygroundFixture app)
{
    private static double Read(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [BrowserFact]
    public async Task TypedSeedExpressionGivesThreeNineSix()
    {
        var page = await app.OpenAsync("graph");
        await page.FillAsync("#expression", "3*(a+b*c)");
        await page.PressAsync("#expression", "Enter");
        await page.ClickAsync("#backward");
        Assert.Equal(21, Read(await page.GetByTestId("value-J").InnerTextAsync()));
        Assert.Equal(3, Read(await page.GetByTestId("grad-a").InnerTextAsync()));
        Assert.Equal(9, Read(await page.GetByTestId("grad-b").InnerTextAsync()));
        Assert.Equal(6, Read(await page.GetByTestId("grad-c").InnerTextAsync()));

        // The drawing is autograd's graph: three leaves, b*c, the sum and 3*(…), with values and gradients.
        var svg = XDocument.Parse(await page.GetByTestId("graph").InnerHTMLAsync());
        XNamespace ns = "http://www.w3.org/2000/svg";
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Equal(2, texts.Count(t => t == "MulBackward0"));
        Assert.Single(texts, t => t == "AddBackward0");
        Assert.Contains("grad 9", texts);
        Assert.Contains("data 21", texts);
        await Screens.SaveAsync(page, "2-graph");
        await Screens.AssertNoErrorBarAsync(page);
    }

    [BrowserFact]
    public async Task FunctionsAndPowersDifferentiateAsPyTorch()
    {
        // torch: a=1., b=2.; J = sigmoid(a*b) + b^3 - log(a+1) → dJ/da = σ'(2)·2 − 1/2, dJ/db = σ'(2)·1 + 3·b²
        var page = await app.OpenAsync("graph?e=sigmoid(a*b)%2Bb%5E3-log(a%2B1)&a=1&b=2");
        await page.ClickAsync("#backward");
        double s = 1 / (1 + Math.Exp(-2.0)), ds = s * (1 - s);
        Assert.Equal(ds * 2 - 0.5, Read(await page.GetByTestId("grad-a").InnerTextAsync()), 1e-12);
        Assert.Equal(ds + 12, Read(await page.GetByTestId("grad-b").InnerTextAsync()), 1e-12);
    }

    [BrowserFact]
    public async Task BadExpressionsGetAnInlineMessageWithThePosition()
    {
        var page = await app.OpenAsync("graph");
        foreach (var (text, expected) in new[]
        {
            ("3*(a+", "Position 6: The expression ends too soon"),
            ("3*(a+b", "Position 7: Missing ')'"),
            ("a+b)", "Position 4: A ')' with no '(' before it."),
            ("a $ b", "Position 3: Unexpected '$'."),
            ("foo(a)", "Position 4: 'foo' is not a function"),
            ("sin a", "Position 4: sin is a function"),
            (new string('(', 60) + "a" + new string(')', 60), "Nested more than 40 levels deep."),
            (new string('a', 5) + string.Concat(Enumerable.Repeat("+a", 120)), "longer than 200 characters"),
        })
        {
            await page.FillAsync("#expression", text);
            await page.PressAsync("#expression", "Enter");
            await Assertions.Expect(page.GetByTestId("expression-error")).ToContainTextAsync(expected);
            // The last good graph and values stay.
            Assert.Equal(21, Read(await page.GetByTestId("value-J").InnerTextAsync()));
        }
        await Screens.SaveAsync(page, "2-graph-error");
        await Screens.AssertNoErrorBarAsync(page);
    }
}
