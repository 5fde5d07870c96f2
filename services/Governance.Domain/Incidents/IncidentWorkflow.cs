using System.Collections.Immutable;
using Governance.Domain.Calendar;
using Governance.Domain.Registry;

namespace Governance.Domain.Incidents;

/// <summary>
/// The incident's life after the report: 研 (register, reject, merge), 交 (dispatch, return, re-dispatch, escalate),
/// 办 (sign, progress, handled), 督 (supervise, deadlines, extensions), 结 (verify, rework, close, reopen).
/// Every refusal is a <see cref="DomainException"/> thrown before any event, and a refusal because of the state says
/// which steps the state allows now.
/// </summary>
public static partial class IncidentDecider
{
    /// <summary>A lead and a handful of assistants; a longer list is a meeting, not a dispatch.</summary>
    public const int MaxAssistingDepartments = 8;

    private static IReadOnlyList<IIncidentEvent> DecideWorkflow(Incident state, IIncidentCommand command, WorkingCalendar calendar)
    {
        if (command.IncidentId != state.Id)
            throw DomainException.Invalid($"The command names incident {command.IncidentId} but was sent to the stream of incident {state.Id}.");
        return command switch
        {
            RegisterIncident c => Register(state, c),
            RejectIncident c => Reject(state, c),
            MergeIncident c => Merge(state, c),
            RecordMergedDuplicate c => RecordDuplicate(state, c),
            DispatchIncident c => Dispatch(state, c, calendar),
            SignAssignment c => Sign(state, c),
            ReturnAssignment c => Return(state, c),
            ReportProgress c => Progress(state, c),
            ReportHandled c => Handled(state, c),
            VerifyIncident c => Verify(state, c),
            CloseIncident c => Close(state, c),
            ReopenIncident c => Reopen(state, c),
            EscalateIncident c => Escalate(state, c),
            SuperviseIncident c => Supervise(state, c),
            RequestExtension c => RequestMoreTime(state, c),
            DecideExtension c => DecideMoreTime(state, c, calendar),
            ResolveOnSpot c => Resolve(state, c),
            RaiseDeadlineAlarm c => Alarm(state, c),
            _ => throw new ArgumentException($"Unknown incident command {command.GetType().Name}.", nameof(command)),
        };
    }

    /// <summary>The steps each state allows, in the words of the RPCs, for refusals a person can act on.</summary>
    public static IReadOnlyList<string> AllowedSteps(IncidentState state) => state switch
    {
        IncidentState.Reported => ["register", "reject", "merge", "resolve on the spot (the reporter)", "supervise"],
        IncidentState.Registered => ["dispatch", "merge", "escalate (township office)", "resolve on the spot (the reporter)", "supervise"],
        IncidentState.Dispatched or IncidentState.Accepted =>
            ["sign, report progress, report handled, return, request an extension (departments)", "supervise", "decide an extension"],
        IncidentState.Returned => ["dispatch again", "escalate (township office)", "supervise", "departments still assigned go on working"],
        IncidentState.Escalated => ["dispatch (county center)", "supervise"],
        IncidentState.Handled => ["verify (pass or fail)", "supervise"],
        IncidentState.Rework => ["report progress, report handled again, return, request an extension (departments)", "supervise", "decide an extension"],
        IncidentState.Verified => ["close"],
        IncidentState.Closed or IncidentState.ResolvedOnSpot => ["reopen"],
        _ => [],
    };

    private static DomainException NotNow(Incident state, string what) => DomainException.Precondition(
        $"Incident {state.Id} is {state.State}; it cannot {what} now. Allowed now: {Describe(AllowedSteps(state.State))}.");

    private static string Describe(IReadOnlyList<string> steps) => steps.Count == 0 ? "nothing (it is finished)" : string.Join("; ", steps);

    private static void RequireState(Incident state, string what, params IncidentState[] allowed)
    {
        if (Array.IndexOf(allowed, state.State) < 0)
            throw NotNow(state, what);
    }

