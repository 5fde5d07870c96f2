using Governance.Domain.Calendar;

namespace Governance.Domain.Incidents;

/// <summary>A department's part in an incident: the lead (主办) or an assistant (协办).</summary>
public enum AssignmentRole
{
    Lead = 1,
    Assist = 2,
}

/// <summary>Where one department's assignment stands. Numbers match the contract and are stored: never renumber.</summary>
public enum AssignmentState
{
    /// <summary>派遣: sent, not yet signed for.</summary>
    Dispatched = 1,

    /// <summary>签收: signed for; being handled.</summary>
    Accepted = 2,

    /// <summary>退回: the department said "not ours".</summary>
    Returned = 3,

    /// <summary>处置完成: the department reported it handled.</summary>
    Handled = 4,

    /// <summary>撤回: a re-dispatch no longer named the department, or the incident was reopened; kept for the record.</summary>
    Withdrawn = 5,
}

/// <summary>Which deadline of an assignment an alarm is about.</summary>
public enum DeadlineKind
{
    /// <summary>签收时限: sign for it by then.</summary>
    Sign = 1,

    /// <summary>处置时限: report it handled by then; the clock runs from dispatch.</summary>
    Handle = 2,
}

/// <summary>预警 (yellow, at 80 % of the limit) or 超期 (red, at the deadline).</summary>
public enum AlarmLevel
{
    Warning = 1,
    Overdue = 2,
}

/// <summary>An extension a department asked for and the center has not yet decided (延期申请).</summary>
public sealed record ExtensionRequest(TimeLimit Extra, string Reason, Actor By, DateTimeOffset At);

/// <summary>
/// One department's assignment. Deadlines are its own: a department added at a re-dispatch starts its clocks then,
/// and an approved extension moves only the deadline of the department that asked. The alarm fields hold the due
/// time each alarm was raised for, so an alarm fires once per deadline and again only when an extension moved it.
/// </summary>
public sealed record Assignment(
    string DepartmentCode,
    AssignmentRole Role,
    AssignmentState State,
    DateTimeOffset DispatchedAt,
    DateTimeOffset SignDeadline,
    DateTimeOffset SignWarningAt,
    DateTimeOffset HandleDeadline,
    DateTimeOffset HandleWarningAt,
    DateTimeOffset? AcceptedAt = null,
    DateTimeOffset? HandledAt = null,
    DateTimeOffset? ReturnedAt = null,
    int ProgressReports = 0,
    int Reworks = 0,
    int Extensions = 0,
    ExtensionRequest? PendingExtension = null,
    DateTimeOffset? SignWarnedFor = null,
    DateTimeOffset? SignOverdueFor = null,
    DateTimeOffset? HandleWarnedFor = null,
    DateTimeOffset? HandleOverdueFor = null,
    DateTimeOffset? WithdrawnAt = null)
{
    /// <summary>Still part of the incident's work: not returned and not withdrawn.</summary>
    public bool IsActive => State is AssignmentState.Dispatched or AssignmentState.Accepted or AssignmentState.Handled;

    /// <summary>When the alarm of this kind and level is due now (deadlines move with extensions).</summary>
    public DateTimeOffset DueAt(DeadlineKind kind, AlarmLevel level) => (kind, level) switch
    {
        (DeadlineKind.Sign, AlarmLevel.Warning) => SignWarningAt,
        (DeadlineKind.Sign, _) => SignDeadline,
        (_, AlarmLevel.Warning) => HandleWarningAt,
        _ => HandleDeadline,
    };

    /// <summary>The due time this alarm was last raised for; null if never.</summary>
    public DateTimeOffset? RaisedFor(DeadlineKind kind, AlarmLevel level) => (kind, level) switch
    {
        (DeadlineKind.Sign, AlarmLevel.Warning) => SignWarnedFor,
        (DeadlineKind.Sign, _) => SignOverdueFor,
        (_, AlarmLevel.Warning) => HandleWarnedFor,
        _ => HandleOverdueFor,
    };

    /// <summary>
    /// Whether this deadline still matters: a sign deadline until the department signs (or hands it back), a handle
    /// deadline until it reports handled.
    /// </summary>
    public bool Awaits(DeadlineKind kind) => kind == DeadlineKind.Sign
        ? State == AssignmentState.Dispatched
        : State is AssignmentState.Dispatched or AssignmentState.Accepted;

    public bool IsOverdue(DeadlineKind kind, DateTimeOffset now) => Awaits(kind) && now >= DueAt(kind, AlarmLevel.Overdue);
}
