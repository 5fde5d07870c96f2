using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Governance.Cli.Tests.Fixtures;
using Governance.Cli.Tests.Support;
using Governance.Contracts.V1;

namespace Governance.Cli.Tests;

/// <summary>The client commands against a real host with the demo county, over gRPC h2c.</summary>
public sealed class ClientCommandTests(HostWithDemoCounty fixture) : IClassFixture<HostWithDemoCounty>
{
    private string Address => fixture.Address;

    private string Token => fixture.Token;

    private static string Lon(Grid grid) => grid.InteriorPoint.Longitude.ToString("R", CultureInfo.InvariantCulture);

    private static string Lat(Grid grid) => grid.InteriorPoint.Latitude.ToString("R", CultureInfo.InvariantCulture);

    private Task<CliRun> ReportAsync(Grid grid, params string[] extra) =>
        GovernanceCli.RunAsync([
            "report", "--address", Address, "--token", Token, "--reporter", "wg-001", "--category", "LE-0101",
            "--description", "路边暴露垃圾", "--lon", Lon(grid), "--lat", Lat(grid), "--accuracy", "8", .. extra]);

    [Fact]
    public async Task Report_routes_to_the_grid_of_the_point_and_to_a_department_with_deadlines_in_China_time()
    {
        var grid = fixture.Grids[3];

        var run = await ReportAsync(grid);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches("^[0-9a-f]{32}$", run.Field("incident"));
        Assert.Equal("created", run.Field("result"));
        Assert.StartsWith(grid.Code + " " + grid.Name, run.Field("grid"), StringComparison.Ordinal);
        Assert.StartsWith(grid.Code[..9] + " ", run.Field("township"), StringComparison.Ordinal);
        var department = run.Field("department");
        Assert.NotEqual("-", department);
        Assert.Contains(department, run.Field("explanation"), StringComparison.Ordinal);
        Assert.Contains("LE-0101", run.Field("explanation"), StringComparison.Ordinal);
        // LE-0101 is auto-dispatched, so the deadlines are running at once.
        Assert.StartsWith("DISPATCHED", run.Field("state"), StringComparison.Ordinal);
        Assert.EndsWith("+08:00", run.Field("sign by"), StringComparison.Ordinal);
        Assert.EndsWith("+08:00", run.Field("handle by"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retry_with_the_same_client_id_says_retry_and_shows_the_same_incident()
    {
        var grid = fixture.Grids[5];
        var clientId = Guid.NewGuid().ToString();

        var first = await ReportAsync(grid, "--client-id", clientId);
        var retry = await ReportAsync(grid, "--client-id", clientId);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(retry.ExitCode == 0, retry.ToString());
        Assert.Equal("created", first.Field("result"));
        Assert.StartsWith("retry", retry.Field("result"), StringComparison.Ordinal);
        Assert.Equal(first.Field("incident"), retry.Field("incident"));
        Assert.Equal(clientId, retry.Field("client id"));
    }

    [Fact]
    public async Task Without_a_client_id_the_generated_one_is_printed_and_retrying_with_it_finds_the_same_incident()
    {
        var grid = fixture.Grids[7];

        var first = await ReportAsync(grid);
        var clientId = first.Field("client id").Split(' ')[0];
        var retry = await ReportAsync(grid, "--client-id", clientId);

        Assert.True(Guid.TryParse(clientId, out _), first.ToString());
        Assert.Contains("--client-id " + clientId, first.Field("client id"), StringComparison.Ordinal);
        Assert.StartsWith("retry", retry.Field("result"), StringComparison.Ordinal);
        Assert.Equal(first.Field("incident"), retry.Field("incident"));
    }

    [Fact]
    public async Task A_bad_latitude_prints_the_servers_INVALID_ARGUMENT_and_exits_2()
    {
        var run = await GovernanceCli.RunAsync(
            "report", "--address", Address, "--token", Token, "--reporter", "wg-001", "--category", "LE-0101",
            "--description", "x", "--lon", "121.25", "--lat", "95");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: INVALID_ARGUMENT: ", run.Err, StringComparison.Ordinal);
        Assert.Contains("latitude", run.Err, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task An_unknown_category_prints_NOT_FOUND_and_exits_1()
    {
        var grid = fixture.Grids[0];

        var run = await GovernanceCli.RunAsync(
            "report", "--address", Address, "--token", Token, "--reporter", "wg-001", "--category", "XX-0000",
            "--description", "x", "--lon", Lon(grid), "--lat", Lat(grid));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: NOT_FOUND: ", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_with_json_prints_the_protobuf_json_of_the_response()
    {
        var run = await ReportAsync(fixture.Grids[9], "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var response = JsonParser.Default.Parse<ReportIncidentResponse>(run.Out);
        Assert.True(response.Created);
        Assert.Equal(fixture.Grids[9].Code, response.Incident.Routing.GridCode);
        Assert.Contains("\"created\": true", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_names_the_grid_and_with_a_category_the_responsible_department()
    {
        var grid = fixture.Grids[11];

        var place = await GovernanceCli.SucceedAsync("lookup", "--address", Address, "--token", Token, "--lon", Lon(grid), "--lat", Lat(grid));
        var responsible = await GovernanceCli.SucceedAsync("lookup", "--address", Address, "--token", Token, "--lon", Lon(grid), "--lat", Lat(grid), "--category", "PS-0102");

        Assert.Equal("inside", place.Field("match"));
        Assert.Equal($"{grid.Code} {grid.Name}", place.Field("grid"));
        Assert.Equal($"{grid.Village.Code} {grid.Village.Name}", place.Field("village"));
        Assert.DoesNotContain("department:", place.Out, StringComparison.Ordinal);
        Assert.Equal($"{grid.Code} {grid.Name}", responsible.Field("grid"));
        Assert.NotEqual("-", responsible.Field("department"));
        Assert.Contains("PS-0102", responsible.Field("explanation"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_of_a_gcj02_point_converts_it_before_locating()
    {
        var grid = fixture.Grids[13];
        var gcj = Geography.ChinaCoordinates.Wgs84ToGcj02(new Geography.GeoPoint(grid.InteriorPoint.Longitude, grid.InteriorPoint.Latitude));

        var run = await GovernanceCli.SucceedAsync("lookup", "--address", Address, "--token", Token, "--crs", "gcj02",
            "--lon", gcj.Longitude.ToString("R", CultureInfo.InvariantCulture), "--lat", gcj.Latitude.ToString("R", CultureInfo.InvariantCulture));

        Assert.Equal($"{grid.Code} {grid.Name}", run.Field("grid"));
    }

    [Fact]
    public async Task Categories_prints_a_table_with_limits_and_filters_by_platform()
    {
        var all = await GovernanceCli.SucceedAsync("categories", "--address", Address, "--token", Token);
        var lawEnforcement = await GovernanceCli.SucceedAsync("categories", "--address", Address, "--token", Token, "--platform", "law-enforcement");

        var header = all.Out.Split('\n')[0];
        Assert.Matches("^CODE +NAME +PLATFORM +SIGN WITHIN +HANDLE WITHIN +AUTO-DISPATCH$", header);
        Assert.Matches(@"(?m)^LE-0101 +暴露垃圾 +law-enforcement +2 working hours +1 working day +yes$", all.Out);
        Assert.Matches(@"(?m)^PS-0101 +井盖缺失 +public-services +1 hour +4 hours +yes$", all.Out);
        Assert.Contains("LE-0101", lawEnforcement.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("PS-0101", lawEnforcement.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Incident_shows_the_stored_incident_with_its_assignments_and_history()
    {
        var report = await ReportAsync(fixture.Grids[15]);
        var id = report.Field("incident");

        var run = await GovernanceCli.SucceedAsync("incident", id, "--address", Address, "--token", Token);

        Assert.Equal(id, run.Field("incident"));
        Assert.Equal("路边暴露垃圾", run.Field("description"));
        Assert.Equal(report.Field("grid"), run.Field("grid"));
        Assert.Equal(report.Field("handle by"), run.Field("handle by"));
        Assert.Matches(@"(?m)^  LEAD +" + report.Field("department") + " +DISPATCHED ", run.Out);
        Assert.Matches(@"(?m)^  1 +\S+ \S+ \+08:00 +incident\.reported\.v1 +wg-001 ", run.Out);
    }

    [Fact]
    public async Task Incident_of_an_unknown_id_prints_NOT_FOUND()
    {
        var run = await GovernanceCli.RunAsync("incident", new string('0', 32), "--address", Address, "--token", Token);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: NOT_FOUND: ", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grids_counts_every_grid_and_lists_the_first_ones()
    {
        var run = await GovernanceCli.SucceedAsync("grids", "--address", Address, "--token", Token, "--limit", "3");
        var township = fixture.Grids[0].Township.Code;
        var under = await GovernanceCli.SucceedAsync("grids", "--address", Address, "--token", Token, "--region", township, "--limit", "0");

        var lines = run.Out.TrimEnd().Split('\n');
        Assert.Equal($"{fixture.GridCount} grids", lines[0]);
        Assert.Matches("^CODE +NAME +VILLAGE +TOWNSHIP +INTERIOR POINT$", lines[1]);
        Assert.StartsWith(fixture.Grids[0].Code + "  " + fixture.Grids[0].Name, lines[2], StringComparison.Ordinal);
        Assert.Equal(6, lines.Length);
        Assert.Equal($"... {fixture.GridCount - 3} more; --limit 0 lists all", lines[5]);
        var count = int.Parse(under.Out.Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.InRange(count, 1, fixture.GridCount - 1);
        Assert.Equal(count + 2, under.Out.TrimEnd().Split('\n').Length);
    }

    [Fact]
    public async Task Grids_with_json_pages_through_all_of_them()
    {
        var run = await GovernanceCli.SucceedAsync("grids", "--address", Address, "--token", Token, "--limit", "0", "--json");

        var response = JsonParser.Default.Parse<ListGridsResponse>(run.Out);
        Assert.Equal(fixture.GridCount, response.TotalCount);
        Assert.Equal(fixture.GridCount, response.Grids.Count);
        Assert.Equal(fixture.GridCount, response.Grids.Select(g => g.Code).Distinct().Count());
    }
}

/// <summary>What the client commands say when they cannot do their job, without a host.</summary>
public sealed class ClientCommandErrorTests
{
    [Fact]
    public async Task With_no_host_at_the_address_it_says_so_and_how_to_start_one()
    {
        var port = ClosedPort();

        var run = await GovernanceCli.RunAsync("lookup", "--address", $"http://127.0.0.1:{port}", "--token", "any.token.here", "--lon", "121.25", "--lat", "30.17");

        Assert.Equal(3, run.ExitCode);
        Assert.Equal(
            $"error: no Governance host answers at http://127.0.0.1:{port}; start it with dotnet run --project services/Governance.Standalone\n",
            run.Err.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_missing_required_option_is_a_usage_error()
    {
        var run = await GovernanceCli.RunAsync("report", "--reporter", "wg-001", "--lon", "121.25", "--lat", "30.17");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--category", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_address_is_a_usage_error()
    {
        var run = await GovernanceCli.RunAsync("categories", "--address", "localhost:5080");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: --address 'localhost:5080' is not an http:// or https:// address", run.Err, StringComparison.Ordinal);
    }

    /// <summary>A loopback port nobody listens on: bound by the OS, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