    private static IIncidentEvent[] Register(Incident state, RegisterIncident c)
    {
        RequireState(state, "be registered", IncidentState.Reported);
        c.By.Validate("RegisterIncident");
        return [new IncidentRegistered(state.Id, false, Optional(c.Note, "RegisterIncident"), c.By, c.Now)];
    }

    private static IIncidentEvent[] Reject(Incident state, RejectIncident c)
    {
        RequireState(state, "be rejected", IncidentState.Reported);
        c.By.Validate("RejectIncident");
        return [new IncidentRejected(state.Id, Require.Reason(c.Reason, "RejectIncident"), c.By, c.Now)];
    }

    private static IIncidentEvent[] Merge(Incident state, MergeIncident c)
    {
        Require.Identifier(c.IntoIncidentId, "Target incident id");
        if (c.IntoIncidentId == state.Id)
            throw DomainException.Invalid($"Incident {state.Id} cannot be merged into itself.");
        // A retried merge whose answer was lost finds it done; the caller then completes the target's half.
        if (state.MergedInto == c.IntoIncidentId)
            return [];
        RequireState(state, "be merged", IncidentState.Reported, IncidentState.Registered);
        c.By.Validate("MergeIncident");
        return [new IncidentMerged(state.Id, c.IntoIncidentId, Optional(c.Note, "MergeIncident"), c.By, c.Now)];
    }

    private static IIncidentEvent[] RecordDuplicate(Incident state, RecordMergedDuplicate c)
    {
        Require.Identifier(c.DuplicateIncidentId, "Duplicate incident id");
        if (c.DuplicateIncidentId == state.Id)
            throw DomainException.Invalid($"Incident {state.Id} cannot be merged into itself.");
        if (state.MergedInto is { } into)
            throw DomainException.Precondition($"Incident {state.Id} was itself merged into {into}; merge into {into} instead.");
        if (state.MergedDuplicates.Contains(c.DuplicateIncidentId))
            return [];
        // Merging into a finished incident hides a live problem behind a closed case.
        if (!state.IsOpen)
            throw DomainException.Precondition($"Incident {state.Id} is {state.State}; merge only into an open incident.");
        c.By.Validate("MergeIncident");
        return [new DuplicateMerged(state.Id, c.DuplicateIncidentId, c.By, c.Now)];
    }

    private static IIncidentEvent[] Dispatch(Incident state, DispatchIncident c, WorkingCalendar calendar)
    {
        RequireState(state, "be dispatched", IncidentState.Registered, IncidentState.Returned, IncidentState.Escalated);
        c.By.Validate("DispatchIncident");
        var lead = c.Lead ?? throw DomainException.Invalid("The lead department (主办) is missing.");
        CheckHandler(state, lead, "Lead department");
        var assisting = c.Assisting ?? [];
        if (assisting.Count > MaxAssistingDepartments)
            throw DomainException.Invalid($"{assisting.Count} assisting departments given; at most {MaxAssistingDepartments} are allowed.");
        var seen = new HashSet<string>(StringComparer.Ordinal) { lead.Code };
        foreach (var department in assisting)
        {
            if (department is null)
                throw DomainException.Invalid("An assisting department is missing.");
            CheckHandler(state, department, "Assisting department");
            if (!seen.Add(department.Code))
                throw DomainException.Invalid($"Department {department.Code} is named twice; a department is either the lead or assists, once.");
        }

        var signDeadline = calendar.AddWorkingTime(c.Now, state.Category.SignLimit);
        var handleDeadline = calendar.AddWorkingTime(c.Now, state.Category.HandleLimit);
        return
        [
            new IncidentDispatched(state.Id, lead.Code, [.. assisting.Select(d => d.Code)],
                signDeadline, calendar.WarningTime(c.Now, signDeadline, state.Category.SignLimit.Unit),
                handleDeadline, calendar.WarningTime(c.Now, handleDeadline, state.Category.HandleLimit.Unit),
                false, Optional(c.Note, "DispatchIncident"), c.By, c.Now),
        ];
    }

