using System.IO.Compression;
using System.Xml.Linq;

namespace Backprop.Docs.Tests;

/// <summary>
/// The NuGet packages: complete metadata, symbols, the core's single dependency and no native assets; and a
/// project outside the repository that restores the packed core from a local feed, builds one sample against it
/// and runs it, as a user's project would.
/// </summary>
[Collection(nameof(BuildsCollection))]
public sealed class PackageTests(PackedPackages packages) : IClassFixture<PackedPackages>
{
    [Fact]
    public void Core_package_has_complete_metadata_and_depends_only_on_System_Numerics_Tensors()
    {
        Assert.True(packages.Succeeded, packages.Log);
        using var zip = ZipFile.OpenRead(packages.PathOf("Backprop"));
        var metadata = Metadata(zip, "Backprop");
        AssertCompleteMetadata(metadata, "Backprop", zip);

        var dependencies = Dependencies(metadata);
        Assert.Equal(["System.Numerics.Tensors"], dependencies.Select(d => d.Id).Distinct());
        Assert.All(dependencies, d => Assert.Equal("net10.0", d.TargetFramework));

        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("lib/net10.0/Backprop.dll", entries);
        Assert.Contains("lib/net10.0/Backprop.xml", entries);   // the XML docs travel with the package, for IntelliSense
        Assert.DoesNotContain(entries, e => e.StartsWith("runtimes/", StringComparison.OrdinalIgnoreCase)
                                            || e.Contains("/native/", StringComparison.OrdinalIgnoreCase)
                                            || e.EndsWith(".so") || e.EndsWith(".dylib") || e.EndsWith(".a")
                                            || (e.EndsWith(".dll") && e != "lib/net10.0/Backprop.dll"));

        AssertSymbols("Backprop");
    }

    [Fact]
    public void Plots_package_has_complete_metadata_and_symbols()
    {
        Assert.True(packages.Succeeded, packages.Log);
        using var zip = ZipFile.OpenRead(packages.PathOf("Backprop.Plots"));
        var metadata = Metadata(zip, "Backprop.Plots");
        AssertCompleteMetadata(metadata, "Backprop.Plots", zip);
        Assert.Contains("ScottPlot", Dependencies(metadata).Select(d => d.Id));
        Assert.Contains("lib/net10.0/Backprop.Plots.dll", zip.Entries.Select(e => e.FullName));
        AssertSymbols("Backprop.Plots");
    }

