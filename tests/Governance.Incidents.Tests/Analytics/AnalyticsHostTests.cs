using System.Net;
using Google.Protobuf.WellKnownTypes;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Xunit;
using static Governance.Incidents.Tests.Analytics.HostWithAWeekOfIncidents;
using static Governance.Incidents.Tests.Analytics.Sheets;

namespace Governance.Incidents.Tests.Analytics;

/// <summary>
/// The analytics service of the real standalone host over the wire, after the week of <see cref="HostWithAWeekOfIncidents"/>:
/// every figure below is counted by hand from those steps by the rules of analytics.proto, and asked for over gRPC
/// and over the JSON routes, which must answer the same. Then what each caller may not read, and the answers to
/// malformed questions, over both.
/// </summary>
public sealed class AnalyticsHostTests(HostWithAWeekOfIncidents week) : IClassFixture<HostWithAWeekOfIncidents>
{
    /// <summary>
    /// The county as at Wed 16:00, window from the beginning of time. Due: A, B (at their closure), C, E (at their
    /// deadline, Tue 17:30); D was never dispatched, G's deadline is still ahead, F was rejected. Closed: A, B, E;
    /// on time: A, B. Assignments: 7 dispatched, 公安局's returned (so left out of disposal, and counted unsigned
    /// after its sign deadline); due for disposal A, B's two, C, E, of which C's is not handled; signed on time A, C,
    /// B's two (E signed two days late, G never, 公安局 never). Verifications A, B ×2 (one failed), E.
    /// </summary>
    private static readonly RateSheet CountyRates = Sheet(
        reported: 7,
        closure: (3, 4), onTime: (2, 4), crossDepartment: (1, 1), crossDepartmentOnTime: (1, 1),
        disposal: (4, 5), resolvedLocally: (3, 3), rework: (1, 4), onTimeSign: (4, 7), returned: (1, 7),
        // A, C, E, G dispatched on report; B 70 minutes after it. Signed: A 110 min, C 100, 司法局 50, 民政局 40, E 53.5 h.
        // Closed: A after 170 minutes, B 230, E 54 hours.
        toDispatch: (5, 0, Minutes(70)), toSign: (5, Minutes(100), Hours(53.5)), toClose: (3, Minutes(230), Hours(54)),
        // Open: C (overdue, supervised), D, G (warned).
        live: (Open: 3, Warned: 1, Overdue: 1, Supervised: 1));

    private static readonly RateSheet TownXRates = Sheet(
        reported: 3,
        closure: (2, 3), onTime: (2, 3), crossDepartment: (1, 1), crossDepartmentOnTime: (1, 1),
        disposal: (3, 4), resolvedLocally: (2, 2), rework: (1, 3), onTimeSign: (4, 5), returned: (1, 5),
        toDispatch: (3, 0, Minutes(70)), toSign: (4, Minutes(50), Minutes(110)), toClose: (2, Minutes(170), Minutes(230)),
        live: (Open: 1, Warned: 0, Overdue: 1, Supervised: 1));

    private static readonly RateSheet TownYRates = Sheet(
        reported: 4,
        closure: (1, 1), onTime: (0, 1), crossDepartment: (0, 0), crossDepartmentOnTime: (0, 0),
        disposal: (1, 1), resolvedLocally: (1, 1), rework: (0, 1), onTimeSign: (0, 2), returned: (0, 2),
        toDispatch: (2, 0, 0), toSign: (1, Hours(53.5), Hours(53.5)), toClose: (1, Hours(54), Hours(54)),
        live: (Open: 2, Warned: 1, Overdue: 0, Supervised: 0));

    /// <summary>X's 中队: leads A and C, and holds their assignments.</summary>
    private static readonly RateSheet LeadXRates = Sheet(
        reported: 2,
        closure: (1, 2), onTime: (1, 2), crossDepartment: (0, 0), crossDepartmentOnTime: (0, 0),
        disposal: (1, 2), resolvedLocally: (1, 1), rework: (0, 1), onTimeSign: (2, 2), returned: (0, 2),
        toDispatch: (2, 0, 0), toSign: (2, Minutes(100), Minutes(110)), toClose: (1, Minutes(170), Minutes(170)),
        live: (Open: 1, Warned: 0, Overdue: 1, Supervised: 1));

