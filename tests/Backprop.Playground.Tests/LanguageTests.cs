using System.Text.RegularExpressions;
using Backprop.Tests.Shared;
using Microsoft.Playwright;

namespace Backprop.Playground.Tests;

/// <summary>
/// The playground in Chinese (issue 17): the language follows the browser, a switch in the navigation bar reloads the
/// page in the other language and keeps the choice (and the page's settings) in the address, and every text the pages
/// show comes from the resources, in both languages.
/// </summary>
[Collection(PlaygroundCollection.Name)]
public sealed partial class LanguageTests(PlaygroundFixture app)
{
    private static string Source(params string[] parts) => Path.Combine([PlaygroundFixture.RepoRoot, "src", "Backprop.Playground", .. parts]);

    [Fact]
    public void Every_playground_text_is_translated_with_the_same_placeholders()
    {
        HashSet<string> same = ["Broadcast_A", "Broadcast_B", "Graph_ExpressionLabel", "Graph_Result", "Graph_Gradient", "Regression_Module",
            "TwoLayer_Gradient", "Site_LanguageEnglish", "Classify_AddNeuron", "Classify_RemoveNeuron", "Classify_CSharp", "Classify_PyTorch"];
        var problems = ResourceCompleteness.ProblemsOfResx(Source("Texts", "PlaygroundText.resx"), same);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>A page's texts are properties read from the resources; an English constant in a *Text class was missed.</summary>
    [Fact]
    public void No_page_text_is_an_untranslated_constant()
    {
        var files = Directory.GetFiles(Source(), "*Text.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")).ToList();
        Assert.True(files.Count >= 6, $"only {files.Count} *Text.cs files found");
        var constants = files.SelectMany(f => ConstString().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetFileName(f)}: {m.Value}")).ToList();
        Assert.True(constants.Count == 0, "texts outside Texts/PlaygroundText.resx (move them there, with a zh-CN translation):\n" + string.Join("\n", constants));
    }

    [GeneratedRegex(@"const string \w+ = ""[^""]*""")]
    private static partial Regex ConstString();

