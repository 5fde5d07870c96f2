using Governance.Domain.Calendar;
using Governance.Domain.Incidents;
using Governance.Domain.Routing;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.TestWorld;

namespace Governance.Domain.Tests;

public class ReportIncidentTests
{
    private static readonly Actor Worker = new("gw-007", ActorRole.GridWorker);

    /// <summary>Friday before the 2026 Spring Festival, 16:00: the next working day is the make-up Saturday.</summary>
    private static readonly DateTimeOffset FridayBeforeSpringFestival = At(2026, 2, 13, 16, 0);

    private static readonly CategorySnapshot GarbageCategory = CategorySnapshot.From(Snapshot.FindCategory(Garbage)!);
    private static readonly CategorySnapshot OtherCategory = CategorySnapshot.From(Snapshot.FindCategory(Other)!);

    private static readonly PhotoMetadata Photo = new("photo-1", new string('A', 64), "image/jpeg", 2_345_678, FridayBeforeSpringFestival.AddMinutes(-3));

    private static readonly GeoLocation Location = new(121.2467, 30.1712, CoordinateSystem.Gcj02, 8.5);

    private static ReportIncident Report(CategorySnapshot? category = null, RoutingOutcome? routing = null, DateTimeOffset? now = null) => new(
        "inc-1",
        Worker,
        "client-42",
        ReportChannel.App,
        category ?? GarbageCategory,
        "  路边垃圾桶满溢，垃圾散落在人行道上  ",
        Location,
        (now ?? FridayBeforeSpringFestival).AddMinutes(-10),
        [Photo],
        routing ?? Snapshot.RouteToGrid(TownGrid, (category ?? GarbageCategory).Code),
        now ?? FridayBeforeSpringFestival);

    private static IncidentReported Reported(ReportIncident c) => new(
        c.IncidentId, c.Reporter, c.ClientReportId, c.Channel, c.Category, c.Description.Trim(), c.Location, c.OccurredAt,
        [.. c.Photos.Select(p => p with { Sha256 = p.Sha256.ToLowerInvariant() })], c.Routing, c.Now);

    [Fact]
    public void GivenEmptyStream_WhenReportIncident_ThenIncidentReported()
    {
        var command = Report(category: OtherCategory);

        Spec.Incident().When(command).Then(Reported(command));
    }

    [Fact]
    public void GivenEmptyStream_WhenReportAutoDispatchCategoryInGrid_ThenReportedRegisteredAndDispatchedWithExactDeadlines()
    {
        var command = Report();

        Spec.Incident().When(command).Then(
            Reported(command),
            new IncidentRegistered("inc-1", true,
                "Auto-registered: category LE-0101 allows auto-dispatch and the report lies in grid 330282101001002.",
                IncidentDecider.AutoDispatchRule, FridayBeforeSpringFestival),
            new IncidentDispatched(
                "inc-1",
                "330282101-ZFZD",
                [],
                SignDeadline: At(2026, 2, 14, 9, 0),      // 2 working hours: 1.5 h on Friday, 0.5 h on the make-up Saturday
                SignWarningAt: At(2026, 2, 14, 8, 36),    // 80 % of 2 h = 1 h 36 min
                HandleDeadline: At(2026, 2, 14, 17, 30),  // 1 working day: close of the make-up Saturday
                HandleWarningAt: At(2026, 2, 14, 15, 42), // 80 % of the 9 working hours in between
                true,
                command.Routing.Responsibility.Explanation,
                IncidentDecider.AutoDispatchRule,
                FridayBeforeSpringFestival));
    }

    [Fact]
    public void GivenEmptyStream_WhenReportNearGrid_ThenAlsoDispatched()
    {
        var command = Report(routing: Snapshot.RouteToGrid(TownGrid, Garbage, distanceMetres: 35));

        var events = Spec.Incident().When(command).Then(
            Reported(command),
            new IncidentRegistered("inc-1", true,
                "Auto-registered: category LE-0101 allows auto-dispatch and the report lies in grid 330282101001002.",
                IncidentDecider.AutoDispatchRule, FridayBeforeSpringFestival),
            new IncidentDispatched("inc-1", "330282101-ZFZD", [], At(2026, 2, 14, 9, 0), At(2026, 2, 14, 8, 36), At(2026, 2, 14, 17, 30),
                At(2026, 2, 14, 15, 42), true, command.Routing.Responsibility.Explanation, IncidentDecider.AutoDispatchRule, FridayBeforeSpringFestival));

        Assert.Equal(RoutingMatch.NearestWithinTolerance, ((IncidentReported)events[0]).Routing.Match);
    }