    private static readonly RateSheet LeadYRates = Sheet(
        reported: 2,
        closure: (1, 1), onTime: (0, 1), crossDepartment: (0, 0), crossDepartmentOnTime: (0, 0),
        disposal: (1, 1), resolvedLocally: (1, 1), rework: (0, 1), onTimeSign: (0, 2), returned: (0, 2),
        toDispatch: (2, 0, 0), toSign: (1, Hours(53.5), Hours(53.5)), toClose: (1, Hours(54), Hours(54)),
        live: (Open: 1, Warned: 1, Overdue: 0, Supervised: 0));

    private static readonly RateSheet JusticeRates = Sheet(
        reported: 1,
        closure: (1, 1), onTime: (1, 1), crossDepartment: (1, 1), crossDepartmentOnTime: (1, 1),
        disposal: (1, 1), resolvedLocally: (1, 1), rework: (1, 2), onTimeSign: (1, 1), returned: (0, 1),
        toDispatch: (1, Minutes(70), Minutes(70)), toSign: (1, Minutes(50), Minutes(50)), toClose: (1, Minutes(230), Minutes(230)),
        live: (0, 0, 0, 0));

    /// <summary>Leads nothing; its one assignment was returned unsigned.</summary>
    private static readonly RateSheet PoliceRates = Sheet(
        reported: 0,
        closure: (0, 0), onTime: (0, 0), crossDepartment: (0, 0), crossDepartmentOnTime: (0, 0),
        disposal: (0, 0), resolvedLocally: (0, 0), rework: (0, 0), onTimeSign: (0, 1), returned: (1, 1),
        toDispatch: None, toSign: None, toClose: None,
        live: (0, 0, 0, 0));

    private static readonly RateSheet WelfareRates = Sheet(
        reported: 0,
        closure: (0, 0), onTime: (0, 0), crossDepartment: (0, 0), crossDepartmentOnTime: (0, 0),
        disposal: (1, 1), resolvedLocally: (0, 0), rework: (0, 0), onTimeSign: (1, 1), returned: (0, 1),
        toDispatch: None, toSign: (1, Minutes(40), Minutes(40)), toClose: None,
        live: (0, 0, 0, 0));

    private AnalyticsCalls Leader => week.As(week.LeaderToken);

    [Fact]
    public async Task GivenTheWeek_WhenALeaderAsksForTheCountysRates_ThenGrpcAndJsonAnswerTheFiguresCountedByHand()
    {
        var grpc = await Leader.GetRates();
        var json = await Leader.GetJson("rates");

        Assert.Equal(CountyRates, grpc.Rates);
        Assert.Equal(Timestamp.FromDateTimeOffset(Now), grpc.AsOf);
        Assert.True(grpc.Position >= week.LastPosition, $"position {grpc.Position}, the last step at {week.LastPosition}");
        Assert.Equal(grpc, json.As<GetRatesResponse>());
        // The proto3 JSON mapping, as a page reads it: int64 counts as strings, ratios as numbers, times in RFC 3339.
        Assert.StartsWith("application/json", json.ContentType, StringComparison.Ordinal);
        Assert.Equal("3", (string?)json.Body!["rates"]!["closure"]!["numerator"]);
        Assert.Equal(0.75, (double)json.Body["rates"]!["closure"]!["value"]!);
        Assert.Equal("1", (string?)json.Body["rates"]!["overdue"]);
        Assert.Equal("2026-11-04T08:00:00Z", (string?)json.Body["asOf"]);
    }

    [Fact]
    public async Task GivenTheWeek_WhenRankedByTownship_ThenEachTownHasItsOwnFiguresAndItsPlaceDependsOnTheRateOrderedBy()
    {
        var byOnTime = await Leader.GetRanking(RankingDimension.Township, RateKind.OnTimeClosure);
        var byClosure = await Leader.GetRanking(RankingDimension.Township, RateKind.Closure);
        var json = await Leader.GetJson("ranking", ("dimension", "township"), ("orderBy", "on-time-closure"));
        var jsonByClosure = await Leader.GetJson("ranking", ("dimension", "RANKING_DIMENSION_TOWNSHIP"), ("orderBy", "RATE_KIND_CLOSURE"), ("limit", "1"));

        // X closed two of its three on time, Y none of its one; but Y closed all it had to, X two thirds.
        Assert.Equal([(week.TownX, 1, TownXRates), (week.TownY, 2, TownYRates)], byOnTime.Entries.Select(e => (e.Key, e.Rank, e.Rates)));
        Assert.Equal([(week.TownY, 1, TownYRates), (week.TownX, 2, TownXRates)], byClosure.Entries.Select(e => (e.Key, e.Rank, e.Rates)));
        Assert.Equal(byOnTime, json.As<GetRankingResponse>());
        Assert.Equal(byClosure.Entries.Take(1), jsonByClosure.As<GetRankingResponse>().Entries);
    }

