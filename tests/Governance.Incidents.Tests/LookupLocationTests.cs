using Governance.Contracts.V1;
using Governance.Grpc;
using Governance.Incidents.Registry;
using Governance.Incidents.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;
using Xunit;
using Location = Governance.Contracts.V1.Location;

namespace Governance.Incidents.Tests;

/// <summary>Point lookup over the seeded county: borders, the nearest-grid tolerance, the county fallback and far points.</summary>
public sealed class LookupLocationTests(HostWithDemoCounty world) : IClassFixture<HostWithDemoCounty>
{
    private StandaloneHost Host => world.Host;

    private RegistryView View => Host.Services.GetRequiredService<RegistryCache>().Current;

    [Fact]
    public async Task GivenAPointOnASharedBorder_WhenLookedUp_ThenExactlyOneOfTheTwoGridsAlwaysTheSame()
    {
        var view = View;
        var (a, b, point) = SharedEdgeMidpoint(view);
        var answers = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            var routing = (await Host.LookupAsync(new LookupLocationRequest { Location = Wgs84(point) })).Routing;
            Assert.Equal(GridMatch.Inside, routing.Match);
            answers.Add(routing.GridCode);
        }
        var answer = Assert.Single(answers);
        Assert.Contains(answer, new[] { view.GridCodes[a], view.GridCodes[b] });
    }

    [Fact]
    public async Task GivenACategory_WhenLookedUp_ThenTheDepartmentAndTheRuleThatChoseItAreNamed()
    {
        var grid = world.Grids[200];

        var routing = (await Host.LookupAsync(new LookupLocationRequest
        {
            Location = new Location { Point = grid.InteriorPoint, CoordinateSystem = CoordinateSystem.Wgs84 },
            CategoryCode = "SG-9901",
        })).Routing;

        Assert.Equal(grid.Code, routing.GridCode);
        // 其他事项 has no rule anywhere: the township's information-command office takes it.
        Assert.Equal(RuleScope.TownshipCommandOffice, routing.RuleScope);
        Assert.Equal($"{grid.Township.Code}-ZHXX", routing.DepartmentCode);
        Assert.NotEmpty(routing.Explanation);
        Assert.Equal([grid.Name, grid.Village.Name, grid.Township.Name, grid.County.Name], routing.RegionNames);
    }

    [Fact]
    public async Task GivenPointsNorthOfTheCounty_WhenLookedUp_ThenNearestGridWithinToleranceThenCountyCenterThenOutside()
    {
        var top = NorthernmostVertex(View);

        var near = (await Host.LookupAsync(new LookupLocationRequest { Location = Wgs84(NorthOf(top, 100)), CategoryCode = Reports.AutoDispatchCategory })).Routing;
        Assert.Equal(GridMatch.NearestWithinTolerance, near.Match);
        Assert.InRange(near.DistanceMeters, 90, 110);
        Assert.NotEmpty(near.DepartmentCode);

        var beyond = (await Host.LookupAsync(new LookupLocationRequest { Location = Wgs84(NorthOf(top, 2_000)), CategoryCode = Reports.AutoDispatchCategory })).Routing;
        Assert.Equal(GridMatch.None, beyond.Match);
        Assert.Equal("330290", beyond.CountyCode);
        Assert.Equal(RuleScope.CountyCommandCenter, beyond.RuleScope);
        Assert.Equal("330290-ZHZX", beyond.DepartmentCode);
        Assert.Contains("tolerance", beyond.Reason);

        var far = (await Host.LookupAsync(new LookupLocationRequest { Location = Wgs84(NorthOf(top, 50_000)) })).Routing;
        Assert.Equal(GridMatch.None, far.Match);
        Assert.Empty(far.CountyCode);
        Assert.Contains("km from every grid", far.Reason);
    }

    [Fact]
    public async Task GivenAReportBeyondTheToleranceButNearTheCounty_WhenReported_ThenItWaitsAtTheCountyCenterWithTheReason()
    {
        var request = Reports.At(Wgs84(NorthOf(NorthernmostVertex(View), 2_000)).Point);

        var incident = (await Host.ReportAsync(request)).Incident;

        Assert.Equal(IncidentState.Reported, incident.State);
        Assert.Equal(GridMatch.None, incident.Routing.Match);
        Assert.Equal("330290-ZHZX", incident.Routing.DepartmentCode);
        Assert.Contains("tolerance", incident.Routing.Reason);
    }

    [Fact]
    public async Task GivenAnUnknownCategory_WhenLookedUp_ThenNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Host.LookupAsync(new LookupLocationRequest
        {
            Location = new Location { Point = world.Grids[0].InteriorPoint, CoordinateSystem = CoordinateSystem.Wgs84 },
            CategoryCode = "NOPE",
        }));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task GivenEveryGridsInteriorPoint_WhenLookedUpInProcess_ThenThatGrid()
    {
        var view = View;
        var router = Host.Services.GetRequiredService<Routing.Router>();
        for (var i = 0; i < view.GridCodes.Count; i++)
        {
            var placement = router.Place(view, view.InteriorPoints[i]);
            Assert.Equal(view.GridCodes[i], placement.Grid?.GridCode);
        }
        await Task.CompletedTask;
    }

    private static Location Wgs84(Geography.GeoPoint p) =>
        new() { Point = Reports.Point(p.Longitude, p.Latitude), CoordinateSystem = CoordinateSystem.Wgs84 };

    private static Geography.GeoPoint NorthOf(Coordinate c, double meters) => new(c.X, c.Y + meters / 111_194.9);

    private static Coordinate NorthernmostVertex(RegistryView view) =>
        view.GridGeometries.SelectMany(g => g.Coordinates).MaxBy(c => c.Y)!;

    /// <summary>The midpoint of an edge two grids share (both grids cover it).</summary>
    private static (int A, int B, Geography.GeoPoint Point) SharedEdgeMidpoint(RegistryView view)
    {
        var a = view.GridCodes.Count / 2;
        var ring = ((Polygon)(view.GridGeometries[a] is MultiPolygon m ? m.GetGeometryN(0) : view.GridGeometries[a])).ExteriorRing.Coordinates;
        for (var k = 0; k < ring.Length - 1; k++)
        {
            var mid = new Coordinate((ring[k].X + ring[k + 1].X) / 2, (ring[k].Y + ring[k + 1].Y) / 2);
            var point = new Point(mid);
            for (var b = 0; b < view.GridGeometries.Count; b++)
            {
                if (b != a && view.GridGeometries[b].EnvelopeInternal.Covers(mid) && view.GridGeometries[b].Covers(point))
                {
                    return (a, b, new Geography.GeoPoint(mid.X, mid.Y));
                }
            }
        }
        throw new InvalidOperationException("Grid has no edge shared with a neighbour.");
    }
}
