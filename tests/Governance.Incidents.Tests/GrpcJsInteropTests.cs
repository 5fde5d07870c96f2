using System.Text.Json;
using Governance.Domain;
using Governance.Incidents.Hosting;
using Governance.Incidents.Tests.Fixtures;
using Governance.Testing;
using Xunit;

namespace Governance.Incidents.Tests;

/// <summary>
/// A phone-app team's view: @grpc/grpc-js with the .proto files from proto/, against the standalone host over
/// HTTP/2 on loopback, sending a bearer token as metadata. Reports, retries, reads back, and gets a clear error for
/// a bad point and for a call without a token.
/// </summary>
public sealed class GrpcJsInteropTests(HostWithDemoCounty world) : IClassFixture<HostWithDemoCounty>
{
    private static readonly string InteropDirectory = Path.Combine(RepositoryPaths.Root, "tests", "Governance.Incidents.Tests", "interop");

    [Fact]
    public async Task GivenTheStandaloneHost_WhenAGrpcJsClientReportsRetriesAndReads_ThenOneIncidentRoutedToItsGrid()
    {
        await NodeScript.EnsureInstalledAsync(InteropDirectory, "@grpc/grpc-js");
        var grid = world.Grids[321];
        var request = JsonSerializer.Serialize(new
        {
            client_report_id = Guid.NewGuid().ToString(),
            reporter_id = "wg-node",
            category_code = Reports.AutoDispatchCategory,
            description = "井盖缺失，已设置警示",
            channel = "CHANNEL_APP",
            location = new
            {
                point = new { longitude = grid.InteriorPoint.Longitude, latitude = grid.InteriorPoint.Latitude },
                coordinate_system = "COORDINATE_SYSTEM_WGS84",
                accuracy_meters = 5.0,
            },
        });

        var token = world.Host.TokenFor("wg-node", ActorRole.GridWorker, [DemoCounty.Code]);

        var (exitCode, stdout, stderr) = await NodeScript.RunAsync(InteropDirectory, "node",
            ["report.js", $"127.0.0.1:{world.Host.GrpcAddress.Port}", RepositoryPaths.Proto, request, token], TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 0, $"node exited with {exitCode}:\n{stdout}\n{stderr}");
        var result = JsonDocument.Parse(stdout.Trim()).RootElement;
        var first = result.GetProperty("first").GetProperty("response");
        Assert.True(first.GetProperty("created").GetBoolean());
        var incident = first.GetProperty("incident");
        Assert.Equal(grid.Code, incident.GetProperty("routing").GetProperty("grid_code").GetString());
        Assert.Equal("INCIDENT_STATE_DISPATCHED", incident.GetProperty("state").GetString());
        Assert.Equal("井盖缺失，已设置警示", incident.GetProperty("description").GetString());

        var retry = result.GetProperty("retry").GetProperty("response");
        Assert.False(retry.GetProperty("created").GetBoolean());
        Assert.Equal(incident.GetProperty("incident_id").GetString(), retry.GetProperty("incident").GetProperty("incident_id").GetString());

        var read = result.GetProperty("read").GetProperty("response").GetProperty("incident");
        Assert.Equal("3", read.GetProperty("version").GetString());

        var bad = result.GetProperty("bad");
        Assert.Equal(3, bad.GetProperty("code").GetInt32()); // INVALID_ARGUMENT
        Assert.Contains("latitude", bad.GetProperty("details").GetString());

        // Without a token grpc-js sees the gRPC status, not an HTTP error.
        var anonymous = result.GetProperty("anonymous");
        Assert.Equal(16, anonymous.GetProperty("code").GetInt32()); // UNAUTHENTICATED
        Assert.Contains("no token", anonymous.GetProperty("details").GetString());
    }
}