    private static void CheckHandler(Incident state, Department department, string what)
    {
        if (department.IsRetired)
            throw DomainException.Precondition($"{what} {department.Code} {department.Name} is retired; choose an active department.");
        if (department.Kind is DepartmentKind.CountyCommandCenter or DepartmentKind.TownshipCommandOffice)
            throw DomainException.Invalid(
                $"{what} {department.Code} {department.Name} is a command office, which dispatches rather than handles; choose a handling department.");
        if (department.CountyCode != state.CountyCode)
            throw DomainException.Invalid($"{what} {department.Code} belongs to county {department.CountyCode}, but the incident is in county {state.CountyCode}.");
    }

    private static Assignment ActiveOf(Incident state, string departmentCode, string what)
    {
        Require.Identifier(departmentCode, "Department code");
        if (!state.IsOpen)
            throw NotNow(state, what);
        return state.ActiveAssignmentOf(departmentCode)
            ?? throw DomainException.Precondition(state.InvolvesDepartment(departmentCode)
                ? $"Department {departmentCode}'s assignment on incident {state.Id} is no longer active (returned or withdrawn); it cannot {what}."
                : $"Incident {state.Id} is not assigned to department {departmentCode}; it cannot {what}.");
    }

    private static IIncidentEvent[] Sign(Incident state, SignAssignment c)
    {
        var assignment = ActiveOf(state, c.DepartmentCode, "sign for it");
        c.By.Validate("SignAssignment");
        // A phone that retries a sign whose answer it lost finds it signed: the same outcome, nothing new to record.
        return assignment.State == AssignmentState.Dispatched ? [new AssignmentSigned(state.Id, c.DepartmentCode, c.By, c.Now)] : [];
    }

    private static IIncidentEvent[] Return(Incident state, ReturnAssignment c)
    {
        var assignment = ActiveOf(state, c.DepartmentCode, "return it");
        if (assignment.State == AssignmentState.Handled)
            throw DomainException.Precondition($"Department {c.DepartmentCode} already reported incident {state.Id} handled; a handled assignment cannot be returned.");
        c.By.Validate("ReturnAssignment");
        return [new AssignmentReturned(state.Id, c.DepartmentCode, Require.Reason(c.Reason, "ReturnAssignment"), c.By, c.Now)];
    }

    private static IIncidentEvent[] Progress(Incident state, ReportProgress c)
    {
        SignedFor(state, c.DepartmentCode, "report progress", "");
        c.By.Validate("ReportProgress");
        var note = Require.Note(c.Note, "ReportProgress");
        return [new ProgressReported(state.Id, c.DepartmentCode, note, CheckPhotos(c.Photos, c.Now), c.By, c.Now)];
    }

    private static IIncidentEvent[] Handled(Incident state, ReportHandled c)
    {
        SignedFor(state, c.DepartmentCode, "report it handled", "; wait for the verification");
        c.By.Validate("ReportHandled");
        var notes = Require.Note(c.Notes, "ReportHandled");
        var photos = AfterPhotos(state, c.Photos, c.Now, "with the handled report");
        return [new AssignmentHandled(state.Id, c.DepartmentCode, notes, photos, c.By, c.Now)];
    }

    /// <summary>Progress and handled reports need a signed assignment that is not yet handled.</summary>
    private static void SignedFor(Incident state, string departmentCode, string what, string afterHandled)
    {
        var assignment = ActiveOf(state, departmentCode, what);
        if (assignment.State != AssignmentState.Accepted)
            throw DomainException.Precondition(assignment.State == AssignmentState.Dispatched
                ? $"Department {departmentCode} has not signed for incident {state.Id}; sign for it first."
                : $"Department {departmentCode} already reported incident {state.Id} handled{afterHandled}.");
    }

    /// <summary>Checked photos, with at least one where the category asks for an "after" photo.</summary>
    private static PhotoMetadata[] AfterPhotos(Incident state, IReadOnlyList<PhotoMetadata>? photos, DateTimeOffset now, string purpose)
    {
        var checkedPhotos = CheckPhotos(photos, now);
        if (state.Category.RequiresAfterPhoto && checkedPhotos.Length == 0)
            throw DomainException.Invalid(
                $"Category {state.Category.Code} {state.Category.Name} requires an \"after\" photo (处置后照片) {purpose}.");
        return checkedPhotos;
    }