    [Fact]
    public async Task GivenTheWeek_WhenRankedByDepartment_ThenLeadsAndAssistantsHaveTheirFiguresAndEqualRatesShareAPlace()
    {
        var ranking = await Leader.GetRanking(RankingDimension.Department, RateKind.Closure);
        var json = await Leader.GetJson("ranking", ("dimension", "department"), ("orderBy", "closure"));

        // 司法局 and Y's 中队 closed all they had to (1, 1: 司法局 first by code); X's 中队 half; 公安局 and 民政局 led
        // nothing, so have no closure rate and share the last place.
        Assert.Equal(
            [
                (Justice, 1, JusticeRates), (week.LeadY, 1, LeadYRates), (week.LeadX, 3, LeadXRates),
                (Police, 4, PoliceRates), (Welfare, 4, WelfareRates),
            ],
            ranking.Entries.Select(e => (e.Key, e.Rank, e.Rates)));
        Assert.Equal(ranking, json.As<GetRankingResponse>());
    }

    [Fact]
    public async Task GivenTheWeek_WhenTrendedByDay_ThenEachDayIsJudgedAtItsOwnEndSoWednesdaysLateClosureLeavesTuesdayOpen()
    {
        var filter = new RateFilter { From = Timestamp.FromDateTimeOffset(Monday(0, 0)), To = Timestamp.FromDateTimeOffset(Thursday(0, 0)) };
        var trend = await Leader.GetTrend(TrendPeriod.Day, filter);
        var json = await Leader.GetJson("trend", ("period", "day"), ("from", AnalyticsCalls.Json(Monday(0, 0))), ("to", AnalyticsCalls.Json(Thursday(0, 0))));
        var monday = await Leader.GetJson("rates", ("from", AnalyticsCalls.Json(Monday(0, 0))), ("to", AnalyticsCalls.Json(Tuesday(0, 0))));

        var live = (Open: 3L, Warned: 1L, Overdue: 1L, Supervised: 1L);
        Assert.Equal(
            [
                (Monday(0, 0), Tuesday(0, 0), Sheet(
                    reported: 6,
                    closure: (2, 2), onTime: (2, 2), crossDepartment: (1, 1), crossDepartmentOnTime: (1, 1),
                    disposal: (3, 3), resolvedLocally: (2, 2), rework: (1, 3), onTimeSign: (4, 5), returned: (1, 6),
                    toDispatch: (4, 0, Minutes(70)), toSign: (4, Minutes(50), Minutes(110)), toClose: (2, Minutes(170), Minutes(230)),
                    live)),
                // C and E fell due at Tue 17:30 and neither was closed (nor its assignment handled) by midnight;
                // G's and 公安局's signatures fell due on Tuesday and never came.
                (Tuesday(0, 0), Wednesday(0, 0), Sheet(
                    reported: 1,
                    closure: (0, 2), onTime: (0, 2), crossDepartment: (0, 0), crossDepartmentOnTime: (0, 0),
                    disposal: (0, 2), resolvedLocally: (0, 0), rework: (0, 0), onTimeSign: (0, 2), returned: (0, 1),
                    toDispatch: (1, 0, 0), toSign: None, toClose: None,
                    live)),
                // E's signature, verification and closure happened on Wednesday; nothing fell due on it by 16:00.
                (Wednesday(0, 0), Thursday(0, 0), Sheet(
                    reported: 0,
                    closure: (0, 0), onTime: (0, 0), crossDepartment: (0, 0), crossDepartmentOnTime: (0, 0),
                    disposal: (0, 0), resolvedLocally: (1, 1), rework: (0, 1), onTimeSign: (0, 0), returned: (0, 0),
                    toDispatch: None, toSign: (1, Hours(53.5), Hours(53.5)), toClose: (1, Hours(54), Hours(54)),
                    live)),
            ],
            trend.Points.Select(p => (p.From.ToDateTimeOffset(), p.To.ToDateTimeOffset(), p.Rates)));
        Assert.Equal(trend, json.As<GetTrendResponse>());
        // A day of the trend is that day asked for as a window.
        Assert.Equal(trend.Points[0].Rates, monday.As<GetRatesResponse>().Rates);
    }

