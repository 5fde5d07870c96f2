using Xunit;

namespace Governance.Testing;

/// <summary>
/// Locates the third-party reference data (<c>shared/data</c>), which sits beside the repository
/// checkout, never inside it: walk up from the test assembly's directory and look for a
/// sibling <c>shared/data</c> folder at each level.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> RootValue = new(FindRoot);

    public static string? Root => RootValue.Value;

    public static string SearchDescription =>
        $"looked for a 'shared/data' folder beside every ancestor of {AppContext.BaseDirectory}";

    public static string PathOf(params string[] parts) =>
        Path.Combine([Root ?? throw new InvalidOperationException("shared/data is missing: " + SearchDescription), .. parts]);

    private static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>
/// A fact that reports itself skipped when the shared reference data is absent (xunit 2 has no
/// dynamic skip, so the decision is made when the attribute is constructed).
/// </summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (SharedData.Root is null)
        {
            Skip = "Reference data not available: " + SharedData.SearchDescription + ".";
        }
    }
}