    [BrowserFact]
    public async Task A_chinese_browser_gets_the_chinese_playground()
    {
        var page = await app.Browser.NewPageAsync(new BrowserNewPageOptions { Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync(app.BaseUrl);
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("2-2-2 网络");
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        await Assertions.Expect(page.Locator("nav")).ToContainTextAsync("计算图");
        await Screens.AssertNoErrorBarAsync(page);
    }

    [BrowserFact]
    public async Task The_loading_text_and_the_error_bar_speak_the_language_before_the_app_runs()
    {
        // The app's script is held back, so the page stays as index.html wrote it: what a reader sees while it loads.
        foreach (var (locale, query, loading, reload) in new[]
        {
            ("en-US", "?lang=zh-CN", "正在加载实验场……", "重新加载"),
            ("zh-CN", "", "正在加载实验场……", "重新加载"),
            ("zh-CN", "?lang=en", "Loading the playground…", "Reload"),
            ("fr-FR", "", "Loading the playground…", "Reload"),
        })
        {
            var page = await app.Browser.NewPageAsync(new BrowserNewPageOptions { Locale = locale });
            await page.RouteAsync("**/_framework/blazor.webassembly*.js", route => route.AbortAsync());
            await page.GotoAsync(app.BaseUrl + query);
            Assert.Equal(loading, await page.Locator("#app .loading").InnerTextAsync());
            Assert.Equal(reload, await page.Locator("#blazor-error-ui .reload").TextContentAsync());
            await page.CloseAsync();
        }
    }

    [BrowserFact]
    public async Task The_switch_reloads_in_chinese_keeps_the_settings_and_explains_the_chain_rule_in_chinese()
    {
        var page = await app.OpenAsync("?lr=0.5");
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("The 2-2-2 network");
        await page.GetByTestId("lang-zh-CN").ClickAsync();
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("2-2-2 网络");
        Assert.Contains("lang=zh-CN", page.Url);
        Assert.Contains("lr=0.5", page.Url);
        Assert.Equal("0.5", await page.InputValueAsync("#lr"));

        // A label, the buttons and the chain-rule explanation in Chinese; the numbers are the English page's.
        await Assertions.Expect(page.Locator("label.field", new() { HasText = "学习率" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#backward")).ToHaveTextAsync("反向传播");
        await page.ClickAsync("#backward");
        await page.GetByTestId("edge-w1").ClickAsync();
        await Assertions.Expect(page.Locator("h2", new() { HasText = "w1 的链式法则" })).ToHaveCountAsync(1);
        string words = await page.GetByTestId("chain-rule-words").InnerTextAsync();
        Assert.Contains("h1 沿两条路径影响损失", words);
        Assert.Contains("链式法则先把两条路径上的乘积相加", words);
        Assert.Contains("dL/dw1 = (dL/do1 · do1/din_o1 · w5 + dL/do2 · do2/din_o2 · w6)", await page.GetByTestId("chain-rule").InnerTextAsync());
        Assert.Contains("错误", await page.GetByTestId("first-handout").InnerTextAsync());
        string zhGradient = await page.GetByTestId("grad-w1").InnerTextAsync();

        // A setting changed in Chinese keeps ?lang= in the address.
        await page.FillAsync("#lr", "0.25");
        await page.PressAsync("#lr", "Tab");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("lr=0.25"));
        Assert.Contains("lang=zh-CN", page.Url);
        await Screens.SaveAsync(page, "1-two-layer-zh-CN");

        // And back to English, with the same numbers.
        await page.GetByTestId("lang-en").ClickAsync();
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("The 2-2-2 network");
        Assert.Contains("lang=en", page.Url);
        await page.ClickAsync("#backward");
        await page.GetByTestId("edge-w1").ClickAsync();
        Assert.Contains("h1 reaches the loss along two paths", await page.GetByTestId("chain-rule-words").InnerTextAsync());
        await Screens.AssertNoErrorBarAsync(page);
        Assert.NotEqual("", zhGradient);
    }

    [BrowserFact]
    public async Task Every_page_speaks_chinese_with_lang_in_the_address()
    {
        (string Path, string Title)[] pages =
            [("graph", "计算图"), ("broadcast", "广播机制"), ("regression", "线性回归"), ("adam", "3×3 层与 Adam"), ("classify", "分类实验场")];
        foreach (var (path, title) in pages)
        {
            var page = await app.OpenAsync(path + "?lang=zh-CN");
            await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync(title);
            // The navigation keeps the language.
            Assert.Contains("lang=zh-CN", await page.Locator("nav a", new() { HasText = "2-2-2 网络" }).GetAttributeAsync("href"));
            await Screens.AssertNoErrorBarAsync(page);
            await page.CloseAsync();
        }
    }

    [BrowserFact]
    public async Task The_broadcast_page_refuses_a_ragged_list_in_chinese()
    {
        var page = await app.OpenAsync("broadcast?lang=zh-CN");
        await page.FillAsync("#tensor-a", "[[1,2],[3]]");
        await page.PressAsync("#tensor-a", "Tab");
        await Assertions.Expect(page.GetByTestId("error-a")).ToContainTextAsync("各元素形状不一致：第 2 个元素的形状是 [1]，而第 1 个元素是 [2]");
        await page.FillAsync("#tensor-a", "[1, x]");
        await page.PressAsync("#tensor-a", "Tab");
        await Assertions.Expect(page.GetByTestId("error-a")).ToContainTextAsync("“x”不是数字");
        await Screens.AssertNoErrorBarAsync(page);
        await page.CloseAsync();
    }

    [BrowserFact]
    public async Task The_classification_page_speaks_chinese_and_derives_an_edge_in_chinese()
    {
        const string settings = "classify?ds=circle&n=200&ratio=0.6&layers=4,2&act=tanh&reg=l1&rate=0.001";
        var page = await app.OpenAsync(settings + "&lang=zh-CN");
        await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("分类实验场");
        await Assertions.Expect(page.Locator("label.field", new() { HasText = "批大小" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#step")).ToHaveTextAsync("训练一步");
        await Assertions.Expect(page.Locator("[data-testid=network] .column-title").Last).ToHaveTextAsync("输出");
        Assert.Contains("dL/dw = （请先训练一步）", await page.Locator("[data-testid=edge-1-1-3] title").TextContentAsync());
        await page.ClickAsync("#step");
        Assert.Matches(@"^h1\.4 → h2\.2：w = -?[0-9.e-]+，dL/dw = -?[0-9.e-]+$", await page.Locator("[data-testid=edge-1-1-3] title").TextContentAsync());
        await page.Locator("[data-testid=edge-1-1-3]").ClickAsync(new LocatorClickOptions { Force = true });
        string rule = await page.GetByTestId("chain-rule").InnerTextAsync();
        Assert.Contains("w = 第 2 层的 weight[1, 3]（从 h1.4 到 h2.2）= ", rule);
        Assert.Contains("δ(h2.2)ₙ = (1 − h2.2ₙ²) · Σₖ w(输出 ← h2.2) · δ(输出)ₙ", rule);
        Assert.Contains("δ(输出)ₙ = (σ(zₙ) − yₙ) / N，N = 120，即训练点的个数", rule);
        Assert.Contains("第一个训练点（n = 1，y = ", rule);
        Assert.Contains("对 120 个训练点求和 = ", rule);
        Assert.Contains("正则化项：λ·sign(w) = 0.001 · ", rule);
        Assert.Contains("手工推导的 dL/dw = ", rule);
        Assert.DoesNotContain("training point", rule);
        Assert.DoesNotContain("penalty", rule);
        Assert.DoesNotContain("by hand", rule);
        await Assertions.Expect(page.GetByTestId("chain-methods")).ToContainTextAsync("自动求导");
        string zhByHand = await page.GetByTestId("chain-by-hand").InnerTextAsync();
        await Screens.SaveAsync(page, "6-classify-zh-CN");

        // The same edge in English: the same numbers, the English words.
        var english = await app.OpenAsync(settings + "&lang=en");
        await english.ClickAsync("#step");
        await english.Locator("[data-testid=edge-1-1-3]").ClickAsync(new LocatorClickOptions { Force = true });
        Assert.Contains("w = layer 2 weight[1, 3], from h1.4 to h2.2", await english.GetByTestId("chain-rule").InnerTextAsync());
        Assert.Equal(zhByHand, await english.GetByTestId("chain-by-hand").InnerTextAsync());
        await Screens.AssertNoErrorBarAsync(page);
        await Screens.AssertNoErrorBarAsync(english);
    }
}