    [Fact]
    public void A_project_outside_the_repository_builds_and_runs_a_sample_from_the_packed_package()
    {
        Assert.True(packages.Succeeded, packages.Log);
        var dir = Dotnet.TemporaryProjectFolder("backprop-consumer");
        try
        {
            // The sample's code as a user copies it, in a project of their own that references the package.
            File.Copy(Repository.PathOf("samples", "TwoLayerNetwork", "Program.cs"), Path.Combine(dir, "Program.cs"));
            File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Backprop" Version="{PackedPackages.Version}" />
                  </ItemGroup>
                </Project>
                """);
            // A packages folder of its own, so no copy of Backprop 0.1.0 restored earlier (a stale one) can stand in
            // for the package just packed; Backprop comes from the new feed only (package source mapping).
            string packagesFolder = Path.Combine(dir, "packages");
            File.WriteAllText(Path.Combine(dir, "NuGet.config"), NuGetConfig(packagesFolder));

            var build = Dotnet.Run(dir, TimeSpan.FromMinutes(5), "build", "-c", "Release", "--disable-build-servers");
            Assert.True(build.ExitCode == 0, $"the consumer project does not build:\n{build.Log}\nNuGet.config:\n{File.ReadAllText(Path.Combine(dir, "NuGet.config"))}");

            // The Backprop.dll the program runs with is the packed one, restored from the local feed.
            var restored = Path.Combine(packagesFolder, "backprop", PackedPackages.Version, "lib", "net10.0", "Backprop.dll");
            var output = Path.Combine(dir, "bin", "Release", "net10.0");
            Assert.True(File.Exists(restored), build.Log);
            Assert.Equal(File.ReadAllBytes(restored), File.ReadAllBytes(Path.Combine(output, "Backprop.dll")));
            using (var zip = ZipFile.OpenRead(packages.PathOf("Backprop")))
            using (var packed = zip.GetEntry("lib/net10.0/Backprop.dll")!.Open())
            using (var copy = new MemoryStream())
            {
                packed.CopyTo(copy);
                Assert.Equal(copy.ToArray(), File.ReadAllBytes(restored));
            }

            var run = Dotnet.Run(dir, TimeSpan.FromMinutes(1), Path.Combine(output, "Consumer.dll"));
            Assert.True(run.ExitCode == 0, run.Log);
            Assert.Equal(SampleTests.TwoLayerNetworkOutput, run.Output.Replace("\r\n", "\n"));
        }
        finally
        {
            Dotnet.DeleteQuietly(dir);
        }
    }

    /// <summary>
    /// Sources: the folder of packed packages (for Backprop*) and, for everything else (System.Numerics.Tensors),
    /// the machine's NuGet cache when it holds the needed version (no network needed), else nuget.org.
    /// </summary>
    private string NuGetConfig(string packagesFolder)
    {
        using var zip = ZipFile.OpenRead(packages.PathOf("Backprop"));
        var tensors = Dependencies(Metadata(zip, "Backprop")).Single(d => d.Id == "System.Numerics.Tensors");
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        bool cached = File.Exists(Path.Combine(cache, "system.numerics.tensors", tensors.Version,
            $"system.numerics.tensors.{tensors.Version}.nupkg"));
        string others = cached ? cache : "https://api.nuget.org/v3/index.json";
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packagesFolder}" />
              </config>
              <packageSources>
                <clear />
                <add key="packed" value="{packages.Folder}" />
                <add key="others" value="{others}" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="packed">
                  <package pattern="Backprop" />
                  <package pattern="Backprop.*" />
                </packageSource>
                <packageSource key="others">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """;
    }

    private static XElement Metadata(ZipArchive zip, string id)
    {
        var entry = zip.GetEntry(id + ".nuspec");
        Assert.NotNull(entry);
        using var stream = entry.Open();
        var nuspec = XDocument.Load(stream);
        return nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string Value(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";

    private static void AssertCompleteMetadata(XElement metadata, string id, ZipArchive zip)
    {
        Assert.Equal(id, Value(metadata, "id"));
        Assert.Equal(PackedPackages.Version, Value(metadata, "version"));
        Assert.Equal("Backprop contributors", Value(metadata, "authors"));
        Assert.True(Value(metadata, "description").Length > 50, "description");
        Assert.True(Value(metadata, "releaseNotes").Length > 20, "releaseNotes");
        Assert.Contains("backpropagation", Value(metadata, "tags").Split(' '));

        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("MIT", license.Value);

        var readme = Value(metadata, "readme");
        Assert.Equal("PACKAGE.md", readme);
        Assert.NotNull(zip.GetEntry(readme));
        Assert.NotNull(zip.GetEntry("LICENSE"));

        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("git", repository.Attribute("type")?.Value);
    }

    private void AssertSymbols(string id)
    {
        using var symbols = ZipFile.OpenRead(packages.PathOf(id, "snupkg"));
        Assert.Contains($"lib/net10.0/{id}.pdb", symbols.Entries.Select(e => e.FullName));
    }

    private static List<(string Id, string Version, string TargetFramework)> Dependencies(XElement metadata)
    {
        var dependencies = metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "dependencies");
        if (dependencies is null) return [];
        return dependencies.Elements().Where(g => g.Name.LocalName == "group")
            .SelectMany(g => g.Elements().Select(d => (d.Attribute("id")!.Value, d.Attribute("version")!.Value,
                g.Attribute("targetFramework")?.Value ?? "")))
            .ToList();
    }
}
