using Governance.Domain.Calendar;
using Governance.Domain.Incidents;
using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.TestWorld;

namespace Governance.Domain.Tests;

/// <summary>
/// The "given" of an incident test, written as what happened: <c>IncidentHistory.Reported().Registered()
/// .Dispatched(Cgj, Sjj).Accepted(Cgj)</c>. Each step happens ten minutes after the one before unless it names its own
/// instant, so a test that cares about deadlines names the instants and one that does not stays short. Dispatch
/// deadlines are taken from the real working calendar; the dispatch tests check those by hand.
/// </summary>
internal sealed class IncidentHistory
{
    public const string Id = "inc-1";

    public const string Cgj = "330282-CGJ";
    public const string Sjj = "330282-SJJ";
    public const string Sthj = "330282-STHJ";
    public const string Retired = "330282-OLD";
    public const string CountyCenter = "330282-ZHZX";
    public const string TownCommandOffice = "330282101-ZHXX";
    public const string TownSquad = "330282101-ZFZD";

    /// <summary>The reporting grid worker.</summary>
    public static readonly Actor Worker = new("gw-007", ActorRole.GridWorker);

    public static readonly Actor OtherWorker = new("gw-008", ActorRole.GridWorker);

    public static readonly Actor Center = new("zhzx-duty-1", ActorRole.CountyCenter);

    public static readonly Actor TownOffice = new("zhxx-101-duty", ActorRole.TownshipOffice);

    public static readonly Actor Handler = new("handler-1", ActorRole.DepartmentHandler);

    /// <summary>A bureau of the neighbouring county (余姚 330281): real, active, and not ours to dispatch to.</summary>
    public static readonly Department NeighbourCountyBureau =
        new("330281-CGJ", "余姚市综合行政执法局", Platform.LawEnforcement, DepartmentKind.CountyBureau, "330281");

    private static readonly WorkingCalendar Calendar = WorkingCalendar.ChinaDefault;

    private readonly List<IIncidentEvent> _events = [];

    private IncidentHistory(CategorySnapshot category, DateTimeOffset at)
    {
        Category = category;
        Clock = at;
    }

    public CategorySnapshot Category { get; }

    /// <summary>The instant of the last step.</summary>
    public DateTimeOffset Clock { get; private set; }

    public IIncidentEvent[] Events => [.. _events];

    public Incident State => IncidentDecider.Fold(_events)!;

    public static Department Dept(string code) => Snapshot.FindDepartment(code) ?? throw new ArgumentException($"No department {code} in the test world.");

    public static CategorySnapshot CategoryOf(string code) => CategorySnapshot.From(Snapshot.FindCategory(code)!);

    public static PhotoMetadata Photo(string id) => new(id, new string('b', 64), "image/jpeg", 1_500_000, null);

    /// <summary>
    /// A grid worker's report, by default of 其他事项 (SG-9901: sign 1 working day, handle 5) in 卫东村第2网格 of 观海卫镇,
    /// on the ordinary Monday of <see cref="Fixtures.Now"/>. <paramref name="grid"/> null puts it outside every grid,
    /// with the county center.
    /// </summary>
    public static IncidentHistory Reported(
        string categoryCode = Other, DateTimeOffset? at = null, string? grid = TownGrid, Func<CategorySnapshot, CategorySnapshot>? category = null)
    {
        var snapshot = CategoryOf(categoryCode);
        snapshot = category?.Invoke(snapshot) ?? snapshot;
        var when = at ?? Now;
        var routing = grid is null
            ? Snapshot.RouteToCountyCenter(County, categoryCode, "The point is 3.2 km from the nearest grid (tolerance 200 m)")
            : Snapshot.RouteToGrid(grid, categoryCode);
        var history = new IncidentHistory(snapshot, when);
        history._events.Add(new IncidentReported(Id, Worker, "client-1", ReportChannel.App, snapshot, "路边垃圾桶满溢，垃圾散落在人行道上",
            new GeoLocation(121.2467, 30.1712, CoordinateSystem.Wgs84, 8), when.AddMinutes(-5), [], routing, when));
        return history;
    }

