using Google.Protobuf.WellKnownTypes;
using Governance.Contracts.V1;
using Channel = Governance.Contracts.V1.Channel;

namespace Governance.Analytics.Tests.Support;

/// <summary>Where an incident was reported: its region codes, empty below the county for one outside every grid.</summary>
internal sealed record Place(string County, string Township, string Village, string Grid);

/// <summary>A category and its platform (四平台).</summary>
internal sealed record IncidentCategory(string Code, string Name, Platform Platform);

/// <summary>One published step of an incident's life: the facts after it, and which change it was.</summary>
internal sealed record LifeStep(IncidentFacts Facts, IncidentLifeEvent.ChangeOneofCase Change, DateTimeOffset At);

/// <summary>
/// Writes an incident's life step by step the way the incident service's domain folds it (re-dispatch keeps the
/// departments named again, withdraws the others, starts new clocks; a failed verification sends the handled
/// assignments back; a reopen withdraws the active ones), recording the facts after each step. Deadlines here are
/// natural durations: the facts carry only the resulting times, which is all the analytics service sees.
/// </summary>
internal sealed class IncidentBuilder
{
    public static readonly TimeSpan DefaultSignLimit = TimeSpan.FromHours(2);
    public static readonly TimeSpan DefaultHandleLimit = TimeSpan.FromHours(72);

    private readonly IncidentFacts _facts;
    private readonly List<LifeStep> _steps = [];

    private IncidentBuilder(IncidentFacts facts, DateTimeOffset at)
    {
        _facts = facts;
        Record(IncidentLifeEvent.ChangeOneofCase.Reported, at);
    }

    public string Id => _facts.IncidentId;

    /// <summary>The facts as they stand after the last step.</summary>
    public IncidentFacts Facts => _facts.Clone();

    public IReadOnlyList<LifeStep> Steps => _steps;

    public static IncidentBuilder Report(string id, Place place, IncidentCategory category, DateTimeOffset at, Channel channel = Channel.App) =>
        new(new IncidentFacts
        {
            IncidentId = id,
            Version = 1,
            State = IncidentState.Reported,
            Channel = channel,
            CategoryCode = category.Code,
            CategoryName = category.Name,
            Platform = category.Platform,
            CountyCode = place.County,
            TownshipCode = place.Township,
            VillageCode = place.Village,
            GridCode = place.Grid,
            ReportedAt = Ts(at),
        }, at);

    public IncidentBuilder Register(DateTimeOffset at)
    {
        _facts.State = IncidentState.Registered;
        _facts.RegisteredAt ??= Ts(at);
        return Record(IncidentLifeEvent.ChangeOneofCase.Registered, at);
    }

    public IncidentBuilder Reject(DateTimeOffset at)
    {
        _facts.State = IncidentState.Rejected;
        return Record(IncidentLifeEvent.ChangeOneofCase.Rejected, at);
    }

    public IncidentBuilder Merge(string into, DateTimeOffset at)
    {
        _facts.State = IncidentState.Merged;
        _facts.MergedInto = into;
        return Record(IncidentLifeEvent.ChangeOneofCase.Merged, at);
    }

    public IncidentBuilder ResolveOnSpot(DateTimeOffset at)
    {
        _facts.State = IncidentState.ResolvedOnSpot;
        _facts.ResolvedOnSpot = true;
        _facts.ClosedAt = Ts(at);
        return Record(IncidentLifeEvent.ChangeOneofCase.Closed, at);
    }

    public IncidentBuilder Dispatch(DateTimeOffset at, string lead, params string[] assisting) =>
        Dispatch(at, DefaultSignLimit, DefaultHandleLimit, lead, assisting);

    public IncidentBuilder Dispatch(DateTimeOffset at, TimeSpan signLimit, TimeSpan handleLimit, string lead, params string[] assisting)
    {
        var named = new List<(string Code, AssignmentRole Role)> { (lead, AssignmentRole.Lead) };
        named.AddRange(assisting.Select(code => (code, AssignmentRole.Assist)));
        foreach (var assignment in _facts.Assignments.Where(a => IsActive(a) && !named.Exists(n => n.Code == a.DepartmentCode)))
        {
            assignment.State = AssignmentState.Withdrawn;
            assignment.WithdrawnAt = Ts(at);
        }
        foreach (var (code, role) in named)
        {
            if (ActiveOf(code) is { } kept)
            {
                kept.Role = role;
            }
            else
            {
                _facts.Assignments.Add(new AssignmentFacts
                {
                    DepartmentCode = code,
                    Role = role,
                    State = AssignmentState.Dispatched,
                    DispatchedAt = Ts(at),
                    SignDeadline = Ts(at + signLimit),
                    HandleDeadline = Ts(at + handleLimit),
                    HandleWarningAt = Ts(at + (handleLimit * 0.8)),
                });
            }
        }
        _facts.FirstDispatchedAt ??= Ts(at);
        var involved = _facts.DepartmentsInvolved.Union(named.Select(n => n.Code)).Order(StringComparer.Ordinal).ToList();
        _facts.DepartmentsInvolved.Clear();
        _facts.DepartmentsInvolved.Add(involved);
        _facts.CrossDepartment = involved.Count >= 2;
        _facts.LeadDepartmentCode = lead;
        FollowLead();
        _facts.State = WorkState();
        return Record(IncidentLifeEvent.ChangeOneofCase.Dispatched, at);
    }

