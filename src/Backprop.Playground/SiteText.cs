namespace Backprop.Playground;

/// <summary>The strings of the frame around every page (navigation, not-found), kept in one place for translation.</summary>
internal static class SiteText
{
    public const string Brand = "Backprop playground";
    public const string NavLabel = "Pages";
    public const string NotFoundTitle = "Not found";
    public const string NotFoundBody = "There is no page at this address.";

    /// <summary>The pages in the navigation bar: relative address and title.</summary>
    public static readonly (string Href, string Title)[] Pages =
    [
        ("", "2-2-2 network"),
        ("graph", "Computational graph"),
        ("broadcast", "Broadcasting"),
        ("regression", "Linear regression"),
        ("adam", "3×3 layer and Adam"),
        ("classify", "Classification"),
    ];
}
