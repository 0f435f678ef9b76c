namespace Backprop.Playground.Components;

/// <summary>
/// A grid of values in [−1, 1] as an image the browser draws without JavaScript: an uncompressed 24-bit BMP in a data
/// URI, coloured orange (−1) through white (0) to blue (+1), as TensorFlow Playground colours its maps. A map of a few
/// thousand cells is a few kilobytes; an SVG rectangle per cell would be thousands of elements to diff.
/// </summary>
internal static class HeatmapImage
{
    private static readonly (double R, double G, double B) Negative = (245, 147, 34), Zero = (232, 234, 235), Positive = (8, 119, 189);
    private static readonly (byte R, byte G, byte B) NotFinite = (160, 160, 160);

    /// <summary>256 shades from −1 to 1: a map's pixels are looked up, not interpolated one by one.</summary>
    private static readonly (byte R, byte G, byte B)[] Shades = Enumerable.Range(0, 256).Select(i => Colour(i / 127.5 - 1)).ToArray();

    /// <summary>
    /// A size × size map, row 0 at the top, read from <paramref name="values"/> laid out [cell, unit] (unit
    /// <paramref name="unit"/> of <paramref name="units"/>); each value v is shown as (v − offset)·scale, clamped to [−1, 1].
    /// </summary>
    public static string DataUri(float[] values, int size, int unit = 0, int units = 1, double scale = 1, double offset = 0)
    {
        int stride = (size * 3 + 3) & ~3;
        var bmp = new byte[54 + stride * size];
        // BITMAPFILEHEADER + BITMAPINFOHEADER: 24 bits, no compression, rows bottom-up.
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BitConverter.TryWriteBytes(bmp.AsSpan(2), bmp.Length);
        BitConverter.TryWriteBytes(bmp.AsSpan(10), 54);
        BitConverter.TryWriteBytes(bmp.AsSpan(14), 40);
        BitConverter.TryWriteBytes(bmp.AsSpan(18), size);
        BitConverter.TryWriteBytes(bmp.AsSpan(22), size);
        BitConverter.TryWriteBytes(bmp.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(bmp.AsSpan(28), (short)24);
        BitConverter.TryWriteBytes(bmp.AsSpan(34), stride * size);
        double a = 127.5 * scale, b = 127.5 - 127.5 * scale * offset;
        for (int row = 0; row < size; row++)
        {
            int line = 54 + (size - 1 - row) * stride, cell = row * size * units + unit;
            for (int col = 0; col < size; col++, cell += units)
            {
                double v = values[cell] * a + b;
                var (r, g, bl) = double.IsFinite(v) ? Shades[v <= 0 ? 0 : v >= 255 ? 255 : (int)(v + 0.5)] : NotFinite;
                bmp[line + 3 * col] = bl;
                bmp[line + 3 * col + 1] = g;
                bmp[line + 3 * col + 2] = r;
            }
        }
        return "data:image/bmp;base64," + Convert.ToBase64String(bmp);
    }

    /// <summary>The largest |value| of one unit's map (at least 1e-6), to scale a map without a natural range.</summary>
    public static double MaxAbs(float[] values, int unit, int units)
    {
        double max = 1e-6;
        for (int i = unit; i < values.Length; i += units)
            if (float.IsFinite(values[i]) && Math.Abs(values[i]) > max) max = Math.Abs(values[i]);
        return max;
    }

    /// <summary>The colour of a value in [−1, 1] (clamped; NaN grey).</summary>
    public static (byte R, byte G, byte B) Colour(double t)
    {
        if (!double.IsFinite(t)) return NotFinite;
        t = Math.Clamp(t, -1, 1);
        var end = t < 0 ? Negative : Positive;
        double a = Math.Abs(t);
        return ((byte)(Zero.R + (end.R - Zero.R) * a), (byte)(Zero.G + (end.G - Zero.G) * a), (byte)(Zero.B + (end.B - Zero.B) * a));
    }

    public static string Css(double t)
    {
        var (r, g, b) = Colour(t);
        return $"rgb({r},{g},{b})";
    }
}
