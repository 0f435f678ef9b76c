using Backprop.Lab.Experiments.All;

namespace Backprop.Lab.Tests;

/// <summary>Runs `all` once (the slowest thing the lab does) and checks what it wrote.</summary>
public sealed class AllRunFixture : IDisposable
{
    public TempDir Dir { get; } = new();
    public LabOutput Run { get; }

    public AllRunFixture() => Run = Lab.Run("--out", Dir.Path);   // no experiment named: all

    public void Dispose() => Dir.Dispose();
}

public class AllTests(AllRunFixture fixture) : IClassFixture<AllRunFixture>
{
    private string Report => File.ReadAllText(fixture.Dir.File("REPORT.md"));

    [Fact]
    public void No_experiment_named_runs_all_and_writes_the_report()
    {
        Assert.Equal(0, fixture.Run.ExitCode);
        Assert.Equal("", fixture.Run.Stderr);
        Assert.Contains("report: " + fixture.Dir.File("REPORT.md"), fixture.Run.Stdout);
        foreach (var heading in new[] { "two-layer (seeds 000, 003)", "manual-vs-autograd", "three-by-three (seed 004)", "linear (seed 001)",
                     "regression (seed 002)", "graph (seed 002)", "broadcast (seed 001)", "sweep (seed 003" })
            Assert.Contains(heading, fixture.Run.Stdout);
    }

    [Fact]
    public void The_report_has_every_section_in_order()
    {
        string report = Report;
        int at = 0;
        foreach (var section in MarkdownReport.Sections)
        {
            int found = report.IndexOf("\n" + section + "\n", at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"REPORT.md lacks '{section}' (after position {at})");
            at = found;
        }
    }

    [Fact]
    public void Every_picture_the_report_shows_exists_and_is_drawn()
    {
        var images = System.Text.RegularExpressions.Regex.Matches(Report, @"!\[[^\]]*\]\(([^)]+)\)").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(images.Count >= 8, $"only {images.Count} pictures in REPORT.md");
        foreach (var image in images.Where(i => i.EndsWith(".png", StringComparison.Ordinal)))
            PictureTests.AssertDrawnPng(fixture.Dir.File(image), 800, image == "sweep-lr-epochs.png" ? 600 : 500);
        Assert.True(File.Exists(fixture.Dir.File("graph.dot")));
    }

    [Fact]
    public void The_answers_are_derived_from_the_run_s_numbers()
    {
        string report = Report;
        // Questions 2-4: the computed verdict, with the errors of the first formulas.
        Assert.Contains("disagree with autograd on w1, w2, w3, w4", report);
        Assert.Contains("So autograd is right.", report);
        // Question 6: after 10 epochs, sigmoid 0.110823 and ReLU 0.0043788 (the seed saw 0.11 and 0.004; ReLU's is lab_torch.py's relu-10 record).
        Assert.Contains("After 10 epochs (lr 1) the loss is 0.110823 with sigmoid and 0.0043788 with ReLU", report);
        // Question 7: MSELoss over two outputs is ½Σ; per output it doubles the gradient.
        Assert.Contains("every gradient comes out exactly 2 times the hand-written one", report);
        // Question 9: the saturated learning rates sit at ½(y1² + y2²).
        Assert.Contains("½(y1² + y2²) = 0.0289", report);
        Assert.Contains("### Random initial weights (question 10)\n\nFrom the seeds' weights the loss goes 0.20971 →", report);
    }

    [Fact]
    public void All_with_json_prints_one_record_of_every_experiment()
    {
        using var dir = new TempDir();
        var json = Lab.Run("all", "--json", "--out", dir.Path).Json();
        Assert.Equal("all", json.GetProperty("experiment").GetString());
        Assert.Equal(["two-layer", "manual-vs-autograd", "three-by-three", "linear", "regression", "graph", "broadcast", "sweep"],
            json.GetProperty("results").EnumerateObject().Select(p => p.Name).ToArray());
        var golden = JsonCompare.Parse(File.ReadAllText(Lab.TestFile("Golden/two-layer.default.json")));
        JsonCompare.Equal(golden, json.GetProperty("results").GetProperty("two-layer"), 1e-9);
        Assert.True(File.Exists(dir.File("REPORT.md")));
    }
}
