using Governance.Domain;

namespace Governance.Incidents.Worklists;

/// <summary>
/// Who is looking, as far as worklists care: the token's subject, role, region scope and department. Kept apart from
/// the authentication layer so every visibility rule is a pure function of this record and an incident.
/// </summary>
public sealed record WorklistViewer(string Subject, ActorRole Role, IReadOnlyList<string> RegionCodes, string? DepartmentCode)
{
    /// <summary>
    /// Region codes nest by prefix (county 6 digits, township 9, village 12, grid 15), so a scope covers every code it
    /// starts.
    /// </summary>
    public bool Covers(string? regionCode) =>
        regionCode is { Length: > 0 } && RegionCodes.Any(scope => scope.Length > 0 && regionCode.StartsWith(scope, StringComparison.Ordinal));
}
