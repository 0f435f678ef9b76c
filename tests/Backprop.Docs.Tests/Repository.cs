using System.Reflection;

namespace Backprop.Docs.Tests;

/// <summary>Where the repository and its build outputs are, seen from the test assembly.</summary>
internal static class Repository
{
    /// <summary>The folder holding Backprop.slnx, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration (Debug, Release) this test assembly, and so the projects it references, were built in.</summary>
    public static string Configuration { get; } = typeof(Repository).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Backprop.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"Backprop.slnx not found above {AppContext.BaseDirectory}");
    }
}