    [Fact]
    public async Task GivenADepartmentHandler_WhenItAsksForRates_ThenItSeesOnlyItsOwnDepartmentsAndIsRefusedAnothers()
    {
        var handler = week.As(week.Token("zd-x-reader", ActorRole.DepartmentHandler, [week.TownX], week.LeadX));

        var own = await handler.GetRates();
        var ownJson = await handler.GetJson("rates");
        var explicitly = await handler.GetRates(new RateFilter { DepartmentCode = week.LeadX });
        var ranking = await handler.GetRanking(RankingDimension.Department, RateKind.Closure);
        var other = await Assert.ThrowsAsync<RpcException>(() => handler.GetRates(new RateFilter { DepartmentCode = Justice }));
        var otherJson = await handler.GetJson("rates", ("departmentCode", Justice));

        Assert.Equal(LeadXRates, own.Rates);
        Assert.Equal(own, ownJson.As<GetRatesResponse>());
        Assert.Equal(LeadXRates, explicitly.Rates);
        Assert.Equal([(week.LeadX, 1, LeadXRates)], ranking.Entries.Select(e => (e.Key, e.Rank, e.Rates)));
        Assert.Equal(StatusCode.PermissionDenied, other.StatusCode);
        Assert.Equal($"a department reads only its own figures ({week.LeadX}), not {Justice}'s.", other.Detail);
        Assert.Equal(HttpStatusCode.Forbidden, otherJson.Status);
        Assert.Equal(("PERMISSION_DENIED", other.Detail), otherJson.Error);
    }

