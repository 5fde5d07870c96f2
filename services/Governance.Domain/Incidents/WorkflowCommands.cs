using Governance.Domain.Calendar;
using Governance.Domain.Registry;

namespace Governance.Domain.Incidents;

// The commands of an incident's life after the report (研-交-办-督-结). Each names who acts (By) and when (Now); the
// application has checked that the caller may act in this role and region, the domain checks that the incident's
// state allows the step. Department commands carry the acting department, taken from the caller's token.

/// <summary>立案: the center accepts the report as a case.</summary>
public sealed record RegisterIncident(string IncidentId, string? Note, Actor By, DateTimeOffset Now) : IIncidentCommand;

/// <summary>不予立案: not a case (not governable, out of scope, a prank); the reason is required.</summary>
public sealed record RejectIncident(string IncidentId, string Reason, Actor By, DateTimeOffset Now) : IIncidentCommand;

/// <summary>
/// 合并: this incident duplicates another open one and is folded into it. The application checks the target first
/// (<see cref="RecordMergedDuplicate"/>) and records the link on both streams, so both histories stay.
/// </summary>
public sealed record MergeIncident(string IncidentId, string IntoIncidentId, string? Note, Actor By, DateTimeOffset Now) : IIncidentCommand;

/// <summary>Recorded on the target of a merge: the duplicate now belongs to it.</summary>
public sealed record RecordMergedDuplicate(string IncidentId, string DuplicateIncidentId, Actor By, DateTimeOffset Now) : IIncidentCommand;

/// <summary>
/// 派遣: send the incident to a lead department (主办) and assisting departments (协办), as they stand in the registry
/// now. A re-dispatch (after a return or an escalation) keeps the clocks of departments named again and starts new
/// ones for departments named for the first time.
/// </summary>
public sealed record DispatchIncident(
    string IncidentId,
    Department? Lead,
    IReadOnlyList<Department> Assisting,
    string? Note,
    Actor By,
    DateTimeOffset Now) : IIncidentCommand;

/// <summary>签收: the department signs for its assignment.</summary>
public sealed record SignAssignment(string IncidentId, string DepartmentCode, Actor By, DateTimeOffset Now) : IIncidentCommand;

/// <summary>退回: "not ours"; back to the center with the reason, for re-dispatch.</summary>
public sealed record ReturnAssignment(string IncidentId, string DepartmentCode, string Reason, Actor By, DateTimeOffset Now) : IIncidentCommand;

/// <summary>A progress note (and photos) while handling; changes no state.</summary>
public sealed record ReportProgress(
    string IncidentId, string DepartmentCode, string Note, IReadOnlyList<PhotoMetadata> Photos, Actor By, DateTimeOffset Now) : IIncidentCommand;

/// <summary>处置完成: the department's part is done; notes required, "after" photos where the category says so.</summary>
public sealed record ReportHandled(
    string IncidentId, string DepartmentCode, string Notes, IReadOnlyList<PhotoMetadata> Photos, Actor By, DateTimeOffset Now) : IIncidentCommand;

/// <summary>核查: the center (or the reporting grid worker) checked on site. Failure sends it back as rework.</summary>
public sealed record VerifyIncident(string IncidentId, bool Passed, string? Note, Actor By, DateTimeOffset Now) : IIncidentCommand;

/// <summary>结案.</summary>
public sealed record CloseIncident(string IncidentId, string? Note, Actor By, DateTimeOffset Now) : IIncidentCommand;

/// <summary>Reopen a closed (or resolved-on-the-spot) incident: the problem came back; it waits for a new dispatch.</summary>
public sealed record ReopenIncident(string IncidentId, string Reason, Actor By, DateTimeOffset Now) : IIncidentCommand;

/// <summary>上报上级: a township office hands the incident up to the county center.</summary>
public sealed record EscalateIncident(string IncidentId, string Reason, Actor By, DateTimeOffset Now) : IIncidentCommand;

/// <summary>督办: urge it on. A count and a note, never a state.</summary>
public sealed record SuperviseIncident(string IncidentId, string Note, Actor By, DateTimeOffset Now) : IIncidentCommand;

/// <summary>延期申请: the department asks for more time on its handle deadline.</summary>
public sealed record RequestExtension(string IncidentId, string DepartmentCode, TimeLimit Extra, string Reason, Actor By, DateTimeOffset Now)
    : IIncidentCommand;

/// <summary>The center approves (the deadline moves) or refuses the department's pending extension request.</summary>
public sealed record DecideExtension(string IncidentId, string DepartmentCode, bool Approve, string? Note, Actor By, DateTimeOffset Now)
    : IIncidentCommand;

/// <summary>现场处置: the reporting grid worker fixed it there and then; closed at grid level.</summary>
public sealed record ResolveOnSpot(string IncidentId, string Notes, IReadOnlyList<PhotoMetadata> Photos, Actor By, DateTimeOffset Now)
    : IIncidentCommand;

/// <summary>
/// The deadline scheduler found an alarm due. The decision is idempotent: an alarm already raised for the same due
/// time, or a deadline no longer awaited (signed, handled, returned, extended), writes nothing.
/// </summary>
public sealed record RaiseDeadlineAlarm(string IncidentId, string DepartmentCode, DeadlineKind Kind, AlarmLevel Level, DateTimeOffset Now)
    : IIncidentCommand;
