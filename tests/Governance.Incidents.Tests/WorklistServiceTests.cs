using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Governance.Incidents.Tests.Fixtures;
using Xunit;

namespace Governance.Incidents.Tests;

/// <summary>ListIncidents and GetIncidentHistory against the real host, each caller with its own token.</summary>
public sealed class WorklistServiceTests(HostWithDemoCounty world) : IClassFixture<HostWithDemoCounty>
{
    private StandaloneHost Host => world.Host;

    private string Worker(string subject) => Host.TokenFor(subject, ActorRole.GridWorker, [DemoCounty.Code]);

    private Task<ListIncidentsResponse> ListAsync(ListIncidentsRequest request, string token) =>
        Host.Client.UnaryAsync<ListIncidentsRequest, ListIncidentsResponse>(GovernanceServices.WorklistService.Method("ListIncidents"), request,
            new CallOptions(Headers: StandaloneHost.Bearer(token)));

    private Task<GetIncidentHistoryResponse> HistoryAsync(string id, string token) =>
        Host.Client.UnaryAsync<GetIncidentHistoryRequest, GetIncidentHistoryResponse>(GovernanceServices.WorklistService.Method("GetIncidentHistory"),
            new GetIncidentHistoryRequest { IncidentId = id }, new CallOptions(Headers: StandaloneHost.Bearer(token)));

    private async Task<List<Contracts.V1.Incident>> ReportManyAsync(string reporter, params int[] grids)
    {
        var incidents = new List<Contracts.V1.Incident>();
        foreach (var grid in grids)
        {
            incidents.Add((await Host.ReportAsync(Reports.At(world.Grids[grid].InteriorPoint, reporter: reporter))).Incident);
        }
        return incidents;
    }

    [Fact]
    public async Task GivenReportsOfTwoWorkers_WhenEachLists_ThenEachSeesOnlyItsOwnNewestFirstAtAPositionCoveringThem()
    {
        var mine = await ReportManyAsync("wg-list-a", 30, 31, 32);
        var theirs = await ReportManyAsync("wg-list-b", 33);

        var listA = await ListAsync(new ListIncidentsRequest(), Worker("wg-list-a"));
        var listB = await ListAsync(new ListIncidentsRequest(), Worker("wg-list-b"));

        Assert.Equal(mine.Select(i => i.IncidentId).Reverse(), listA.Incidents.Select(i => i.IncidentId));
        Assert.Equal(theirs.Select(i => i.IncidentId), listB.Incidents.Select(i => i.IncidentId));
        Assert.Equal("", listA.NextPageToken);
        var history = await HistoryAsync(theirs[0].IncidentId, Worker("wg-list-b"));
        Assert.True(listB.Position >= history.Entries[^1].Position);
        var summary = listA.Incidents[0];
        Assert.Equal(mine[2].Routing.GridCode, summary.GridCode);
        Assert.Equal(IncidentState.Dispatched, summary.State);
        Assert.Equal(mine[2].Assignments[0].DepartmentCode, summary.LeadDepartmentCode);
        Assert.NotNull(summary.HandleDeadline);
    }

    [Fact]
    public async Task GivenADispatchedIncident_WhenItsDepartmentAndAnotherList_ThenOnlyItsDepartmentSeesIt()
    {
        var incident = (await ReportManyAsync("wg-list-c", 40))[0];
        var department = incident.Assignments[0].DepartmentCode;
        var handler = Host.TokenFor("h-list", ActorRole.DepartmentHandler, [DemoCounty.Code], department);
        var stranger = Host.TokenFor("h-other", ActorRole.DepartmentHandler, [DemoCounty.Code], "NO-SUCH-DEPT");

        var listed = await ListAsync(new ListIncidentsRequest { DepartmentCode = department, States = { IncidentState.Dispatched }, PageSize = 500 }, handler);
        var other = await ListAsync(new ListIncidentsRequest(), stranger);

        Assert.Contains(listed.Incidents, i => i.IncidentId == incident.IncidentId);
        Assert.All(listed.Incidents, i => Assert.Contains(department, i.DepartmentCodes));
        Assert.Empty(other.Incidents);
    }

