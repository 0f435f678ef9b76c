using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace Backprop.Playground;

/// <summary>
/// A page's settings in its address (?lr=0.5&amp;act=tanh): read when the page opens, written (replacing the history
/// entry) whenever a setting changes, so a shared link reopens the same configuration. Unknown or bad values are
/// ignored (the default stays), never an error.
/// </summary>
internal sealed class QueryState
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static QueryState Read(NavigationManager nav)
    {
        var state = new QueryState();
        var uri = new Uri(nav.Uri);
        foreach (var part in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) continue;
            state._values[Uri.UnescapeDataString(part[..eq])] = Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
        }
        return state;
    }

    public string? String(string key) => _values.GetValueOrDefault(key);

    public double Number(string key, double fallback, double min = -1e6, double max = 1e6)
    {
        if (!_values.TryGetValue(key, out var text)) return fallback;
        var (v, error) = InputRules.ParseNumber(text, min, max, integer: false);
        return error is null ? v : fallback;
    }

    public double[] Numbers(string key, double[] fallback, double min = -1e6, double max = 1e6)
    {
        if (!_values.TryGetValue(key, out var text)) return fallback;
        var parts = text.Split(',');
        if (parts.Length != fallback.Length) return fallback;
        var result = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            var (v, error) = InputRules.ParseNumber(parts[i], min, max, integer: false);
            if (error is not null) return fallback;
            result[i] = v;
        }
        return result;
    }

    public string Choice(string key, string fallback, IEnumerable<string> allowed)
    {
        var v = String(key);
        return v is not null && allowed.Contains(v) ? v : fallback;
    }

    /// <summary>Replaces the address's query with these settings (no new history entry, no reload).</summary>
    public static void Write(NavigationManager nav, IEnumerable<(string Key, string Value)> settings)
    {
        string path = nav.ToBaseRelativePath(nav.Uri);
        int q = path.IndexOf('?');
        if (q >= 0) path = path[..q];
        // The language (?lang=) is the site's setting, not the page's: it stays in the address.
        var all = settings.Where(s => s.Key != PageLanguage.QueryKey);
        if (Read(nav).String(PageLanguage.QueryKey) is { } lang) all = all.Append((PageLanguage.QueryKey, lang));
        string query = string.Join("&", all.Select(s => Uri.EscapeDataString(s.Key) + "=" + Uri.EscapeDataString(s.Value)));
        nav.NavigateTo(nav.BaseUri + path + (query.Length > 0 ? "?" + query : ""), new NavigationOptions { ReplaceHistoryEntry = true });
    }

    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(IEnumerable<double> v) => string.Join(",", v.Select(Format));
}
