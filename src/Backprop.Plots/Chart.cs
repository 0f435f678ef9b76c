using ScottPlot;

namespace Backprop.Plots;

/// <summary>
/// The lab's pictures: loss curves, a scatter with its fitted line, and heatmaps. Each call writes one file,
/// PNG or SVG by its extension, completely or not at all (a temporary file, then a rename). Texts in Chinese (or any
/// CJK script) are drawn with a CJK font (<see cref="ChartFonts"/>), so the glyphs render instead of empty boxes.
/// </summary>
public static class Chart
{
    /// <summary>
    /// Training curves: one line per series against the step number; optionally a log-scaled y axis, whose label gets
    /// <paramref name="logScaleNote"/> appended (" (log scale)"; pass the note in the labels' language).
    /// </summary>
    public static void Lines(string path, IReadOnlyList<Series> series, string title, string xLabel = "epoch",
        string yLabel = "loss", bool logY = false, int width = 800, int height = 500, string logScaleNote = " (log scale)")
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("Chart.Lines: no series to draw", nameof(series));
        var plot = new Plot();
        foreach (var s in series)
        {
            if (s.Ys.Count == 0) throw new ArgumentException($"Chart.Lines: series '{s.Name}' has no values", nameof(series));
            var xs = s.Xs?.ToArray() ?? Enumerable.Range(1, s.Ys.Count).Select(i => (double)i).ToArray();
            if (xs.Length != s.Ys.Count)
                throw new ArgumentException($"Chart.Lines: series '{s.Name}' has {xs.Length} x values and {s.Ys.Count} y values", nameof(series));
            var ys = logY ? s.Ys.Select(LogOrNaN).ToArray() : s.Ys.ToArray();
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = s.Name;
            line.LineWidth = 2;
        }
        if (logY) LabelLogAxis(plot);
        if (series.Count > 1) plot.ShowLegend(Alignment.UpperRight);
        Finish(plot, title, xLabel, logY ? yLabel + logScaleNote : yLabel, series.Select(s => s.Name));
        Save(plot, path, width, height);
    }

    /// <summary>Data points (in the legend as <paramref name="dataLabel"/>) and the line y = slope·x + intercept through their x range.</summary>
    public static void ScatterWithLine(string path, IReadOnlyList<double> xs, IReadOnlyList<double> ys, double slope, double intercept,
        string title, string xLabel = "x", string yLabel = "y", int width = 800, int height = 500, string dataLabel = "data")
    {
        if (xs.Count != ys.Count) throw new ArgumentException($"Chart.ScatterWithLine: {xs.Count} x values but {ys.Count} y values");
        if (xs.Count == 0) throw new ArgumentException("Chart.ScatterWithLine: no points to draw");
        var plot = new Plot();
        var points = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray());
        points.LegendText = dataLabel;
        points.MarkerSize = 4;
        double lo = xs.Min(), hi = xs.Max();
        var fit = plot.Add.Line(lo, slope * lo + intercept, hi, slope * hi + intercept);
        fit.LegendText = $"y = {slope:0.####}x + {intercept:0.####}";
        fit.LineWidth = 2;
        plot.ShowLegend(Alignment.UpperLeft);
        Finish(plot, title, xLabel, yLabel, [dataLabel]);
        Save(plot, path, width, height);
    }

    /// <summary>A grid of values as colours with a colour bar; rows top to bottom, columns left to right.</summary>
    public static void Heatmap(string path, double[,] values, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels,
        string title, string xLabel, string yLabel, int width = 800, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(values);
        int rows = values.GetLength(0), columns = values.GetLength(1);
        if (rows == 0 || columns == 0) throw new ArgumentException("Chart.Heatmap: the grid is empty");
        if (rowLabels.Count != rows || columnLabels.Count != columns)
            throw new ArgumentException($"Chart.Heatmap: {rows}x{columns} values but {rowLabels.Count} row labels and {columnLabels.Count} column labels");
        var plot = new Plot();
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(map);
        // Cell (r, c) is centred at x = c, y = rows − 1 − r: label the ticks there.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, columns).Select(c => (double)c).ToArray(), columnLabels.ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, rows).Select(r => (double)(rows - 1 - r)).ToArray(), rowLabels.ToArray());
        Finish(plot, title, xLabel, yLabel, rowLabels.Concat(columnLabels));
        Save(plot, path, width, height);
    }

    private static double LogOrNaN(double v) => v > 0 ? Math.Log10(v) : double.NaN;

    private static void LabelLogAxis(Plot plot)
    {
        var ticks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = y => Math.Pow(10, y).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
        };
        plot.Axes.Left.TickGenerator = ticks;
    }

    /// <summary>Titles the plot; when any of its texts is CJK, every text is drawn in the CJK font (which has Latin glyphs too).</summary>
    private static void Finish(Plot plot, string title, string xLabel, string yLabel, IEnumerable<string> otherTexts)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (!new[] { title, xLabel, yLabel }.Concat(otherTexts).Any(ChartFonts.HasCjk)) return;
        plot.Font.Set(ChartFonts.Cjk ?? throw new InvalidOperationException(
            $"Chart: '{title}' has Chinese (CJK) characters but no CJK font is installed ({ChartFonts.Wanted}; Debian: apt-get install fonts-noto-cjk)"));
        // CJK glyphs reach higher than ScottPlot's layout expects of a Latin font: a taller legend row and the y label
        // moved in keep the first legend entry and the y label from being cut at the top.
        plot.Legend.SymbolHeight = Math.Max(plot.Legend.SymbolHeight, 28);
        plot.Axes.Left.Label.OffsetX += 5;
    }

    /// <summary>Writes PNG or SVG by extension into a temporary file beside path, then renames it over path.</summary>
    private static void Save(Plot plot, string path, int width, int height)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (width <= 0 || height <= 0) throw new ArgumentException($"Chart: the image size must be positive (got {width}x{height})");
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg"))
            throw new ArgumentException($"Chart: '{path}' must end in .png or .svg");
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp{extension}");
        try
        {
            if (extension == ".png") plot.SavePng(temp, width, height);
            else plot.SaveSvg(temp, width, height);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
