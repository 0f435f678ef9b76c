using System.Globalization;
using System.Text;

namespace Backprop;

/// <summary>
/// Writes a <see cref="GraphLayoutResult"/> as a standalone SVG document: one &lt;g class="node KIND"&gt; per box (a
/// rectangle and its text lines), one &lt;path class="edge"&gt; per edge ending in an arrowhead. Styles are inline
/// defaults that a page's CSS may override by class.
/// </summary>
public static class GraphSvg
{
    /// <summary>The SVG text of layout; idPrefix keeps element ids unique when several drawings share a page.</summary>
    public static string Write(GraphLayoutResult layout, GraphLayoutOptions? options = null, string idPrefix = "g")
    {
        ArgumentNullException.ThrowIfNull(layout);
        options ??= new GraphLayoutOptions();
        var s = new StringBuilder();
        string W = N(layout.Width), H = N(layout.Height);
        s.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\">");
        s.Append($"<defs><marker id=\"{Escape(idPrefix)}-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>");
        foreach (var edge in layout.Edges)
        {
            s.Append($"<path class=\"edge\" data-from=\"{edge.From}\" data-to=\"{edge.To}\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\" marker-end=\"url(#{Escape(idPrefix)}-arrow)\" d=\"");
            for (int i = 0; i < edge.Points.Count; i++)
                s.Append(i == 0 ? "M" : " L").Append(N(edge.Points[i].X)).Append(',').Append(N(edge.Points[i].Y));
            s.Append("\"/>");
        }
        foreach (var box in layout.Boxes)
        {
            string kind = Escape(box.Box.Kind);
            s.Append($"<g class=\"node {kind}\" id=\"{Escape(idPrefix)}-n{box.Box.Id}\" data-layer=\"{box.Layer}\">");
            s.Append($"<rect x=\"{N(box.X)}\" y=\"{N(box.Y)}\" width=\"{N(box.Width)}\" height=\"{N(box.Height)}\" rx=\"4\" fill=\"{Fill(box.Box.Kind)}\" stroke=\"#444\"/>");
            for (int i = 0; i < box.Box.Lines.Count; i++)
            {
                double baseline = box.Y + options.Padding + (i + 0.75) * options.LineHeight;
                s.Append($"<text x=\"{N(box.CenterX)}\" y=\"{N(baseline)}\" text-anchor=\"middle\" font-family=\"monospace\" font-size=\"{N(options.FontSize)}\"{(i == 0 ? " font-weight=\"bold\"" : "")}>{Escape(box.Box.Lines[i])}</text>");
            }
            s.Append("</g>");
        }
        s.Append("</svg>");
        return s.ToString();
    }

    /// <summary>torchviz's colours: leaves blue, the output green, backward nodes grey.</summary>
    private static string Fill(string kind) => kind switch
    {
        "leaf" => "#a6c8e0",
        "output" => "#a6d5a6",
        _ => "#e8e8e8",
    };

    private static string N(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text)
    {
        var s = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '<': s.Append("&lt;"); break;
                case '>': s.Append("&gt;"); break;
                case '&': s.Append("&amp;"); break;
                case '"': s.Append("&quot;"); break;
                case '\'': s.Append("&#39;"); break;
                default:
                    // Control characters are not allowed in XML 1.0; drop them rather than write a broken document.
                    if (c >= ' ' || c == '\t') s.Append(c);
                    break;
            }
        }
        return s.ToString();
    }
}