    public IncidentBuilder Sign(string department, DateTimeOffset at)
    {
        var assignment = Active(department);
        assignment.State = AssignmentState.Accepted;
        assignment.AcceptedAt = Ts(at);
        if (_facts.State is IncidentState.Dispatched or IncidentState.Accepted)
        {
            _facts.State = WorkState();
        }
        return Record(IncidentLifeEvent.ChangeOneofCase.Signed, at);
    }

    public IncidentBuilder Return(string department, DateTimeOffset at)
    {
        var assignment = Active(department);
        assignment.State = AssignmentState.Returned;
        assignment.ReturnedAt = Ts(at);
        _facts.State = IncidentState.Returned;
        _facts.Returns++;
        return Record(IncidentLifeEvent.ChangeOneofCase.Returned, at);
    }

    public IncidentBuilder Handle(string department, DateTimeOffset at)
    {
        var assignment = Active(department);
        assignment.State = AssignmentState.Handled;
        assignment.HandledAt = Ts(at);
        if (_facts.State is not (IncidentState.Returned or IncidentState.Escalated) && WorkState() == IncidentState.Handled)
        {
            _facts.State = IncidentState.Handled;
        }
        return Record(IncidentLifeEvent.ChangeOneofCase.Handled, at);
    }

    public IncidentBuilder Verify(DateTimeOffset at, bool passed)
    {
        _facts.Verifications.Add(new VerificationFacts { At = Ts(at), Passed = passed });
        if (passed)
        {
            _facts.State = IncidentState.Verified;
        }
        else
        {
            _facts.State = IncidentState.Rework;
            foreach (var assignment in _facts.Assignments.Where(IsActive))
            {
                assignment.State = AssignmentState.Accepted;
                assignment.HandledAt = null;
                assignment.Reworks++;
            }
        }
        return Record(IncidentLifeEvent.ChangeOneofCase.Verified, at);
    }

    public IncidentBuilder Close(DateTimeOffset at)
    {
        _facts.State = IncidentState.Closed;
        _facts.ClosedAt = Ts(at);
        return Record(IncidentLifeEvent.ChangeOneofCase.Closed, at);
    }

    public IncidentBuilder Reopen(DateTimeOffset at)
    {
        _facts.State = IncidentState.Registered;
        _facts.ClosedAt = null;
        _facts.Reopens++;
        foreach (var assignment in _facts.Assignments.Where(IsActive))
        {
            assignment.State = AssignmentState.Withdrawn;
            assignment.WithdrawnAt = Ts(at);
        }
        return Record(IncidentLifeEvent.ChangeOneofCase.Reopened, at);
    }

    public IncidentBuilder Escalate(DateTimeOffset at)
    {
        _facts.State = IncidentState.Escalated;
        _facts.Escalated = true;
        return Record(IncidentLifeEvent.ChangeOneofCase.Escalated, at);
    }

    public IncidentBuilder Supervise(DateTimeOffset at)
    {
        _facts.Supervisions++;
        return Record(IncidentLifeEvent.ChangeOneofCase.Supervised, at);
    }

    public IncidentBuilder Extend(string department, DateTimeOffset newDeadline, DateTimeOffset at)
    {
        var assignment = Active(department);
        var dispatched = assignment.DispatchedAt.ToDateTimeOffset();
        assignment.HandleDeadline = Ts(newDeadline);
        assignment.HandleWarningAt = Ts(dispatched + ((newDeadline - dispatched) * 0.8));
        assignment.Extensions++;
        FollowLead();
        return Record(IncidentLifeEvent.ChangeOneofCase.Extended, at);
    }

    public static Timestamp Ts(DateTimeOffset time) => Timestamp.FromDateTimeOffset(time);

    private static bool IsActive(AssignmentFacts a) => a.State is AssignmentState.Dispatched or AssignmentState.Accepted or AssignmentState.Handled;

    private AssignmentFacts? ActiveOf(string department) => _facts.Assignments.LastOrDefault(a => IsActive(a) && a.DepartmentCode == department);

    private AssignmentFacts Active(string department) =>
        ActiveOf(department) ?? throw new InvalidOperationException($"{Id} has no active assignment of {department}.");

    /// <summary>The incident's deadline is its current lead's (the last lead's when none is active).</summary>
    private void FollowLead()
    {
        var lead = _facts.Assignments.LastOrDefault(a => IsActive(a) && a.Role == AssignmentRole.Lead)
            ?? _facts.Assignments.LastOrDefault(a => a.Role == AssignmentRole.Lead);
        if (lead is not null)
        {
            _facts.HandleDeadline = lead.HandleDeadline.Clone();
            _facts.HandleWarningAt = lead.HandleWarningAt.Clone();
        }
    }

    private IncidentState WorkState()
    {
        var active = _facts.Assignments.Where(IsActive).ToList();
        if (active.Count > 0 && active.TrueForAll(a => a.State == AssignmentState.Handled))
        {
            return IncidentState.Handled;
        }
        var lead = active.LastOrDefault(a => a.Role == AssignmentRole.Lead);
        return lead?.State is AssignmentState.Accepted or AssignmentState.Handled ? IncidentState.Accepted : IncidentState.Dispatched;
    }

    private IncidentBuilder Record(IncidentLifeEvent.ChangeOneofCase change, DateTimeOffset at)
    {
        if (_steps.Count > 0)
        {
            _facts.Version++;
        }
        _steps.Add(new LifeStep(_facts.Clone(), change, at));
        return this;
    }
}
