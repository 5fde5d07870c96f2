using System.Globalization;
using System.Text.RegularExpressions;
using Governance.Cli.Tests.Fixtures;
using Governance.Cli.Tests.Support;
using Governance.Contracts.V1;

namespace Governance.Cli.Tests;

/// <summary>
/// The worklist read commands against a real host with the demo county: what each role's worklist shows, the audit
/// trail of who took each step, and a watch that sees a report as it happens.
/// </summary>
public sealed class WorklistCommandTests(HostWithDemoCounty fixture) : IClassFixture<HostWithDemoCounty>
{
    private const string County = "330290";
    private const string Dispute = "SG-0102"; // 矛盾纠纷: not auto-dispatched, so it stays REPORTED until the center acts
    private const string Justice = "330290-SFJ";

    private string Address => fixture.Address;

    [Fact]
    public async Task The_center_sees_every_incident_with_its_state_a_state_filter_narrows_it_and_a_grid_worker_sees_only_its_own()
    {
        var grid = fixture.Grids[30];
        var other = fixture.Grids[31];
        var worker = await TokenAsync("wg-wl-a", "grid_worker", grid.Code);
        var otherWorker = await TokenAsync("wg-wl-b", "grid_worker", other.Code);
        var center = await TokenAsync("zx-wl", "county_center", County);
        var dispatched = await ReportAsync(worker, "wg-wl-a", grid);
        var reported = await ReportAsync(worker, "wg-wl-a", grid);
        var someoneElses = await ReportAsync(otherWorker, "wg-wl-b", other);
        await RunAsync(center, "register", dispatched);
        await RunAsync(center, "dispatch", dispatched, "--lead", Justice);

        var all = await RunAsync(center, "worklist");
        var onlyDispatched = await RunAsync(center, "worklist", "--state", "dispatched", "--region", grid.Code);
        var own = await RunAsync(worker, "worklist");

        Assert.Matches($"(?m)^ID +STATE +CATEGORY +GRID +LEAD +HANDLE BY +FLAGS$", all.Out);
        Assert.Matches($"(?m)^{dispatched} +DISPATCHED +{Dispute} +{grid.Code} +{Justice} +\\d{{4}}-", all.Out);
        Assert.Matches($"(?m)^{reported} +REPORTED +{Dispute} +{grid.Code} +- +- ", all.Out);
        Assert.Contains(someoneElses, all.Out, StringComparison.Ordinal);

        Assert.Matches($"(?m)^{dispatched} +DISPATCHED ", onlyDispatched.Out);
        Assert.DoesNotContain(reported, onlyDispatched.Out, StringComparison.Ordinal);
        Assert.StartsWith("1 incidents at position ", CountLine(onlyDispatched), StringComparison.Ordinal);

        Assert.StartsWith("2 incidents at position ", CountLine(own), StringComparison.Ordinal);
        Assert.DoesNotContain(someoneElses, own.Out, StringComparison.Ordinal);
        // Newest report first: the second report is listed above the first.
        Assert.True(own.Out.IndexOf(reported, StringComparison.Ordinal) < own.Out.IndexOf(dispatched, StringComparison.Ordinal), own.ToString());
    }

    [Fact]
    public async Task The_limit_pages_through_the_worklist_and_says_when_more_match()
    {
        var grid = fixture.Grids[33];
        var worker = await TokenAsync("wg-wl-limit", "grid_worker", grid.Code);
        for (var i = 0; i < 3; i++)
        {
            await ReportAsync(worker, "wg-wl-limit", grid);
        }

        var two = await RunAsync(worker, "worklist", "--limit", "2");
        var all = await RunAsync(worker, "worklist", "--json");

        Assert.StartsWith("2 incidents at position ", CountLine(two), StringComparison.Ordinal);
        Assert.Contains("more match, raise --limit (now 2)", CountLine(two), StringComparison.Ordinal);
        Assert.Equal(3, Google.Protobuf.JsonParser.Default.Parse<ListIncidentsResponse>(all.Out).Incidents.Count);
    }

