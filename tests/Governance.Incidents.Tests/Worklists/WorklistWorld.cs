using Governance.Domain;
using Governance.Domain.Calendar;
using Governance.Domain.Incidents;
using Governance.Domain.Registry;
using Governance.Domain.Routing;
using Governance.Incidents.Worklists;

namespace Governance.Incidents.Tests.Worklists;

/// <summary>Incidents built by folding real domain events, for the pure worklist tests.</summary>
internal static class WorklistWorld
{
    /// <summary>Monday 2 March 2026, 09:00 China Standard Time.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    public const string County = "330290";
    public const string Township = "330290001";
    public const string OtherTownship = "330290002";
    public const string Grid = "330290001001001";
    public const string OtherGrid = "330290002003004";

    public static readonly Actor Center = new("center-1", ActorRole.CountyCenter);
    public static readonly Actor TownshipClerk = new("town-1", ActorRole.TownshipOffice);

    public static readonly WorklistViewer GridWorker = new("wg-1", ActorRole.GridWorker, [Grid], null);
    public static readonly WorklistViewer Handler = new("cgj-1", ActorRole.DepartmentHandler, [County], "CGJ");
    public static readonly WorklistViewer TownshipOffice = new("town-1", ActorRole.TownshipOffice, [Township], null);
    public static readonly WorklistViewer CountyCenter = new("center-1", ActorRole.CountyCenter, [County], null);
    public static readonly WorklistViewer Leader = new("leader-1", ActorRole.Leader, [County], null);

    public static Incident Reported(
        string id = "i1", string reporter = "wg-1", string? grid = Grid, string category = "LE-0101", DateTimeOffset? at = null,
        double longitude = 121.25, double latitude = 30.17)
    {
        var when = at ?? Now;
        var routing = grid is null
            ? new RoutingOutcome(RoutingMatch.Fallback, null, null, null, County, null, "outside every grid",
                new Responsibility("ZHZX", RuleScopeLevel.CountyCommandCenter, County, "no grid: the county command centre"))
            : new RoutingOutcome(RoutingMatch.Exact, grid, grid[..12], grid[..9], grid[..6], null, null,
                new Responsibility("CGJ", RuleScopeLevel.County, County, "county rule"));
        var snapshot = new CategorySnapshot(category, "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2), TimeLimit.WorkingDays(1), true, false);
        return IncidentDecider.Apply(null, new IncidentReported(id, new Actor(reporter, ActorRole.GridWorker), "c-" + id, ReportChannel.App, snapshot,
            "河道旁暴露垃圾", new GeoLocation(longitude, latitude, CoordinateSystem.Wgs84, null), when, [], routing, when));
    }

    public static Incident Then(this Incident incident, params IIncidentEvent[] events) => events.Aggregate(incident, IncidentDecider.Apply);

    public static IncidentRegistered Registered(Incident i) => new(i.Id, false, null, Center, Now);

    /// <summary>Sign within two hours, handle within a day.</summary>
    public static IncidentDispatched Dispatched(Incident i, string lead, params string[] assisting) =>
        new(i.Id, lead, assisting, Now.AddHours(2), Now.AddHours(1.6), Now.AddDays(1), Now.AddHours(19.2), false, null, Center, Now);

    public static AssignmentSigned Signed(Incident i, string department) => new(i.Id, department, new Actor("h", ActorRole.DepartmentHandler), Now);

    public static AssignmentHandled Handled(Incident i, string department) =>
        new(i.Id, department, "cleared", [], new Actor("h", ActorRole.DepartmentHandler), Now);

    public static AssignmentReturned Returned(Incident i, string department) =>
        new(i.Id, department, "not ours", new Actor("h", ActorRole.DepartmentHandler), Now);

    public static IncidentClosed Closed(Incident i) => new(i.Id, null, Center, Now);

    public static IncidentEscalated Escalated(Incident i) => new(i.Id, i.TownshipCode!, "beyond the township", TownshipClerk, Now);

    public static IncidentSupervised Supervised(Incident i) => new(i.Id, "hurry", i.Supervisions + 1, Center, Now);

    /// <summary>A dispatched, accepted incident of CGJ in <see cref="Grid"/>.</summary>
    public static Incident AcceptedByCgj(string id = "i1")
    {
        var i = Reported(id);
        return i.Then(Registered(i), Dispatched(i, "CGJ"), Signed(i, "CGJ"));
    }
}
