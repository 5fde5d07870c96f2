using Governance.Domain.Routing;

namespace Governance.Domain.Incidents;

public interface IIncidentEvent : IDomainEvent;

/// <summary>A report arrived and was accepted as an incident (not yet a case). Everything the reporter sent is kept.</summary>
public sealed record IncidentReported(
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
    DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.reported.v1";
}

/// <summary>The incident became a case (立案), by a person at the center or automatically by the category's rule.</summary>
public sealed record IncidentRegistered(string IncidentId, bool Automatic, string? Note, Actor By, DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.registered.v1";
}

/// <summary>
/// The incident was sent to a lead department (主办) and optional assisting departments (协办). The deadlines and the
/// 80 % warning times are computed on the working calendar from the dispatch time, because the handle clock starts
/// at dispatch; the scheduler indexes them from this event.
/// </summary>
public sealed record IncidentDispatched(
    string IncidentId,
    string LeadDepartmentCode,
    IReadOnlyList<string> AssistingDepartmentCodes,
    DateTimeOffset SignDeadline,
    DateTimeOffset SignWarningAt,
    DateTimeOffset HandleDeadline,
    DateTimeOffset HandleWarningAt,
    bool Automatic,
    string? Note,
    Actor By,
    DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.dispatched.v1";
}