    [Fact]
    public async Task History_shows_each_step_with_who_took_it_in_which_role_and_through_the_cli()
    {
        var grid = fixture.Grids[34];
        var worker = await TokenAsync("wg-wl-hist", "grid_worker", grid.Code);
        var center = await TokenAsync("zx-wl-hist", "county_center", County);
        var id = await ReportAsync(worker, "wg-wl-hist", grid);
        await RunAsync(center, "register", id, "--note", "属实，予以立案");
        await RunAsync(center, "dispatch", id, "--lead", Justice);

        var history = await RunAsync(center, "history", id);

        Assert.Matches(@"(?m)^VERSION +POSITION +AT +WHAT +BY +CLIENT +NOTE$", history.Out);
        Assert.Matches(@"(?m)^1 +\d+ +\S+ \S+ \S+ +incident\.reported\.v1 +wg-wl-hist \(grid_worker\) ", history.Out);
        Assert.Matches(@"(?m)^2 +\d+ +\S+ \S+ \S+ +incident\.registered\.v1 +zx-wl-hist \(county_center\) +governance-cli/\S+ +属实，予以立案$", history.Out);
        Assert.Matches(@"(?m)^3 +\d+ +\S+ \S+ \S+ +incident\.dispatched\.v1 +zx-wl-hist \(county_center\) +governance-cli/\S+ ", history.Out);
        Assert.Matches("(?m)^3 entries$", history.Out);
    }

    [Fact]
    public async Task A_watch_from_the_position_a_worklist_printed_receives_the_report_made_after_it_and_prints_where_to_resume()
    {
        var grid = fixture.Grids[35];
        var worker = await TokenAsync("wg-wl-watch", "grid_worker", grid.Code);
        var before = await RunAsync(worker, "worklist");
        var position = Regex.Match(CountLine(before), @"^0 incidents at position (\d+);").Groups[1].Value;
        Assert.NotEqual("", position);

        var id = await ReportAsync(worker, "wg-wl-watch", grid);
        // Bounded, so a watch that never receives the change fails the test instead of hanging it.
        var watch = await RunAsync(worker, "watch", "--after", position, "--count", "1").WaitAsync(TimeSpan.FromSeconds(30));

        var line = Assert.Single(watch.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var match = Regex.Match(line, $@"^(\d+) incident\.reported\.v1 {id} REPORTED in worklist$");
        Assert.True(match.Success, watch.ToString());
        Assert.True(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) > long.Parse(position, CultureInfo.InvariantCulture));
        Assert.Contains($"last position: {match.Groups[1].Value}; resume with --after {match.Groups[1].Value}", watch.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("worklist", "--limit", "0")]
    [InlineData("watch", "--count", "0")]
    [InlineData("worklist", "--state", "open")]
    public async Task A_bad_limit_count_or_state_is_a_usage_error_before_any_call(params string[] args)
    {
        // No host listens at this address: a usage error must come before any attempt to call.
        var run = await GovernanceCli.RunAsync([.. args, "--address", "http://127.0.0.1:9", "--token", "any.token.here"]);

        Assert.Equal(ExitCodes.InvalidArgument, run.ExitCode);
        Assert.DoesNotContain("http://127.0.0.1:9", run.Err, StringComparison.Ordinal);
    }

    private async Task<string> ReportAsync(string token, string reporter, Grid grid)
    {
        var report = await RunAsync(token, "report", "--reporter", reporter, "--category", Dispute, "--description", "邻里纠纷",
            "--lon", grid.InteriorPoint.Longitude.ToString("R", CultureInfo.InvariantCulture),
            "--lat", grid.InteriorPoint.Latitude.ToString("R", CultureInfo.InvariantCulture));
        return report.Field("incident");
    }

    private static string CountLine(CliRun run) => run.Out.TrimEnd().Split('\n')[^1];

    /// <summary>A token minted the way an operator mints one: `governance token` on the host's data folder.</summary>
    private async Task<string> TokenAsync(string subject, string role, string region)
    {
        var run = await GovernanceCli.SucceedAsync("token", "--data", fixture.DataDirectory, "--subject", subject, "--role", role, "--region", region);
        return run.Out.Trim();
    }

    private Task<CliRun> RunAsync(string token, params string[] args) =>
        GovernanceCli.SucceedAsync([.. args, "--address", Address, "--token", token]);
}
