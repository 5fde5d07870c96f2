using System.Text.RegularExpressions;
using Governance.Domain.Calendar;
using Governance.Domain.Incidents;
using Governance.Domain.Regions;
using Governance.Domain.Registry;
using Governance.Domain.Routing;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

/// <summary>Every event has a stable wire name and survives System.Text.Json without custom converters.</summary>
public class EventTypeTests
{
    private static readonly RoutingOutcome Routing = RoutingOutcome.NearestGrid(
        GridLocation.FromGridCode("330282101001002"), 12.5,
        new Responsibility("330282101-ZFZD", RuleScopeLevel.Township, "330282101", "Rule at township 330282101."));

    private static readonly CategorySnapshot Category = new("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2),
        TimeLimit.WorkingDays(1), true, true);

    private static readonly Actor Center = new("zx-1", ActorRole.CountyCenter);
    private static readonly Actor Township = new("zh-1", ActorRole.TownshipOffice);
    private static readonly Actor Handler = new("bm-1", ActorRole.DepartmentHandler);

    public static readonly IDomainEvent[] Samples =
    [
        new RegionDefined("330282001", "浒山街道", RegionLevel.Township, "330282", Admin, Now),
        new RegionUpdated("330282001", "浒山街道", Admin, Now),
        new RegionRetired("330282001", "merged", Admin, Now),
        new GridDefined("330282001001001", "第1网格", "330282001001", Boundary, ["gw-1", "gw-2"], Admin, Now),
        new GridUpdated("330282001001001", "第1网格", OtherBoundary, Admin, Now),
        new GridWorkersAssigned("330282001001001", ["gw-3"], Admin, Now),
        new GridRetired("330282001001001", "split", Admin, Now),
        new DepartmentDefined("330282-CGJ", "综合行政执法局", Platform.LawEnforcement, DepartmentKind.CountyBureau, "330282", Admin, Now),
        new DepartmentUpdated("330282-CGJ", "综合行政执法局", Platform.LawEnforcement, Admin, Now),
        new DepartmentRetired("330282-CGJ", "reform", Admin, Now),
        new CategoryDefined("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2), TimeLimit.WorkingDays(1), true, true, new DuplicatePolicy(50, 1440), Admin, Now),
        new CategoryUpdated("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2), TimeLimit.SameWorkingDay, true, true, DuplicatePolicy.None, Admin, Now),
        new CategoryRetired("LE-0101", "split", Admin, Now),
        new ResponsibilityRuleSet("330282", "330282101", RegionLevel.Township, "LE-0101", "330282101-ZFZD", "330282-CGJ", Admin, Now),
        new ResponsibilityRuleRemoved("330282", "330282101", "LE-0101", "330282101-ZFZD", Admin, Now),
        new IncidentReported("inc-1", new Actor("gw-1", ActorRole.GridWorker), "c-1", ReportChannel.App, Category, "垃圾", new GeoLocation(121.2, 30.1, CoordinateSystem.Gcj02, null),
            Now, [new PhotoMetadata("p1", new string('a', 64), "image/jpeg", 1000, null)], Routing, Now),
        new IncidentRegistered("inc-1", true, "auto", IncidentDecider.AutoDispatchRule, Now),
        new IncidentDispatched("inc-1", "330282101-ZFZD", ["330282-CGJ"], Now, Now, Now, Now, true, null, IncidentDecider.AutoDispatchRule, Now),
        new IncidentFlaggedAsDuplicate("inc-1", "inc-0", 12.5, IncidentDecider.DuplicateRule, Now),
        new IncidentRejected("inc-1", "不属于受理范围", Center, Now),
        new IncidentMerged("inc-1", "inc-0", "重复上报", Center, Now),
        new DuplicateMerged("inc-0", "inc-1", Center, Now),
        new AssignmentSigned("inc-1", "330282101-ZFZD", Handler, Now),
        new AssignmentReturned("inc-1", "330282101-ZFZD", "不属于本部门职责", Handler, Now),
        new ProgressReported("inc-1", "330282101-ZFZD", "已到现场", [new PhotoMetadata("p2", new string('b', 64), "image/png", 10, Now)], Handler, Now),
        new AssignmentHandled("inc-1", "330282101-ZFZD", "已清理", [], Handler, Now),
        new IncidentVerified("inc-1", null, Center, Now),
        new ReworkRequired("inc-1", "仍有垃圾", ["330282101-ZFZD"], Center, Now),
        new IncidentClosed("inc-1", "结案", Center, Now),
        new IncidentReopened("inc-1", "问题复发", Center, Now),
        new IncidentEscalated("inc-1", "330282101", "镇级无法解决", Township, Now),
        new IncidentSupervised("inc-1", "请尽快处置", 2, Center, Now),
        new ExtensionRequested("inc-1", "330282101-ZFZD", TimeLimit.WorkingDays(2), "需要协调", Handler, Now),
        new ExtensionApproved("inc-1", "330282101-ZFZD", Now, Now.AddDays(2), Now.AddDays(1), null, Center, Now),
        new ExtensionRefused("inc-1", "330282101-ZFZD", "不予延期", Center, Now),
        new IncidentResolvedOnSpot("inc-1", "已现场劝离", [], new Actor("gw-1", ActorRole.GridWorker), Now),
        new DeadlineAlarmRaised("inc-1", "330282101-ZFZD", DeadlineKind.Handle, AlarmLevel.Overdue, Now, IncidentDecider.DeadlineScheduler, Now),
    ];


    [Fact]
    public void GivenAssembly_WhenListingEventTypes_ThenEveryEventIsRegisteredOnceWithAVersionedName()
    {
        var eventTypes = typeof(IDomainEvent).Assembly.GetTypes()
            .Where(t => typeof(IDomainEvent).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
            .ToHashSet();

        Assert.Equal(eventTypes.OrderBy(t => t.FullName), DomainEventTypes.Types.Values.OrderBy(t => t.FullName));
        Assert.All(DomainEventTypes.Types.Keys, name => Assert.Matches(new Regex(@"^[a-z]+(\.[a-z-]+)+\.v[0-9]+$"), name));
        Assert.All(eventTypes, t => Assert.Equal(t.GetField("EventType")!.GetRawConstantValue(), DomainEventTypes.NameOf(t)));
        Assert.Equal(eventTypes.Count, Samples.Select(s => s.GetType()).Distinct().Count());
    }

    [Fact]
    public void GivenEverySample_WhenRoundTrippedThroughJson_ThenIdentical()
    {
        foreach (var sample in Samples)
        {
            var name = DomainEventTypes.NameOf(sample);
            var json = Json.Serialize(sample);

            var back = Json.Deserialize(name, json);

            Assert.IsType(sample.GetType(), back);
            Assert.Equal(json, Json.Serialize(back));
        }
    }

    [Fact]
    public void GivenUnknownName_WhenTypeOf_ThenRefused()
    {
        Assert.False(DomainEventTypes.TryGetType("incident.teleported.v1", out _));
        Assert.Throws<ArgumentException>(() => DomainEventTypes.TypeOf("incident.teleported.v1"));
        Assert.Equal(typeof(IncidentReported), DomainEventTypes.TypeOf("incident.reported.v1"));
    }

    [Fact]
    public void GivenStreamNames_WhenFormatted_ThenStablePrefixes()
    {
        Assert.Equal("grid-330282001001001", StreamNames.Grid("330282001001001"));
        Assert.Equal("department-330282-CGJ", StreamNames.Department("330282-CGJ"));
        Assert.Equal("region-330282001", StreamNames.Region("330282001"));
        Assert.Equal("category-LE-0101", StreamNames.Category("LE-0101"));
        Assert.Equal("matrix-330282", StreamNames.Matrix("330282"));
        Assert.Equal("incident-inc-1", StreamNames.Incident("inc-1"));
    }
}
