using System.Globalization;
using Governance.Cli.Tests.Fixtures;
using Governance.Cli.Tests.Support;
using Governance.Contracts.V1;
using Governance.Security;

namespace Governance.Cli.Tests;

/// <summary>`governance token` mints tokens from the host's own key, and the client commands send them.</summary>
public sealed class TokenCommandTests(HostWithDemoCounty fixture) : IClassFixture<HostWithDemoCounty>
{
    private static string Lon(Grid grid) => grid.InteriorPoint.Longitude.ToString("R", CultureInfo.InvariantCulture);

    private static string Lat(Grid grid) => grid.InteriorPoint.Latitude.ToString("R", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_token_printed_by_the_cli_is_accepted_by_the_host_and_reports_as_its_subject()
    {
        var grid = fixture.Grids[7];
        var minted = await GovernanceCli.SucceedAsync("token", "--data", fixture.DataDirectory, "--subject", "wg-cli",
            "--role", "grid_worker", "--region", grid.Code[..9], "--region", "330290", "--hours", "2");
        var token = minted.Out.Trim();
        Assert.Matches(@"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$", token);

        var report = await GovernanceCli.RunAsync("report", "--address", fixture.Address, "--token", token, "--reporter", "wg-cli",
            "--category", "LE-0101", "--description", "路灯损坏", "--lon", Lon(grid), "--lat", Lat(grid));

        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Equal("created", report.Field("result"));
        var incident = await GovernanceCli.SucceedAsync("incident", report.Field("incident"), "--address", fixture.Address, "--token", token);
        Assert.StartsWith("wg-cli ", incident.Field("reporter"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reporting_as_someone_other_than_the_token_subject_is_permission_denied()
    {
        var grid = fixture.Grids[8];

        var run = await GovernanceCli.RunAsync("report", "--address", fixture.Address, "--token", fixture.Token, "--reporter", "wg-002",
            "--category", "LE-0101", "--description", "路灯损坏", "--lon", Lon(grid), "--lat", Lat(grid));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: PERMISSION_DENIED: reporter_id 'wg-002' is not the token's subject 'wg-001'", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_command_without_a_token_says_how_to_get_one()
    {
        var run = await GovernanceCli.RunAsync("categories", "--address", fixture.Address);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no token: pass --token or set $GOVERNANCE_TOKEN", run.Err, StringComparison.Ordinal);
        Assert.Contains("governance token --data", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_from_another_key_is_refused_by_the_host_with_the_reason()
    {
        using var other = DevelopmentSigningKey.Generate();
        var token = new DevelopmentTokenIssuer(other).Issue("wg-001", Domain.ActorRole.GridWorker, ["330290"]);

        var run = await GovernanceCli.RunAsync("categories", "--address", fixture.Address, "--token", token);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: UNAUTHENTICATED: bad signature", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_for_a_folder_without_a_key_fails_naming_the_file_and_creates_nothing()
    {
        using var empty = new TempDirectory();

        var run = await GovernanceCli.RunAsync("token", "--data", empty.Path, "--subject", "wg-001", "--role", "grid_worker", "--region", "330290");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(DevelopmentSigningKey.DefaultPath(empty.Path), run.Err, StringComparison.Ordinal);
        Assert.Contains("creates it on its first start", run.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(DevelopmentSigningKey.DefaultPath(empty.Path)));
    }

    [Theory]
    [InlineData("department_handler", null, "bad claim 'department'")]
    [InlineData("grid_worker", null, "must name at least one region")]
    [InlineData("county_center", "33029", "'33029' is not a region code")]
    public async Task Token_with_claims_the_host_would_refuse_is_a_usage_error(string role, string? region, string message)
    {
        string[] args = ["token", "--data", fixture.DataDirectory, "--subject", "x-1", "--role", role];
        if (region is not null)
        {
            args = [.. args, "--region", region];
        }

        var run = await GovernanceCli.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Err, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task Token_with_an_unknown_role_is_a_usage_error_listing_the_roles()
    {
        var run = await GovernanceCli.RunAsync("token", "--data", fixture.DataDirectory, "--subject", "x-1", "--role", "mayor");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("department_handler", run.Err, StringComparison.Ordinal);
    }
}
