using Governance.Domain;
using Governance.Domain.Regions;

namespace Governance.Incidents.Worklists;

/// <summary>
/// Who is looking, as far as worklists care: the token's subject, role, region scope and department. Kept apart from
/// the authentication layer so every visibility rule is a pure function of this record and an incident.
/// </summary>
public sealed record WorklistViewer(string Subject, ActorRole Role, IReadOnlyList<string> RegionCodes, string? DepartmentCode)
{
    /// <summary>Whether the viewer's scope covers the code (see <see cref="RegionScope"/>).</summary>
    public bool Covers(string? regionCode) => RegionScope.Covers(RegionCodes, regionCode);
}
