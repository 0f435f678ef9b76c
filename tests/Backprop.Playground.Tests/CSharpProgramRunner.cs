using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Backprop.Playground.Tests;

/// <summary>
/// Compiles a C# program (top-level statements, as in a console project with implicit usings) against this test run's
/// Backprop.dll with Roslyn, in memory, runs it in a collectible load context and returns what it printed.
/// </summary>
internal static class CSharpProgramRunner
{
    private static readonly Lock ConsoleLock = new();

    /// <summary>The usings `dotnet new console` turns on (ImplicitUsings).</summary>
    private const string ImplicitUsings = "global using System; global using System.IO; global using System.Linq; global using System.Collections.Generic; global using System.Threading.Tasks;";

    public static string Run(string source)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new[] { CSharpSyntaxTree.ParseText(source, parse), CSharpSyntaxTree.ParseText(ImplicitUsings, parse) };
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToHashSet();
        paths.Add(typeof(Tensor).Assembly.Location);
        var compilation = CSharpCompilation.Create("CodePanelProgram", trees, paths.Select(p => MetadataReference.CreateFromFile(p)),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (!result.Success || problems.Count > 0)
            throw new InvalidOperationException("The C# program does not compile cleanly:\n" + string.Join("\n", problems) + "\n" + source);
        image.Position = 0;
        var context = new AssemblyLoadContext("code-panel", isCollectible: true);
        try
        {
            var entry = context.LoadFromStream(image).EntryPoint!;
            using var output = new StringWriter();
            lock (ConsoleLock)
            {
                var saved = Console.Out;
                Console.SetOut(output);
                try
                {
                    entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
                }
                catch (TargetInvocationException e) when (e.InnerException is not null)
                {
                    throw new InvalidOperationException("The C# program failed: " + e.InnerException, e.InnerException);
                }
                finally
                {
                    Console.SetOut(saved);
                }
            }
            return output.ToString();
        }
        finally
        {
            context.Unload();
        }
    }
}
