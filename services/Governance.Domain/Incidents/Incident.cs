using System.Collections.Immutable;
using Governance.Domain.Routing;

namespace Governance.Domain.Incidents;

/// <summary>The incident as folded from its stream: what GetIncident shows and what the next decision starts from.</summary>
public sealed record Incident(
    string Id,
    IncidentState State,
    Actor Reporter,
    string ClientReportId,
    ReportChannel Channel,
    CategorySnapshot Category,
    string Description,
    GeoLocation Location,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReportedAt,
    IReadOnlyList<PhotoMetadata> Photos,
    RoutingOutcome Routing,
    DateTimeOffset? RegisteredAt,
    DateTimeOffset? DispatchedAt,
    string? LeadDepartmentCode,
    IReadOnlyList<string> AssistingDepartmentCodes,
    DateTimeOffset? SignDeadline,
    DateTimeOffset? SignWarningAt,
    DateTimeOffset? HandleDeadline,
    DateTimeOffset? HandleWarningAt,
    int Version,
    ImmutableList<IncidentHistoryEntry> History)
{
    public string? GridCode => Routing.GridCode;

    public string? VillageCode => Routing.VillageCode;

    public string? TownshipCode => Routing.TownshipCode;

    public string CountyCode => Routing.CountyCode;

    /// <summary>Lead first, then the assisting departments.</summary>
    public IEnumerable<string> DepartmentCodes =>
        LeadDepartmentCode is null ? AssistingDepartmentCodes : AssistingDepartmentCodes.Prepend(LeadDepartmentCode);
}