    [Fact]
    public async Task GivenFiveReports_WhenPagedByTwo_ThenEveryOneOnceAndBadRequestsAreRefused()
    {
        var reports = await ReportManyAsync("wg-page", 50, 51, 52, 53, 54);
        var token = Worker("wg-page");

        var listed = new List<string>();
        var pageToken = "";
        var pages = 0;
        do
        {
            var page = await ListAsync(new ListIncidentsRequest { PageSize = 2, PageToken = pageToken }, token);
            listed.AddRange(page.Incidents.Select(i => i.IncidentId));
            pageToken = page.NextPageToken;
            pages++;
        } while (pageToken.Length > 0);

        Assert.Equal(3, pages);
        Assert.Equal(reports.Select(i => i.IncidentId).Reverse(), listed);
        foreach (var bad in new[]
        {
            new ListIncidentsRequest { PageToken = "not-a-token" },
            new ListIncidentsRequest { PageSize = 501 },
            new ListIncidentsRequest { PageSize = -1 },
            new ListIncidentsRequest { RegionCode = "3302" },
            new ListIncidentsRequest { States = { IncidentState.Unspecified } },
        })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => ListAsync(bad, token));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        }
        using var http = GrpcClient.CreateHttpClient(Host.GrpcAddress);
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => new GrpcClient(http).UnaryAsync<ListIncidentsRequest, ListIncidentsResponse>(
            GovernanceServices.WorklistService.Method("ListIncidents"), new ListIncidentsRequest()));
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
    }

    [Fact]
    public async Task GivenTheCountyCentre_WhenItFiltersByTownshipAndSupervision_ThenOnlyMatchingIncidents()
    {
        var incident = (await ReportManyAsync("wg-list-d", 60))[0];
        var township = incident.Routing.TownshipCode;

        var inTownship = await ListAsync(new ListIncidentsRequest { RegionCode = township, PageSize = 500 }, Host.CountyCenterToken);
        var supervised = await ListAsync(new ListIncidentsRequest { RegionCode = township, SupervisedOnly = true }, Host.CountyCenterToken);
        var townshipOffice = await ListAsync(new ListIncidentsRequest { PageSize = 500 },
            Host.TokenFor("town-list", ActorRole.TownshipOffice, [township]));

        Assert.Contains(inTownship.Incidents, i => i.IncidentId == incident.IncidentId);
        Assert.All(inTownship.Incidents, i => Assert.Equal(township, i.TownshipCode));
        Assert.Empty(supervised.Incidents);
        Assert.Equal(inTownship.Incidents.Select(i => i.IncidentId), townshipOffice.Incidents.Select(i => i.IncidentId));
    }

    [Fact]
    public async Task GivenAnAutoDispatchedReport_WhenItsHistoryIsRead_ThenEveryEventWithActorNoteClientPeerAndPosition()
    {
        var incident = (await ReportManyAsync("wg-hist", 70))[0];

        var history = await HistoryAsync(incident.IncidentId, Worker("wg-hist"));

        Assert.Equal([1L, 2L, 3L], history.Entries.Select(e => e.Version));
        Assert.Equal(["incident.reported.v1", "incident.registered.v1", "incident.dispatched.v1"], history.Entries.Select(e => e.Type));
        Assert.Equal(new Contracts.V1.Actor { Subject = "wg-hist", Role = "grid_worker" }, history.Entries[0].Actor);
        Assert.Equal(new Contracts.V1.Actor { Subject = "rule:auto-dispatch", Role = "system" }, history.Entries[1].Actor);
        // The same notes GetIncident shows in its folded history.
        Assert.Equal(incident.History.Select(h => h.Summary), history.Entries.Select(e => e.Summary));
        Assert.Equal(incident.History.Select(h => h.At), history.Entries.Select(e => e.At));
        Assert.All(history.Entries, e =>
        {
            Assert.Equal("App", e.Client);
            Assert.StartsWith("ipv4:127.0.0.1:", e.Peer);
        });
        var positions = history.Entries.Select(e => e.Position).ToList();
        Assert.True(positions[0] > 0);
        Assert.Equal(positions.Order(), positions);
        Assert.Equal(positions.Count, positions.Distinct().Count());
    }

    [Fact]
    public async Task GivenAnIncident_WhenAnotherWorkerOrAnUnknownIdAsksForHistory_ThenPermissionDeniedOrNotFound()
    {
        var incident = (await ReportManyAsync("wg-hist-2", 71))[0];

        var denied = await Assert.ThrowsAsync<RpcException>(() => HistoryAsync(incident.IncidentId, Worker("wg-someone-else")));
        var missing = await Assert.ThrowsAsync<RpcException>(() => HistoryAsync(new string('b', 32), Host.CountyCenterToken));
        var malformed = await Assert.ThrowsAsync<RpcException>(() => HistoryAsync("../x", Host.CountyCenterToken));
        var centre = await HistoryAsync(incident.IncidentId, Host.CountyCenterToken);

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Equal(3, centre.Entries.Count);
    }
}
