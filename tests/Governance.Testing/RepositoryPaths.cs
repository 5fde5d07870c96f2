using System.Runtime.CompilerServices;

namespace Governance.Testing;

/// <summary>Where the repository's folders are, found from this source file's location at compile time.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Proto => Path.Combine(Root, "proto");

    private static string FindRoot([CallerFilePath] string sourceFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", ".."));
}