    private static IIncidentEvent[] Verify(Incident state, VerifyIncident c)
    {
        RequireState(state, "be verified", IncidentState.Handled);
        c.By.Validate("VerifyIncident");
        if (c.By.Role == ActorRole.GridWorker && c.By.SubjectId != state.Reporter.SubjectId)
            throw DomainException.Precondition($"Only the reporting grid worker ({state.Reporter.SubjectId}) or a command center may verify incident {state.Id}.");
        if (c.Passed)
            return [new IncidentVerified(state.Id, Optional(c.Note, "VerifyIncident"), c.By, c.Now)];
        var reason = Require.Reason(c.Note, "VerifyIncident (failed)");
        return [new ReworkRequired(state.Id, reason, [.. state.ActiveAssignments.Select(a => a.DepartmentCode)], c.By, c.Now)];
    }

    private static IIncidentEvent[] Close(Incident state, CloseIncident c)
    {
        RequireState(state, "be closed", IncidentState.Verified);
        c.By.Validate("CloseIncident");
        return [new IncidentClosed(state.Id, Optional(c.Note, "CloseIncident"), c.By, c.Now)];
    }

    private static IIncidentEvent[] Reopen(Incident state, ReopenIncident c)
    {
        RequireState(state, "be reopened", IncidentState.Closed, IncidentState.ResolvedOnSpot);
        c.By.Validate("ReopenIncident");
        return [new IncidentReopened(state.Id, Require.Reason(c.Reason, "ReopenIncident"), c.By, c.Now)];
    }

    private static IIncidentEvent[] Escalate(Incident state, EscalateIncident c)
    {
        if (state.Escalated)
            throw DomainException.Precondition($"Incident {state.Id} was escalated already; the county center has it.");
        RequireState(state, "be escalated", IncidentState.Registered, IncidentState.Returned);
        var township = state.TownshipCode
            ?? throw DomainException.Precondition($"Incident {state.Id} lies in no township (it is with the county center already); there is nothing to escalate.");
        c.By.Validate("EscalateIncident");
        return [new IncidentEscalated(state.Id, township, Require.Reason(c.Reason, "EscalateIncident"), c.By, c.Now)];
    }

    private static IIncidentEvent[] Supervise(Incident state, SuperviseIncident c)
    {
        if (!state.IsOpen || state.State == IncidentState.Verified)
            throw NotNow(state, "be supervised");
        c.By.Validate("SuperviseIncident");
        return [new IncidentSupervised(state.Id, Require.Note(c.Note, "SuperviseIncident"), state.Supervisions + 1, c.By, c.Now)];
    }

    private static IIncidentEvent[] RequestMoreTime(Incident state, RequestExtension c)
    {
        var assignment = ActiveOf(state, c.DepartmentCode, "ask for an extension");
        if (!assignment.Awaits(DeadlineKind.Handle))
            throw DomainException.Precondition($"Department {c.DepartmentCode} already reported incident {state.Id} handled; there is no deadline to extend.");
        if (assignment.PendingExtension is { } pending)
            throw DomainException.Precondition(
                $"Department {c.DepartmentCode} already asked for {pending.Extra} on incident {state.Id} at {pending.At:O}; wait for the decision.");
        c.Extra.Validate("Extension");
        if (c.Extra.Amount < 1)
            throw DomainException.Invalid("An extension must add at least one unit of time.");
        c.By.Validate("RequestExtension");
        return [new ExtensionRequested(state.Id, c.DepartmentCode, c.Extra, Require.Reason(c.Reason, "RequestExtension"), c.By, c.Now)];
    }

