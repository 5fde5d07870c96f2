using Governance.Domain.Calendar;
using Governance.Domain.Routing;

namespace Governance.Domain.Incidents;

/// <summary>An event of one incident's stream; every one names the incident it belongs to.</summary>
public interface IIncidentEvent : IDomainEvent
{
    string IncidentId { get; }
}

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

/// <summary>The report lies near an open incident of the same category, reported recently: likely the same problem.</summary>
public sealed record IncidentFlaggedAsDuplicate(string IncidentId, string CandidateIncidentId, double DistanceMetres, Actor By, DateTimeOffset At)
    : IIncidentEvent
{
    public const string EventType = "incident.flagged-duplicate.v1";
}

/// <summary>不予立案.</summary>
public sealed record IncidentRejected(string IncidentId, string Reason, Actor By, DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.rejected.v1";
}

/// <summary>合并: this incident was folded into another; its own history stays on its stream.</summary>
public sealed record IncidentMerged(string IncidentId, string IntoIncidentId, string? Note, Actor By, DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.merged.v1";
}

/// <summary>Another incident was merged into this one as a duplicate.</summary>
public sealed record DuplicateMerged(string IncidentId, string DuplicateIncidentId, Actor By, DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.duplicate-merged.v1";
}

/// <summary>签收.</summary>
public sealed record AssignmentSigned(string IncidentId, string DepartmentCode, Actor By, DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.assignment-signed.v1";
}

/// <summary>退回: the department handed its assignment back, with the reason; the incident waits for re-dispatch.</summary>
public sealed record AssignmentReturned(string IncidentId, string DepartmentCode, string Reason, Actor By, DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.assignment-returned.v1";
}

/// <summary>A progress note from a department.</summary>
public sealed record ProgressReported(string IncidentId, string DepartmentCode, string Note, IReadOnlyList<PhotoMetadata> Photos, Actor By, DateTimeOffset At)
    : IIncidentEvent
{
    public const string EventType = "incident.progress-reported.v1";
}

/// <summary>处置完成 for one department; the incident is handled when every active assignment is.</summary>
public sealed record AssignmentHandled(string IncidentId, string DepartmentCode, string Notes, IReadOnlyList<PhotoMetadata> Photos, Actor By, DateTimeOffset At)
    : IIncidentEvent
{
    public const string EventType = "incident.assignment-handled.v1";
}

/// <summary>核查通过: ready to close.</summary>
public sealed record IncidentVerified(string IncidentId, string? Note, Actor By, DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.verified.v1";
}

/// <summary>核查不通过 → 返工: back to the same departments, which report handled again.</summary>
public sealed record ReworkRequired(string IncidentId, string Reason, IReadOnlyList<string> DepartmentCodes, Actor By, DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.rework-required.v1";
}

/// <summary>结案.</summary>
public sealed record IncidentClosed(string IncidentId, string? Note, Actor By, DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.closed.v1";
}

/// <summary>A closed incident came back; its assignments are withdrawn and it waits for a new dispatch.</summary>
public sealed record IncidentReopened(string IncidentId, string Reason, Actor By, DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.reopened.v1";
}

/// <summary>上报上级: from a township office to the county center.</summary>
public sealed record IncidentEscalated(string IncidentId, string FromTownshipCode, string Reason, Actor By, DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.escalated.v1";
}

/// <summary>督办, with the running count.</summary>
public sealed record IncidentSupervised(string IncidentId, string Note, int Count, Actor By, DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.supervised.v1";
}

/// <summary>延期申请.</summary>
public sealed record ExtensionRequested(string IncidentId, string DepartmentCode, TimeLimit Extra, string Reason, Actor By, DateTimeOffset At)
    : IIncidentEvent
{
    public const string EventType = "incident.extension-requested.v1";
}

/// <summary>延期批准: the department's handle deadline moved (from → to); the warning time moved with it.</summary>
public sealed record ExtensionApproved(
    string IncidentId,
    string DepartmentCode,
    DateTimeOffset PreviousHandleDeadline,
    DateTimeOffset HandleDeadline,
    DateTimeOffset HandleWarningAt,
    string? Note,
    Actor By,
    DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.extension-approved.v1";
}

/// <summary>延期不予批准: the deadline stands.</summary>
public sealed record ExtensionRefused(string IncidentId, string DepartmentCode, string? Note, Actor By, DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.extension-refused.v1";
}

/// <summary>现场处置: fixed by the reporting grid worker; closed at grid level.</summary>
public sealed record IncidentResolvedOnSpot(string IncidentId, string Notes, IReadOnlyList<PhotoMetadata> Photos, Actor By, DateTimeOffset At)
    : IIncidentEvent
{
    public const string EventType = "incident.resolved-on-spot.v1";
}

/// <summary>预警 or 超期 of one department's sign or handle deadline, raised by the deadline scheduler.</summary>
public sealed record DeadlineAlarmRaised(
    string IncidentId,
    string DepartmentCode,
    DeadlineKind Kind,
    AlarmLevel Level,
    DateTimeOffset DueAt,
    Actor By,
    DateTimeOffset At) : IIncidentEvent
{
    public const string EventType = "incident.deadline-alarm.v1";
}
