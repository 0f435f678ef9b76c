namespace Backprop.Docs.Tests;

/// <summary>
/// The tests that run `dotnet build` or `dotnet pack` run one at a time: each is CPU-heavy, and two at once would
/// read and write the same library outputs.
/// </summary>
[CollectionDefinition(nameof(BuildsCollection))]
public sealed class BuildsCollection;
