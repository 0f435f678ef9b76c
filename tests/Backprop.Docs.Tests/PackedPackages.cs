namespace Backprop.Docs.Tests;

/// <summary>
/// Backprop and Backprop.Plots packed into a temporary folder, once for the package tests. They are packed from
/// the build this test project already references (--no-build, in its configuration), so packing writes nothing
/// but the packages and pack's own intermediate nuspec.
/// </summary>
public sealed class PackedPackages : IDisposable
{
    public const string Version = "0.1.0";

    public PackedPackages()
    {
        Folder = Path.Combine(Path.GetTempPath(), $"backprop-packages-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Folder);
        var logs = new List<string>();
        foreach (var project in new[] { "Backprop", "Backprop.Plots" })
        {
            var pack = Dotnet.Run(Repository.Root, TimeSpan.FromMinutes(5), "pack",
                Repository.PathOf("src", project, project + ".csproj"), "-c", Repository.Configuration, "--no-build", "-o", Folder);
            logs.Add(pack.Log);
            Succeeded &= pack.ExitCode == 0;
        }
        Log = string.Join("\n", logs);
    }

    /// <summary>The folder holding the .nupkg and .snupkg files: a local NuGet feed.</summary>
    public string Folder { get; }

    public bool Succeeded { get; } = true;

    /// <summary>What dotnet pack printed.</summary>
    public string Log { get; }

    public string PathOf(string id, string extension = "nupkg") => Path.Combine(Folder, $"{id}.{Version}.{extension}");

    public void Dispose() => Dotnet.DeleteQuietly(Folder);
}