    [Fact]
    public void GivenEmptyStream_WhenPointOutsideEveryGrid_ThenOnlyReportedAtTheCountyCenterWithReason()
    {
        var routing = Snapshot.RouteToCountyCenter(County, Garbage, "The point is 4.1 km from the nearest grid (tolerance 200 m)");
        var command = Report(routing: routing);

        var events = Spec.Incident().When(command).Then(Reported(command));

        var incident = IncidentDecider.Apply(null, events[0]);
        Assert.Equal(IncidentState.Reported, incident.State);
        Assert.Null(incident.GridCode);
        Assert.Equal(County, incident.CountyCode);
        Assert.Equal("330282-ZHZX", incident.Routing.Responsibility.DepartmentCode);
        Assert.Contains("4.1 km", incident.Routing.FallbackReason, StringComparison.Ordinal);
        Assert.Null(incident.LeadDepartmentCode);
    }

    [Fact]
    public void GivenEmptyStream_WhenNoRuleAndTheCommandOfficeIsResponsible_ThenWaitsAtTheCenterDespiteAutoDispatch()
    {
        var command = Report(category: OtherCategory with { AutoDispatch = true });
        Assert.Equal(RuleScopeLevel.TownshipCommandOffice, command.Routing.Responsibility.RuleScopeLevel);

        Spec.Incident().When(command).Then(Reported(command));
    }

    public static TheoryData<string, Func<ReportIncident, ReportIncident>, string> BrokenReports => new()
    {
        { "empty description", c => c with { Description = "" }, "description is empty" },
        { "blank description", c => c with { Description = " \t\n " }, "description is empty" },
        { "description too long", c => c with { Description = new string('字', 2001) }, "2001 characters" },
        { "ten photos", c => c with { Photos = [.. Enumerable.Range(1, 10).Select(i => Photo with { PhotoId = $"p{i}" })] }, "10 photos" },
        { "occurred in the future", c => c with { OccurredAt = c.Now.AddMinutes(6) }, "in the future" },
        { "occurred too long ago", c => c with { OccurredAt = c.Now.AddDays(-30).AddSeconds(-1) }, "more than 30 days ago" },
        { "longitude NaN", c => c with { Location = Location with { Longitude = double.NaN } }, "Longitude" },
        { "latitude out of range", c => c with { Location = Location with { Latitude = 91 } }, "Latitude 91" },
        { "negative accuracy", c => c with { Location = Location with { AccuracyMetres = -1 } }, "Accuracy" },
        { "unknown coordinate system", c => c with { Location = Location with { ReportedIn = 0 } }, "Coordinate system" },
        { "bad hash", c => c with { Photos = [Photo with { Sha256 = "abc" }] }, "SHA-256" },
        { "not an image", c => c with { Photos = [Photo with { ContentType = "application/pdf" }] }, "content type" },
        { "empty photo", c => c with { Photos = [Photo with { SizeBytes = 0 }] }, "size 0" },
        { "same photo twice", c => c with { Photos = [Photo, Photo] }, "appears twice" },
        { "photo from the future", c => c with { Photos = [Photo with { TakenAt = c.Now.AddHours(1) }] }, "in the future" },
        { "unknown channel", c => c with { Channel = 0 }, "Channel" },
        { "reporter without subject", c => c with { Reporter = new Actor(" ", ActorRole.GridWorker) }, "subject id" },
        { "empty client report id", c => c with { ClientReportId = "" }, "Client report id" },
        { "bad incident id", c => c with { IncidentId = "inc 1" }, "Incident id" },
        { "bad category limit", c => c with { Category = c.Category with { HandleLimit = new(0, TimeLimitUnit.WorkingHours) } }, "Handle limit" },
        { "fallback without reason", c => c with { Routing = c.Routing with { Match = RoutingMatch.Fallback, GridCode = null, VillageCode = null, TownshipCode = null } }, "needs a reason" },
        { "grid outside the regions given", c => c with { Routing = c.Routing with { VillageCode = "330282101009" } }, "lies in 330282101001" },
        { "nearest without distance", c => c with { Routing = c.Routing with { Match = RoutingMatch.NearestWithinTolerance } }, "distance" },
        { "exact without grid", c => c with { Routing = c.Routing with { GridCode = null } }, "must name the grid" },
        { "fallback to a township office", c => c with { Routing = RoutingOutcome.CountyFallback(County, "far", c.Routing.Responsibility) }, "county command center" },
    };