    private static IIncidentEvent[] DecideMoreTime(Incident state, DecideExtension c, WorkingCalendar calendar)
    {
        var assignment = ActiveOf(state, c.DepartmentCode, "have an extension decided");
        var pending = assignment.PendingExtension
            ?? throw DomainException.Precondition($"Department {c.DepartmentCode} has no pending extension request on incident {state.Id}.");
        c.By.Validate("DecideExtension");
        if (!c.Approve)
            return [new ExtensionRefused(state.Id, c.DepartmentCode, Optional(c.Note, "DecideExtension"), c.By, c.Now)];
        var deadline = calendar.AddWorkingTime(assignment.HandleDeadline, pending.Extra);
        var warning = calendar.WarningTime(assignment.DispatchedAt, deadline, state.Category.HandleLimit.Unit);
        return [new ExtensionApproved(state.Id, c.DepartmentCode, assignment.HandleDeadline, deadline, warning, Optional(c.Note, "DecideExtension"), c.By, c.Now)];
    }

    private static IIncidentEvent[] Resolve(Incident state, ResolveOnSpot c)
    {
        RequireState(state, "be resolved on the spot", IncidentState.Reported, IncidentState.Registered);
        c.By.Validate("ResolveOnSpot");
        if (c.By.SubjectId != state.Reporter.SubjectId)
            throw DomainException.Precondition($"Only the reporting grid worker ({state.Reporter.SubjectId}) may resolve incident {state.Id} on the spot.");
        var notes = Require.Note(c.Notes, "ResolveOnSpot");
        var photos = AfterPhotos(state, c.Photos, c.Now, "to resolve it on the spot");
        return [new IncidentResolvedOnSpot(state.Id, notes, photos, c.By, c.Now)];
    }

    private static IIncidentEvent[] Alarm(Incident state, RaiseDeadlineAlarm c)
    {
        if (!state.IsOpen || state.ActiveAssignmentOf(c.DepartmentCode) is not { } assignment || !assignment.Awaits(c.Kind))
            return [];
        var due = assignment.DueAt(c.Kind, c.Level);
        // Early (an extension moved the deadline after the alarm was scheduled) or already raised for this due time.
        if (c.Now < due || assignment.RaisedFor(c.Kind, c.Level) == due)
            return [];
        return [new DeadlineAlarmRaised(state.Id, c.DepartmentCode, c.Kind, c.Level, due, DeadlineScheduler, c.Now)];
    }

    private static string? Optional(string? note, string what) =>
        string.IsNullOrWhiteSpace(note) ? null : Require.Reason(note, what);

    private static Incident Existing(Incident? state, IIncidentCommand command) =>
        state ?? throw DomainException.NotFound($"Incident {command.IncidentId} does not exist.");

    // ---- Apply ----

