using Governance.Domain;
using Governance.Domain.Calendar;
using Governance.Domain.Incidents;
using Governance.Domain.Registry;
using Governance.Domain.Routing;
using Governance.EventStore;
using Governance.Incidents.Publishing;
using Governance.Incidents.Storage;
using C = Governance.Contracts.V1;

namespace Governance.Incidents.Tests.Publishing;

/// <summary>
/// The "given" of a mapping test: an incident's domain events, each at an instant the test names or ten minutes after
/// the last, stored at positions 101, 102, ... with fresh ids, and mapped one by one onto the fold up to each.
/// </summary>
internal sealed class LifeHistory
{
    public const string Id = "inc-7";
    public const string County = "330290";
    public const string Township = "330290001";
    public const string Village = "330290001002";
    public const string Grid = "330290001002003";
    public const string Cgj = "330290-CGJ";
    public const string Sjj = "330290-SJJ";
    public const string Gaj = "330290-GAJ";

    /// <summary>Monday 2 March 2026, 09:00 China Standard Time.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    public static readonly Actor Worker = new("wg-7", ActorRole.GridWorker);
    public static readonly Actor Center = new("zx-1", ActorRole.CountyCenter);
    public static readonly Actor Handler = new("h-1", ActorRole.DepartmentHandler);

    /// <summary>Sign within 2 working hours, handle within 1 working day; the tests give their own deadlines anyway.</summary>
    public static readonly CategorySnapshot Garbage =
        new("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2), TimeLimit.WorkingDays(1), true, false);

    private readonly List<IIncidentEvent> _events = [];

    public DateTimeOffset Clock { get; private set; } = T0;

    public IReadOnlyList<IIncidentEvent> Events => _events;

    public Incident State => IncidentDecider.Fold(_events)!;

    public static LifeHistory Reported(bool inGrid = true)
    {
        var routing = inGrid
            ? new RoutingOutcome(RoutingMatch.Exact, Grid, Village, Township, County, null, null,
                new Responsibility(Cgj, RuleScopeLevel.County, County, "county rule"))
            : new RoutingOutcome(RoutingMatch.Fallback, null, null, null, County, null, "3.2 km from the nearest grid",
                new Responsibility("330290-ZHZX", RuleScopeLevel.CountyCommandCenter, County, "no grid: the county command centre"));
        var history = new LifeHistory();
        history._events.Add(new IncidentReported(Id, Worker, "client-7", ReportChannel.App, Garbage, "河道旁暴露垃圾约两平方米",
            new GeoLocation(121.25, 30.17, CoordinateSystem.Wgs84, 6), T0.AddMinutes(-20), [], routing, T0));
        return history;
    }

    public LifeHistory Then(Func<DateTimeOffset, IIncidentEvent> step, DateTimeOffset? at = null)
    {
        Clock = at ?? Clock.AddMinutes(10);
        _events.Add(step(Clock));
        return this;
    }

    public LifeHistory Registered() => Then(at => new IncidentRegistered(Id, false, null, Center, at));

    /// <summary>A dispatch whose deadlines are given as offsets from the dispatch instant (sign 2 h, handle 1 day by default).</summary>
    public LifeHistory Dispatched(string lead, string[]? assisting = null, TimeSpan? sign = null, TimeSpan? handle = null, bool automatic = false) =>
        Then(at => new IncidentDispatched(Id, lead, assisting ?? [], at + (sign ?? TimeSpan.FromHours(2)), at + (sign ?? TimeSpan.FromHours(2)) * 0.8,
            at + (handle ?? TimeSpan.FromDays(1)), at + (handle ?? TimeSpan.FromDays(1)) * 0.8, automatic, null, Center, at));

    public LifeHistory Signed(string department, DateTimeOffset? at = null) => Then(t => new AssignmentSigned(Id, department, Handler, t), at);

    public LifeHistory Returned(string department) => Then(at => new AssignmentReturned(Id, department, "不属于本部门职责", Handler, at));

    public LifeHistory Handled(string department, DateTimeOffset? at = null) =>
        Then(t => new AssignmentHandled(Id, department, "垃圾已清运", [], Handler, t), at);

    public LifeHistory Verified() => Then(at => new IncidentVerified(Id, null, Center, at));

    public LifeHistory Rework() =>
        Then(at => new ReworkRequired(Id, "现场仍有垃圾", [.. State.ActiveAssignments.Select(a => a.DepartmentCode)], Center, at));

    public LifeHistory Closed(DateTimeOffset? at = null) => Then(t => new IncidentClosed(Id, null, Center, t), at);

    public LifeHistory Reopened() => Then(at => new IncidentReopened(Id, "群众反映问题再次出现", Center, at));

    /// <summary>Every event mapped onto the fold up to it, each stored at position 100 + its version.</summary>
    public IReadOnlyList<(RecordedEvent Recorded, C.IncidentLifeEvent? Published)> Map()
    {
        var mapped = new List<(RecordedEvent, C.IncidentLifeEvent?)>();
        Incident? state = null;
        for (var i = 0; i < _events.Count; i++)
        {
            state = IncidentDecider.Apply(state, _events[i]);
            var recorded = Recorded(_events[i], i + 1);
            mapped.Add((recorded, IncidentLifeMapper.Map(state, _events[i], recorded)));
        }
        return mapped;
    }

    /// <summary>The last event's integration event; it must be a published kind.</summary>
    public C.IncidentLifeEvent Last() => Map()[^1].Published ?? throw new InvalidOperationException($"{_events[^1].GetType().Name} was not published.");

    public static RecordedEvent Recorded(IIncidentEvent @event, long version) => new(100 + version, StreamNames.Incident(Id), version,
        Guid.CreateVersion7(), DomainEventTypes.NameOf(@event), EventSerializer.Serialize(@event), EventSerializer.SerializeMetadata(EventMetadata.None), T0);
}
