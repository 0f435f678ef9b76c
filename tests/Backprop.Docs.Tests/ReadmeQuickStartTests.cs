namespace Backprop.Docs.Tests;

/// <summary>
/// The README's quick start runs as written: its csharp block is compiled into a console project outside the
/// repository (referencing src/Backprop by path) and run; what it prints must be the text block that follows it.
/// </summary>
[Collection(nameof(BuildsCollection))]
public sealed class ReadmeQuickStartTests
{
    [Fact]
    public void Quick_start_compiles_runs_and_prints_what_the_README_says()
    {
        var section = Markdown.Section(File.ReadAllText(Repository.PathOf("README.md")), "Quick start");
        var code = Assert.Single(Markdown.FencedBlocks(section, "csharp"));
        var expected = Assert.Single(Markdown.FencedBlocks(section, "text"));
        Assert.InRange(code.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, 5, 25);   // "a 15-line quick start"

        var dir = Dotnet.TemporaryProjectFolder("backprop-quickstart");
        try
        {
            string library = Repository.PathOf("src", "Backprop", "Backprop.csproj");
            File.WriteAllText(Path.Combine(dir, "QuickStart.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{library}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(dir, "Program.cs"), code);

            // The library is already built in this configuration (this test project references it): use that
            // build rather than building it again, so nothing in the repository is written while tests run.
            var build = Dotnet.Run(dir, TimeSpan.FromMinutes(5), "build", "-c", Repository.Configuration,
                "--disable-build-servers", "-p:BuildProjectReferences=false");
            Assert.True(build.ExitCode == 0, $"the quick start does not compile:\n{code}\n{build.Log}");

            var run = Dotnet.Run(dir, TimeSpan.FromMinutes(1), Path.Combine(dir, "bin", Repository.Configuration, "net10.0", "QuickStart.dll"));
            Assert.True(run.ExitCode == 0, run.Log);
            Assert.Equal(expected, run.Output.Replace("\r\n", "\n"));
        }
        finally
        {
            Dotnet.DeleteQuietly(dir);
        }
    }
}
