using Backprop.Plots;
using SkiaSharp;

namespace Backprop.Plots.Tests;

/// <summary>
/// Charts with Chinese titles, axis labels and legends draw real glyphs, not tofu: a font without CJK glyphs draws every
/// Chinese character as the same empty box, so two different Chinese titles of the same length would give the same
/// pixels; with the CJK font they differ, and they have the ink of real characters.
/// </summary>
public sealed class ChineseTextTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "backprop-plots-zh-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static void RequireCjkFont() =>
        Skip.If(ChartFonts.Cjk is null, $"no CJK font installed ({string.Join(", ", ChartFonts.Families)}); apt-get install fonts-noto-cjk to run this test");

    /// <summary>The pixels of a band of rows, and how many of them are dark (ink).</summary>
    private static (uint[] Pixels, int Ink) Band(string png, int top, int bottom)
    {
        using var bitmap = SKBitmap.Decode(png);
        var pixels = new List<uint>();
        int ink = 0;
        for (int y = top; y < bottom; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                pixels.Add((uint)c);
                if (c.Red + c.Green + c.Blue < 300) ink++;
            }
        return (pixels.ToArray(), ink);
    }

    /// <summary>Draws text in a typeface on a white canvas; returns the pixels.</summary>
    private static uint[] Draw(string text, SKTypeface typeface)
    {
        using var bitmap = new SKBitmap(400, 60);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var font = new SKFont(typeface, 32);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = false };
        canvas.DrawText(text, 10, 45, font, paint);
        return Enumerable.Range(0, bitmap.Height).SelectMany(y => Enumerable.Range(0, bitmap.Width).Select(x => (uint)bitmap.GetPixel(x, y))).ToArray();
    }

    [SkippableFact]
    public void The_tofu_check_can_fail_a_latin_only_font_draws_different_chinese_texts_alike()
    {
        RequireCjkFont();
        using var latin = SKTypeface.FromFamilyName("DejaVu Sans");
        Skip.If(latin is null || latin.ContainsGlyph('梯'), "no Latin-only font (DejaVu Sans) to compare with");
        using var cjk = SKTypeface.FromFamilyName(ChartFonts.Cjk);
        // Without CJK glyphs, 梯度下降 and 链式法则 are four identical boxes each; with them they differ.
        Assert.Equal(Draw("梯度下降", latin!), Draw("链式法则", latin!));
        Assert.NotEqual(Draw("梯度下降", cjk), Draw("链式法则", cjk));
    }

    [SkippableFact]
    public void A_chart_with_a_chinese_title_and_labels_draws_the_glyphs()
    {
        RequireCjkFont();
        Assert.Equal("Noto Sans CJK SC", ChartFonts.Cjk);   // Debian's fonts-noto-cjk, Simplified Chinese forms
        string a = Path.Combine(_dir, "a.png"), b = Path.Combine(_dir, "b.png");
        Series[] series = [new("损失函数", [1.0, 0.5, 0.25]), new("学习率 0.1", [1.0, 0.7, 0.4])];
        Chart.Lines(a, series, "梯度下降与反向传播", xLabel: "轮次", yLabel: "损失");
        Chart.Lines(b, series, "链式法则与计算图", xLabel: "轮次", yLabel: "损失");
        var (pa, inkA) = Band(a, 0, 40);
        var (pb, inkB) = Band(b, 0, 40);
        Assert.NotEqual(pa, pb);                    // different characters, different pixels: not boxes
        Assert.True(inkA > 250 && inkB > 250, $"title ink {inkA} and {inkB} pixels: too little for eight or nine Chinese characters");
    }

    [Fact]
    public void Cjk_text_is_recognised()
    {
        Assert.True(ChartFonts.HasCjk("学习率 lr=0.1"));
        Assert.True(ChartFonts.HasCjk("（"));
        Assert.False(ChartFonts.HasCjk("loss per epoch, lr=0.1 (log scale) ½Σ(o − y)²"));
        Assert.False(ChartFonts.HasCjk(null));
    }
}
