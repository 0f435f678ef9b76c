using Backprop.Playground.Texts;

namespace Backprop.Playground;

/// <summary>The strings of the frame around every page (navigation, not-found), read from Texts/PlaygroundText.resx in the current UI language (zh-CN: PlaygroundText.zh-CN.resx).</summary>
internal static class SiteText
{
    public static string Brand => PlaygroundText.Site_Brand;
    public static string NavLabel => PlaygroundText.Site_NavLabel;
    public static string NotFoundTitle => PlaygroundText.Site_NotFoundTitle;
    public static string NotFoundBody => PlaygroundText.Site_NotFoundBody;
    public static string Language => PlaygroundText.Site_Language;
    /// <summary>Between a label and its value: ": " in English, "：" in Chinese.</summary>
    public static string Colon => PlaygroundText.Site_Colon;
    /// <summary>After a label with nothing following on the line: ":" in English, "：" in Chinese.</summary>
    public static string ColonEnd => PlaygroundText.Site_ColonEnd;
    public static string LanguageEnglish => PlaygroundText.Site_LanguageEnglish;
    public static string LanguageChinese => PlaygroundText.Site_LanguageChinese;

    /// <summary>The pages in the navigation bar: relative address and title.</summary>
    public static (string Href, string Title)[] Pages =>
    [
        ("", PlaygroundText.Site_Page_home),
        ("graph", PlaygroundText.Site_Page_graph),
        ("broadcast", PlaygroundText.Site_Page_broadcast),
        ("regression", PlaygroundText.Site_Page_regression),
        ("adam", PlaygroundText.Site_Page_adam),
        ("classify", PlaygroundText.Site_Page_classify),
    ];
}
