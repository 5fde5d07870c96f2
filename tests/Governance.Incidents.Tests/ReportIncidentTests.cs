using Governance.Contracts.V1;
using Governance.Grpc;
using Governance.Incidents.Tests.Fixtures;
using Xunit;

namespace Governance.Incidents.Tests;

/// <summary>ReportIncident and GetIncident end to end: our client, real HTTP/2 on loopback, the standalone host, SQLite.</summary>
public sealed class ReportIncidentTests(HostWithDemoCounty world) : IClassFixture<HostWithDemoCounty>
{
    private StandaloneHost Host => world.Host;

    [Fact]
    public async Task GivenDemoCounty_WhenReportingAtAGridsInteriorPoint_ThenRoutedToThatGridAndDispatchedByTheMatrix()
    {
        var grid = world.Grids[world.Grids.Count / 3];

        var response = await Host.ReportAsync(Reports.At(grid.InteriorPoint));

        Assert.True(response.Created);
        var incident = response.Incident;
        Assert.Equal(grid.Code, incident.Routing.GridCode);
        Assert.Equal(grid.Village.Code, incident.Routing.VillageCode);
        Assert.Equal(grid.Township.Code, incident.Routing.TownshipCode);
        Assert.Equal("330290", incident.Routing.CountyCode);
        Assert.Equal(GridMatch.Inside, incident.Routing.Match);
        Assert.Equal(IncidentState.Dispatched, incident.State);
        Assert.Equal(3, incident.Version);
        var lead = Assert.Single(incident.Assignments);
        Assert.Equal(incident.Routing.DepartmentCode, lead.DepartmentCode);
        Assert.True(lead.HandleDeadline.ToDateTimeOffset() > incident.ReportedAt.ToDateTimeOffset());
        Assert.Equal(["incident.reported.v1", "incident.registered.v1", "incident.dispatched.v1"], incident.History.Select(h => h.Type));

        var stored = await Host.GetIncidentAsync(incident.IncidentId);
        Assert.Equal(incident, stored);
    }

    [Fact]
    public async Task GivenACategoryWithoutAutoDispatch_WhenReporting_ThenItWaitsAtTheCenter()
    {
        var response = await Host.ReportAsync(Reports.At(world.Grids[5].InteriorPoint, Reports.ManualCategory));

        Assert.Equal(IncidentState.Reported, response.Incident.State);
        Assert.Empty(response.Incident.Assignments);
        Assert.NotEmpty(response.Incident.Routing.DepartmentCode);
    }

    [Fact]
    public async Task GivenAGcj02Point_WhenReporting_ThenConvertedBeforeRoutingAndReturnedInEitherFrame()
    {
        var grid = world.Grids[100];
        var request = Reports.At(Reports.ToGcj02(grid.InteriorPoint));
        request.Location.CoordinateSystem = CoordinateSystem.Gcj02;

        var incident = (await Host.ReportAsync(request)).Incident;

        Assert.Equal(grid.Code, incident.Routing.GridCode);
        Assert.Equal(grid.InteriorPoint.Longitude, incident.Point.Longitude, 6);
        Assert.Equal(grid.InteriorPoint.Latitude, incident.Point.Latitude, 6);
        Assert.Equal(CoordinateSystem.Gcj02, incident.ReportedLocation.CoordinateSystem);
        Assert.Equal(request.Location.Point.Longitude, incident.ReportedLocation.Point.Longitude, 6);
        var inGcj = await Host.GetIncidentAsync(incident.IncidentId, CoordinateSystem.Gcj02);
        Assert.Equal(request.Location.Point.Longitude, inGcj.Point.Longitude, 6);
        Assert.Equal(request.Location.Point.Latitude, inGcj.Point.Latitude, 6);
    }

    [Fact]
    public async Task GivenManyConcurrentRetriesOfOneReport_WhenSent_ThenOneIncidentAndNothingWrittenTwice()
    {
        var request = Reports.At(world.Grids[42].InteriorPoint, clientId: "retry-" + Guid.NewGuid());

        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Host.ReportAsync(request.Clone())));

        Assert.Single(responses.Select(r => r.Incident.IncidentId).Distinct());
        Assert.Equal(1, responses.Count(r => r.Created));
        Assert.All(responses, r => Assert.Equal(3, r.Incident.Version));
        var stream = await Host.Store.ReadStreamAsync("incident-" + responses[0].Incident.IncidentId);
        Assert.Equal(3, stream.Count);
    }

    [Fact]
    public async Task GivenAStoredReport_WhenTheSameClientIdCarriesADifferentReport_ThenAlreadyExistsAndNothingChanges()
    {
        var first = Reports.At(world.Grids[7].InteriorPoint);
        var stored = (await Host.ReportAsync(first)).Incident;
        var reused = first.Clone();
        reused.Description = "另一件事";

        var error = await Assert.ThrowsAsync<RpcException>(() => Host.ReportAsync(reused));

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Contains(first.ClientReportId, error.Detail);
        Assert.Equal(stored, await Host.GetIncidentAsync(stored.IncidentId));
    }

    [Fact]
    public async Task GivenTwoReporters_WhenTheyUseTheSameClientId_ThenTwoIncidents()
    {
        var a = await Host.ReportAsync(Reports.At(world.Grids[9].InteriorPoint, clientId: "same-id", reporter: "wg-a"));
        var b = await Host.ReportAsync(Reports.At(world.Grids[9].InteriorPoint, clientId: "same-id", reporter: "wg-b"));

        Assert.NotEqual(a.Incident.IncidentId, b.Incident.IncidentId);
        Assert.True(a.Created && b.Created);
    }

    [Fact]
    public async Task GivenAnUnknownIncidentId_WhenGetting_ThenNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Host.GetIncidentAsync(new string('a', 32)));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);

        var malformed = await Assert.ThrowsAsync<RpcException>(() => Host.GetIncidentAsync("../etc/passwd"));
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
    }

    [Fact]
    public async Task GivenPagesOfGrids_WhenListedUnderATownship_ThenEveryGridOnceInCodeOrderAndABadTokenIsRefused()
    {
        var township = world.Grids[500].Township.Code;
        var listed = new List<string>();
        var token = "";
        do
        {
            var page = await Host.CallAsync<ListGridsRequest, ListGridsResponse>("RegistryService", "ListGrids",
                new ListGridsRequest { RegionCode = township, PageSize = 7, PageToken = token });
            Assert.InRange(page.Grids.Count, 1, 7);
            listed.AddRange(page.Grids.Select(g => g.Code));
            token = page.NextPageToken;
        } while (token.Length > 0);

        Assert.Equal(world.Grids.Where(g => g.Township.Code == township).Select(g => g.Code), listed);
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
        var error = await Assert.ThrowsAsync<RpcException>(() => Host.CallAsync<ListGridsRequest, ListGridsResponse>(
            "RegistryService", "ListGrids", new ListGridsRequest { PageToken = "not-a-token" }));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }
}