    private static Incident ApplyWorkflow(Incident state, IIncidentEvent @event) => @event switch
    {
        IncidentRegistered e => Next(state, e, e.By, e.At, e.Note) with { State = IncidentState.Registered, RegisteredAt = e.At },
        IncidentFlaggedAsDuplicate e => Next(state, e, e.By, e.At, $"Likely duplicate of {e.CandidateIncidentId} ({e.DistanceMetres:0.#} m away)") with
        {
            LikelyDuplicateOf = new DuplicateCandidate(e.CandidateIncidentId, e.DistanceMetres),
        },
        IncidentRejected e => Next(state, e, e.By, e.At, e.Reason) with { State = IncidentState.Rejected },
        IncidentMerged e => Next(state, e, e.By, e.At, e.Note ?? $"Merged into {e.IntoIncidentId}") with
        {
            State = IncidentState.Merged,
            MergedInto = e.IntoIncidentId,
        },
        DuplicateMerged e => Next(state, e, e.By, e.At, $"{e.DuplicateIncidentId} merged into this incident") with
        {
            MergedDuplicates = state.MergedDuplicates.Add(e.DuplicateIncidentId),
        },
        IncidentDispatched e => ApplyDispatch(Next(state, e, e.By, e.At, e.Note), e),
        AssignmentSigned e => AfterSign(WithAssignment(Next(state, e, e.By, e.At, null), e.DepartmentCode,
            a => a with { State = AssignmentState.Accepted, AcceptedAt = e.At })),
        AssignmentReturned e => WithAssignment(Next(state, e, e.By, e.At, e.Reason), e.DepartmentCode,
            a => a with { State = AssignmentState.Returned, ReturnedAt = e.At, PendingExtension = null }) with
        {
            State = IncidentState.Returned,
            Returns = state.Returns + 1,
        },
        ProgressReported e => WithAssignment(Next(state, e, e.By, e.At, e.Note), e.DepartmentCode,
            a => a with { ProgressReports = a.ProgressReports + 1 }),
        AssignmentHandled e => AfterHandled(WithAssignment(Next(state, e, e.By, e.At, e.Notes), e.DepartmentCode,
            a => a with { State = AssignmentState.Handled, HandledAt = e.At, PendingExtension = null })),
        IncidentVerified e => Next(state, e, e.By, e.At, e.Note) with
        {
            State = IncidentState.Verified,
            VerifiedAt = e.At,
            Verifications = state.Verifications + 1,
        },
        ReworkRequired e => Next(state, e, e.By, e.At, e.Reason) with
        {
            State = IncidentState.Rework,
            Verifications = state.Verifications + 1,
            FailedVerifications = state.FailedVerifications + 1,
            Assignments = [.. state.Assignments.Select(a => a.IsActive && e.DepartmentCodes.Contains(a.DepartmentCode)
                ? a with { State = AssignmentState.Accepted, HandledAt = null, Reworks = a.Reworks + 1 }
                : a)],
        },
        IncidentClosed e => Next(state, e, e.By, e.At, e.Note) with { State = IncidentState.Closed, ClosedAt = e.At },
        IncidentReopened e => Next(state, e, e.By, e.At, e.Reason) with
        {
            State = IncidentState.Registered,
            RegisteredAt = state.RegisteredAt ?? e.At,
            ClosedAt = null,
            VerifiedAt = null,
            Reopens = state.Reopens + 1,
            Assignments = [.. state.Assignments.Select(a => a.IsActive ? a with { State = AssignmentState.Withdrawn, PendingExtension = null, WithdrawnAt = e.At } : a)],
        },
        IncidentEscalated e => Next(state, e, e.By, e.At, e.Reason) with
        {
            State = IncidentState.Escalated,
            Escalated = true,
            EscalatedAt = e.At,
        },
        IncidentSupervised e => Next(state, e, e.By, e.At, e.Note) with { Supervisions = e.Count },
        ExtensionRequested e => WithAssignment(Next(state, e, e.By, e.At, $"{e.Extra}: {e.Reason}"), e.DepartmentCode,
            a => a with { PendingExtension = new ExtensionRequest(e.Extra, e.Reason, e.By, e.At) }),
        ExtensionApproved e => WithAssignment(Next(state, e, e.By, e.At, $"Handle deadline {e.PreviousHandleDeadline:O} → {e.HandleDeadline:O}"), e.DepartmentCode,
            a => a with { HandleDeadline = e.HandleDeadline, HandleWarningAt = e.HandleWarningAt, PendingExtension = null, Extensions = a.Extensions + 1 }),
        ExtensionRefused e => WithAssignment(Next(state, e, e.By, e.At, e.Note), e.DepartmentCode,
            a => a with { PendingExtension = null }),
        IncidentResolvedOnSpot e => Next(state, e, e.By, e.At, e.Notes) with { State = IncidentState.ResolvedOnSpot, ClosedAt = e.At },
        DeadlineAlarmRaised e => WithAssignment(Next(state, e, e.By, e.At, $"{e.DepartmentCode} {e.Kind} {e.Level} (due {e.DueAt:O})"), e.DepartmentCode,
            a => (e.Kind, e.Level) switch
            {
                (DeadlineKind.Sign, AlarmLevel.Warning) => a with { SignWarnedFor = e.DueAt },
                (DeadlineKind.Sign, _) => a with { SignOverdueFor = e.DueAt },
                (_, AlarmLevel.Warning) => a with { HandleWarnedFor = e.DueAt },
                _ => a with { HandleOverdueFor = e.DueAt },
            }),
        _ => throw new ArgumentException($"Unknown incident event {@event.GetType().Name}.", nameof(@event)),
    };