    [Theory]
    [MemberData(nameof(BrokenReports))]
    public void GivenEmptyStream_WhenReportBreaksAnInvariant_ThenInvalidArgumentAndNoEvents(string why, Func<ReportIncident, ReportIncident> breakIt, string message)
    {
        var error = Spec.Incident().When(breakIt(Report())).ThenFails(DomainErrorKind.InvalidArgument, message);

        Assert.False(string.IsNullOrWhiteSpace(error.Message), why);
    }

    [Fact]
    public void GivenEmptyStream_WhenReportAtTheLimits_ThenAccepted()
    {
        var command = Report(category: OtherCategory) with
        {
            Description = string.Concat(Enumerable.Repeat("😀", 2000)), // 2000 characters as a person counts them
            Photos = [.. Enumerable.Range(1, 9).Select(i => Photo with { PhotoId = $"p{i}" })],
            OccurredAt = FridayBeforeSpringFestival.AddMinutes(5),
        };

        Spec.Incident().When(command).Then(Reported(command));
        Spec.Incident().When(command with { OccurredAt = FridayBeforeSpringFestival.AddDays(-30) })
            .Then(Reported(command with { OccurredAt = FridayBeforeSpringFestival.AddDays(-30) }));
    }

    [Fact]
    public void GivenReported_WhenSameReporterRetriesSameClientReportId_ThenNothing()
    {
        var original = Report();
        var given = IncidentDecider.Decide(null, original, WorkingCalendar.ChinaDefault).ToArray();

        // The retry arrives a minute later; even a changed body is the same report to the client.
        Spec.Incident().Given(given).When(original with { Now = original.Now.AddMinutes(1), Description = "retry" }).ThenNothing();
    }

    [Fact]
    public void GivenReported_WhenOtherClientReportIdUsesTheSameIncidentId_ThenAlreadyExists() =>
        Spec.Incident()
            .Given(Reported(Report()))
            .When(Report() with { ClientReportId = "client-43" })
            .ThenFails(DomainErrorKind.AlreadyExists, "choose a new incident id");

    [Fact]
    public void GivenReported_WhenOtherReporterUsesTheSameClientReportId_ThenAlreadyExists() =>
        Spec.Incident()
            .Given(Reported(Report()))
            .When(Report() with { Reporter = new Actor("gw-008", ActorRole.GridWorker) })
            .ThenFails(DomainErrorKind.AlreadyExists);

    [Fact]
    public void GivenAutoDispatchedEvents_WhenFolded_ThenIncidentShowsStateDeadlinesAndHistory()
    {
        var command = Report();
        var events = IncidentDecider.Decide(null, command, WorkingCalendar.ChinaDefault);

        var incident = IncidentDecider.Fold(events)!;

        Assert.Equal(IncidentState.Dispatched, incident.State);
        Assert.Equal(3, incident.Version);
        Assert.Equal((TownGrid, "330282101001", Town, County), (incident.GridCode, incident.VillageCode, incident.TownshipCode, incident.CountyCode));
        Assert.Equal("330282101-ZFZD", incident.LeadDepartmentCode);
        Assert.Equal(["330282101-ZFZD"], incident.DepartmentCodes);
        Assert.Equal(At(2026, 2, 14, 17, 30), incident.HandleDeadline);
        Assert.Equal(At(2026, 2, 14, 9, 0), incident.SignDeadline);
        Assert.Equal(FridayBeforeSpringFestival, incident.DispatchedAt);
        Assert.Equal("路边垃圾桶满溢，垃圾散落在人行道上", incident.Description);
        Assert.Equal(new string('a', 64), Assert.Single(incident.Photos).Sha256);
        Assert.Equal(
            [IncidentReported.EventType, IncidentRegistered.EventType, IncidentDispatched.EventType],
            incident.History.Select(h => h.EventType));
        Assert.Equal(Worker, incident.History[0].By);
        Assert.Equal(IncidentDecider.AutoDispatchRule, incident.History[2].By);
    }
}
