using Governance.Domain.Routing;

namespace Governance.Domain.Incidents;

/// <summary>A command to one incident; every one names the incident it is for.</summary>
public interface IIncidentCommand
{
    string IncidentId { get; }
}

/// <summary>
/// A report from the app, the hotline, a sensor or a citizen. The application has already converted the point to
/// WGS84, routed it (<see cref="Routing"/>) and looked up the category (<see cref="Category"/>); the domain checks
/// the report and decides whether it is registered and dispatched at once.
/// The incident id is chosen by the caller so a retry can reuse it; the client report id is the client's own id for
/// the report, and the same reporter's retry with the same id is recognised and changes nothing.
/// <see cref="LikelyDuplicateOf"/> is the open incident the application found near by (same category, within the
/// category's radius and window), if any.
/// </summary>
public sealed record ReportIncident(
    string IncidentId,
    Actor Reporter,
    string ClientReportId,
    ReportChannel Channel,
    CategorySnapshot Category,
    string Description,
    GeoLocation Location,
    DateTimeOffset OccurredAt,
    IReadOnlyList<PhotoMetadata> Photos,
    RoutingOutcome Routing,
    DateTimeOffset Now,
    DuplicateCandidate? LikelyDuplicateOf = null) : IIncidentCommand;