    /// <summary>
    /// Departments named again keep their assignment and clocks (their role may change); departments no longer
    /// named are withdrawn; new ones start their clocks at this dispatch.
    /// </summary>
    private static Incident ApplyDispatch(Incident state, IncidentDispatched e)
    {
        var named = new List<(string Code, AssignmentRole Role)> { (e.LeadDepartmentCode, AssignmentRole.Lead) };
        named.AddRange(e.AssistingDepartmentCodes.Select(code => (code, AssignmentRole.Assist)));
        var assignments = state.Assignments
            .Select(a => a.IsActive && !named.Exists(n => n.Code == a.DepartmentCode) ? a with { State = AssignmentState.Withdrawn, PendingExtension = null, WithdrawnAt = e.At } : a)
            .ToImmutableList();
        foreach (var (code, role) in named)
        {
            var index = assignments.FindLastIndex(a => a.IsActive && a.DepartmentCode == code);
            assignments = index >= 0
                ? assignments.SetItem(index, assignments[index] with { Role = role })
                : assignments.Add(new Assignment(code, role, AssignmentState.Dispatched, e.At,
                    e.SignDeadline, e.SignWarningAt, e.HandleDeadline, e.HandleWarningAt));
        }
        var next = state with
        {
            DispatchedAt = state.DispatchedAt ?? e.At,
            Assignments = assignments,
            DepartmentsInvolved = state.DepartmentsInvolved.Union(named.Select(n => n.Code)),
        };
        return next with { State = WorkState(next.Assignments) };
    }

    private static Incident WithAssignment(Incident state, string departmentCode, Func<Assignment, Assignment> change)
    {
        var index = state.Assignments.FindLastIndex(a => a.IsActive && a.DepartmentCode == departmentCode);
        if (index < 0)
            throw new InvalidOperationException($"Incident {state.Id} has no active assignment of {departmentCode} to apply an event to.");
        return state with { Assignments = state.Assignments.SetItem(index, change(state.Assignments[index])) };
    }

    /// <summary>A signature moves a dispatched incident to accepted once its lead signs; returned and rework stay.</summary>
    private static Incident AfterSign(Incident state) =>
        state.State is IncidentState.Dispatched or IncidentState.Accepted ? state with { State = WorkState(state.Assignments) } : state;

    /// <summary>
    /// Handled once every active assignment is, out of rework too; a returned or escalated incident waits for a
    /// dispatch whatever the others did (the part handed back has no department yet), and until all are done the
    /// incident stays where it was.
    /// </summary>
    private static Incident AfterHandled(Incident state) => state.State switch
    {
        IncidentState.Returned or IncidentState.Escalated => state,
        IncidentState.Rework => WorkState(state.Assignments) == IncidentState.Handled ? state with { State = IncidentState.Handled } : state,
        _ => state with { State = WorkState(state.Assignments) },
    };

    /// <summary>All active assignments handled → handled; the lead signed → accepted; else dispatched.</summary>
    private static IncidentState WorkState(ImmutableList<Assignment> assignments)
    {
        var active = assignments.Where(a => a.IsActive).ToList();
        if (active.Count > 0 && active.TrueForAll(a => a.State == AssignmentState.Handled))
            return IncidentState.Handled;
        var lead = active.LastOrDefault(a => a.Role == AssignmentRole.Lead);
        return lead?.State is AssignmentState.Accepted or AssignmentState.Handled ? IncidentState.Accepted : IncidentState.Dispatched;
    }

    private static Incident Next(Incident state, IIncidentEvent @event, Actor by, DateTimeOffset at, string? note) => state with
    {
        Version = state.Version + 1,
        History = state.History.Add(new IncidentHistoryEntry(DomainEventTypes.NameOf(@event), at, by, note)),
    };
}
