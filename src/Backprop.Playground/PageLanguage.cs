using System.Globalization;
using Backprop.Seeds.Texts;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Backprop.Playground;

/// <summary>
/// The playground's language: ?lang=en or ?lang=zh-CN in the address (so a shared link keeps it), else the first of the
/// browser's languages (navigator.languages) that is supported, else English. It is set once, before the app starts,
/// because Blazor downloads the satellite assembly of the culture current at start; the switch therefore reloads the
/// page with the new ?lang= rather than changing the culture in place.
/// </summary>
internal static class PageLanguage
{
    public const string QueryKey = "lang";

    /// <summary>The language this page runs in (set by <see cref="ApplyAsync"/>).</summary>
    public static string Current { get; private set; } = Language.English;

    public static async Task ApplyAsync(NavigationManager nav, IJSRuntime js)
    {
        string? chosen = Language.Match(QueryState.Read(nav).String(QueryKey));
        if (chosen is null)
        {
            try
            {
                var browser = await js.InvokeAsync<string[]>("backpropPlayground.browserLanguages");
                chosen = browser.Select(Language.Match).FirstOrDefault(l => l is not null);
            }
            catch (JSException)
            {
                // No such function (an old cached index.html): English.
            }
        }
        Current = chosen ?? Language.English;
        var culture = CultureInfo.GetCultureInfo(Current);
        // Formatting stays invariant (InvariantGlobalization): only the texts change with the culture.
        CultureInfo.DefaultThreadCurrentCulture = culture;
        CultureInfo.DefaultThreadCurrentUICulture = culture;
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
        try { await js.InvokeVoidAsync("backpropPlayground.setDocumentLanguage", Current); }
        catch (JSException) { }
    }

    /// <summary>The current address with ?lang= set to the language (the page's other settings kept).</summary>
    public static string AddressIn(NavigationManager nav, string language)
    {
        var uri = new Uri(nav.Uri);
        var parts = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith(QueryKey + "=", StringComparison.Ordinal)).Append($"{QueryKey}={Uri.EscapeDataString(language)}");
        return uri.GetLeftPart(UriPartial.Path) + "?" + string.Join("&", parts);
    }
}
