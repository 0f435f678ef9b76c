namespace Backprop.Playground.Tests;

/// <summary>A browser test: skipped (not passed) when Debian's chromium is not installed, since it cannot run without it.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!File.Exists(PlaygroundFixture.ChromiumPath))
            Skip = $"needs {PlaygroundFixture.ChromiumPath} (apt-get install chromium; .ci/run installs it)";
    }
}