    [Fact]
    public async Task GivenNoToken_WhenAnyQueryIsAsked_ThenUnauthenticatedOverGrpcAnd401OverHttp()
    {
        var anonymous = week.As(null);

        var grpc = await Assert.ThrowsAsync<RpcException>(() => anonymous.GetRates());
        var ranking = await Assert.ThrowsAsync<RpcException>(() => anonymous.GetRanking(RankingDimension.Township, RateKind.Closure));
        var json = await anonymous.GetJson("rates");
        var watch = await anonymous.GetJson("rates/watch");

        Assert.Equal((StatusCode.Unauthenticated, StatusCode.Unauthenticated), (grpc.StatusCode, ranking.StatusCode));
        Assert.StartsWith("no token: send the metadata 'authorization: Bearer <token>'", grpc.Detail, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Unauthorized, "Bearer"), (json.Status, json.WwwAuthenticate));
        Assert.Equal(("UNAUTHENTICATED", grpc.Detail), json.Error);
        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (watch.Status, watch.Error.Code));
    }

    [Fact]
    public async Task GivenAGridWorker_WhenItAsksForRates_ThenPermissionDeniedOverGrpcAnd403OverHttp()
    {
        var worker = week.As(week.Token("wg-week-a", ActorRole.GridWorker, [County]));

        var grpc = await Assert.ThrowsAsync<RpcException>(() => worker.GetRates());
        var json = await worker.GetJson("rates");
        var watch = await worker.GetJson("rates/watch");

        Assert.Equal(StatusCode.PermissionDenied, grpc.StatusCode);
        Assert.Equal("the role grid_worker reads no rates; they are for command centres, departments and leaders.", grpc.Detail);
        Assert.Equal(HttpStatusCode.Forbidden, json.Status);
        Assert.Equal(("PERMISSION_DENIED", grpc.Detail), json.Error);
        // The event stream refuses before it starts, with a status rather than a broken stream.
        Assert.Equal((HttpStatusCode.Forbidden, "PERMISSION_DENIED"), (watch.Status, watch.Error.Code));
    }

    [Fact]
    public async Task GivenARegionOutsideTheCallersOwn_WhenAsked_ThenPermissionDeniedOverGrpcAnd403OverHttp()
    {
        var townOffice = week.As(week.Token("zh-x", ActorRole.TownshipOffice, [week.TownX]));

        var own = await townOffice.GetRates();
        var grpc = await Assert.ThrowsAsync<RpcException>(() => townOffice.GetRates(new RateFilter { RegionCode = week.TownY }));
        var ranking = await Assert.ThrowsAsync<RpcException>(() => townOffice.GetRanking(RankingDimension.Village, RateKind.Closure, new RateFilter { RegionCode = County }));
        var json = await townOffice.GetJson("ranking", ("regionCode", week.TownY), ("dimension", "grid"), ("orderBy", "closure"));
        var otherCounty = await Assert.ThrowsAsync<RpcException>(() => Leader.GetRates(new RateFilter { RegionCode = "330291" }));

        Assert.Equal(TownXRates, own.Rates);
        Assert.Equal(StatusCode.PermissionDenied, grpc.StatusCode);
        Assert.Equal($"region_code {week.TownY} is outside the caller's regions ({week.TownX}).", grpc.Detail);
        Assert.Equal((StatusCode.PermissionDenied, $"region_code {County} is outside the caller's regions ({week.TownX})."), (ranking.StatusCode, ranking.Detail));
        Assert.Equal(HttpStatusCode.Forbidden, json.Status);
        Assert.Equal(("PERMISSION_DENIED", grpc.Detail), json.Error);
        Assert.Equal((StatusCode.PermissionDenied, $"region_code 330291 is outside the caller's regions ({County})."), (otherCounty.StatusCode, otherCounty.Detail));
    }

    [Fact]
    public async Task GivenAnUnknownOrRepeatedQueryParameter_WhenAsked_Then400RatherThanTheFiguresOfAnotherSlice()
    {
        var misspelt = await Leader.GetJson("rates", ("region", week.TownX));
        var ownOfAnotherRoute = await Leader.GetJson("rates", ("period", "day"));
        var twice = await Leader.GetJson("rates", ("regionCode", week.TownX), ("regionCode", week.TownY));

        Assert.Equal(HttpStatusCode.BadRequest, misspelt.Status);
        Assert.Equal(("INVALID_ARGUMENT", "unknown query parameter 'region'; this route takes regionCode, departmentCode, categoryCode, platform, from, to, asOf."),
            misspelt.Error);
        Assert.Equal(HttpStatusCode.BadRequest, ownOfAnotherRoute.Status);
        Assert.StartsWith("unknown query parameter 'period'", ownOfAnotherRoute.Error.Message, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_ARGUMENT"), (twice.Status, twice.Error.Code));
        Assert.Equal("query parameter 'regionCode' is given 2 times; give it once.", twice.Error.Message);
    }

    [Fact]
    public async Task GivenAMalformedQuestion_WhenAsked_ThenInvalidArgumentOverGrpcAnd400OverHttpSayingWhatIsWrong()
    {
        var inverted = new RateFilter { From = Timestamp.FromDateTimeOffset(Tuesday(0, 0)), To = Timestamp.FromDateTimeOffset(Monday(0, 0)) };

        var window = await Assert.ThrowsAsync<RpcException>(() => Leader.GetRates(inverted));
        var windowJson = await Leader.GetJson("rates", ("from", AnalyticsCalls.Json(Tuesday(0, 0))), ("to", AnalyticsCalls.Json(Monday(0, 0))));
        var noDimension = await Assert.ThrowsAsync<RpcException>(() => Leader.GetRanking(RankingDimension.Unspecified, RateKind.Closure));
        var unknownDimension = await Leader.GetJson("ranking", ("dimension", "county"), ("orderBy", "closure"));
        var trendWithoutSpan = await Assert.ThrowsAsync<RpcException>(() => Leader.GetTrend(TrendPeriod.Day, new RateFilter()));
        var badRegion = await Leader.GetJson("rates", ("regionCode", "3302"));

        Assert.Equal(StatusCode.InvalidArgument, window.StatusCode);
        Assert.Equal($"from {Tuesday(0, 0).ToUniversalTime():O} is not before to {Monday(0, 0).ToUniversalTime():O}.", window.Detail);
        Assert.Equal(HttpStatusCode.BadRequest, windowJson.Status);
        Assert.Equal(("INVALID_ARGUMENT", window.Detail), windowJson.Error);
        Assert.Equal(StatusCode.InvalidArgument, noDimension.StatusCode);
        Assert.Equal("A ranking needs a dimension: township, village, grid, department, category or platform (got Unspecified).", noDimension.Detail);
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_ARGUMENT"), (unknownDimension.Status, unknownDimension.Error.Code));
        Assert.Contains("RANKING_DIMENSION_COUNTY", unknownDimension.Error.Message, StringComparison.Ordinal);
        Assert.Equal((StatusCode.InvalidArgument, "A trend needs both ends of its span: give from and to."), (trendWithoutSpan.StatusCode, trendWithoutSpan.Detail));
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_ARGUMENT"), (badRegion.Status, badRegion.Error.Code));
        Assert.StartsWith("region_code '3302' is not a region code", badRegion.Error.Message, StringComparison.Ordinal);
    }
}
