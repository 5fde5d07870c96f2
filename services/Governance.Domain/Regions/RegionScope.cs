namespace Governance.Domain.Regions;

/// <summary>
/// Where someone may act, as a list of region codes. GB/T codes nest by prefix (county 6 digits, township 9, village 12,
/// grid 15: a grid's code begins with its village's, township's and county's), so a scope code covers every code it
/// starts. A string test, not <see cref="RegionCode.Contains"/>, because it runs on every call and every worklist row.
/// </summary>
public static class RegionScope
{
    public static bool Covers(IReadOnlyList<string> scopeCodes, string? regionCode)
    {
        if (string.IsNullOrEmpty(regionCode))
            return false;
        foreach (var scope in scopeCodes)
        {
            if (scope.Length > 0 && regionCode.StartsWith(scope, StringComparison.Ordinal))
                return true;
        }
        return false;
    }
}