    /// <summary>A history in the given state by the shortest road, lead 330282-CGJ, for the "not now" refusals.</summary>
    public static IncidentHistory InState(IncidentState state) => state switch
    {
        IncidentState.Reported => Reported(),
        IncidentState.Registered => Reported().Registered(),
        IncidentState.Rejected => Reported().Rejected(),
        IncidentState.Merged => Reported().Merged(),
        IncidentState.Dispatched => Reported().Registered().Dispatched(Cgj),
        IncidentState.Accepted => InState(IncidentState.Dispatched).Accepted(Cgj),
        IncidentState.Returned => InState(IncidentState.Dispatched).Returned(Cgj),
        IncidentState.Handled => InState(IncidentState.Accepted).Handled(Cgj),
        IncidentState.Verified => InState(IncidentState.Handled).Verified(),
        IncidentState.Rework => InState(IncidentState.Handled).Rework(),
        IncidentState.Closed => InState(IncidentState.Verified).Closed(),
        IncidentState.Escalated => Reported().Registered().Escalated(),
        IncidentState.ResolvedOnSpot => Reported().ResolvedOnSpot(),
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>Every state except the ones a step allows: the rows of a "not now" theory.</summary>
    public static TheoryData<IncidentState> StatesExcept(params IncidentState[] allowed)
    {
        var data = new TheoryData<IncidentState>();
        foreach (var state in Enum.GetValues<IncidentState>().Where(s => !allowed.Contains(s)))
            data.Add(state);
        return data;
    }

    /// <summary>What a refusal must list as allowed in each state, written out here so a change to the list is seen.</summary>
    public static string AllowedNow(IncidentState state) => state switch
    {
        IncidentState.Reported => "register; reject; merge; resolve on the spot (the reporter); supervise",
        IncidentState.Registered => "dispatch; merge; escalate (township office); resolve on the spot (the reporter); supervise",
        IncidentState.Dispatched or IncidentState.Accepted =>
            "sign, report progress, report handled, return, request an extension (departments); supervise; decide an extension",
        IncidentState.Returned => "dispatch again; escalate (township office); supervise; departments still assigned go on working",
        IncidentState.Escalated => "dispatch (county center); supervise",
        IncidentState.Handled => "verify (pass or fail); supervise",
        IncidentState.Rework => "report progress, report handled again, return, request an extension (departments); supervise; decide an extension",
        IncidentState.Verified => "close",
        IncidentState.Closed or IncidentState.ResolvedOnSpot => "reopen",
        _ => "nothing (it is finished)",
    };

    /// <summary>The refusal text of a step the state does not allow.</summary>
    public static string NotNow(IncidentState state, string what) => $"Incident {Id} is {state}; it cannot {what} now. Allowed now: {AllowedNow(state)}.";

    public IncidentHistory Registered(DateTimeOffset? at = null) =>
        Add(new IncidentRegistered(Id, false, null, Center, Step(at)));

    public IncidentHistory Rejected(DateTimeOffset? at = null) =>
        Add(new IncidentRejected(Id, "不属于受理范围", Center, Step(at)));

    public IncidentHistory Merged(string into = "inc-0", DateTimeOffset? at = null) =>
        Add(new IncidentMerged(Id, into, null, Center, Step(at)));

    /// <summary>The center's dispatch, deadlines from the category's limits counted from this instant.</summary>
    public IncidentHistory Dispatched(string lead, params string[] assisting) => DispatchedAt(null, lead, assisting);

    public IncidentHistory DispatchedAt(DateTimeOffset? at, string lead, params string[] assisting)
    {
        var when = Step(at);
        var sign = Calendar.AddWorkingTime(when, Category.SignLimit);
        var handle = Calendar.AddWorkingTime(when, Category.HandleLimit);
        return Add(new IncidentDispatched(Id, lead, assisting, sign, Calendar.WarningTime(when, sign, Category.SignLimit.Unit),
            handle, Calendar.WarningTime(when, handle, Category.HandleLimit.Unit), false, null, Center, when));
    }

    public IncidentHistory Accepted(string department, DateTimeOffset? at = null) =>
        Add(new AssignmentSigned(Id, department, Handler, Step(at)));

    public IncidentHistory Returned(string department, DateTimeOffset? at = null) =>
        Add(new AssignmentReturned(Id, department, "不属于本部门职责", Handler, Step(at)));

    public IncidentHistory Progress(string department, DateTimeOffset? at = null) =>
        Add(new ProgressReported(Id, department, "已联系保洁公司，正在清运", [], Handler, Step(at)));

    public IncidentHistory Handled(string department, DateTimeOffset? at = null) =>
        Add(new AssignmentHandled(Id, department, "垃圾已清运，现场已冲洗", [Photo("after-1")], Handler, Step(at)));

    public IncidentHistory Verified(DateTimeOffset? at = null) =>
        Add(new IncidentVerified(Id, null, Center, Step(at)));

    /// <summary>A failed verification: back to every active department, as the decider sends it.</summary>
    public IncidentHistory Rework(DateTimeOffset? at = null) =>
        Add(new ReworkRequired(Id, "现场仍有垃圾", [.. State.ActiveAssignments.Select(a => a.DepartmentCode)], Center, Step(at)));

    public IncidentHistory Closed(DateTimeOffset? at = null) =>
        Add(new IncidentClosed(Id, null, Center, Step(at)));

    public IncidentHistory Reopened(DateTimeOffset? at = null) =>
        Add(new IncidentReopened(Id, "群众反映问题再次出现", Center, Step(at)));

    public IncidentHistory Escalated(DateTimeOffset? at = null) =>
        Add(new IncidentEscalated(Id, State.TownshipCode!, "涉及多个镇街，本镇无法协调", TownOffice, Step(at)));

    public IncidentHistory Supervised(DateTimeOffset? at = null) =>
        Add(new IncidentSupervised(Id, "请加快处置", State.Supervisions + 1, Center, Step(at)));

    public IncidentHistory ResolvedOnSpot(DateTimeOffset? at = null) =>
        Add(new IncidentResolvedOnSpot(Id, "已现场清理", [Photo("after-1")], Worker, Step(at)));

    public IncidentHistory ExtensionRequested(string department, TimeLimit extra, DateTimeOffset? at = null) =>
        Add(new ExtensionRequested(Id, department, extra, "需协调环卫车辆", Handler, Step(at)));

    /// <summary>The center approves the pending request; the new deadline is counted as the decider counts it.</summary>
    public IncidentHistory ExtensionApproved(string department, DateTimeOffset? at = null)
    {
        var assignment = State.ActiveAssignmentOf(department)!;
        var deadline = Calendar.AddWorkingTime(assignment.HandleDeadline, assignment.PendingExtension!.Extra);
        var warning = Calendar.WarningTime(assignment.DispatchedAt, deadline, Category.HandleLimit.Unit);
        return Add(new ExtensionApproved(Id, department, assignment.HandleDeadline, deadline, warning, null, Center, Step(at)));
    }

    public IncidentHistory ExtensionRefused(string department, DateTimeOffset? at = null) =>
        Add(new ExtensionRefused(Id, department, null, Center, Step(at)));

    public IncidentHistory Alarm(string department, DeadlineKind kind, AlarmLevel level, DateTimeOffset at)
    {
        var due = State.ActiveAssignmentOf(department)!.DueAt(kind, level);
        return Add(new DeadlineAlarmRaised(Id, department, kind, level, due, IncidentDecider.DeadlineScheduler, Step(at)));
    }

    private DateTimeOffset Step(DateTimeOffset? at)
    {
        Clock = at ?? Clock.AddMinutes(10);
        return Clock;
    }

    private IncidentHistory Add(IIncidentEvent @event)
    {
        _events.Add(@event);
        return this;
    }
}

internal static class IncidentSpecExtensions
{
    public static DeciderSpec<Incident, IIncidentCommand, IIncidentEvent> Given(
        this DeciderSpec<Incident, IIncidentCommand, IIncidentEvent> spec, IncidentHistory history) => spec.Given(history.Events);
}
