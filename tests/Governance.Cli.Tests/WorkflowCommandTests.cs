using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Governance.Cli.Tests.Fixtures;
using Governance.Cli.Tests.Support;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.EventStore;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Cli.Tests;

/// <summary>
/// The workflow commands against a real host with the demo county: an operator with the CLI and a token per role
/// takes an incident through its whole loop, and the refusals on the way read as the operator needs them.
/// </summary>
public sealed class WorkflowCommandTests(HostWithDemoCounty fixture) : IClassFixture<HostWithDemoCounty>, IDisposable
{
    private const string County = "330290";
    private const string Dispute = "SG-0102"; // 矛盾纠纷: not auto-dispatched, so the center takes every step
    private const string Justice = "330290-SFJ";  // 司法局, the lead
    private const string Police = "330290-GAJ";   // 公安局, assists, then returns it
    private const string Welfare = "330290-MZJ";  // 民政局, the assistant after the re-dispatch

    private readonly TempDirectory _files = new();

    private string Address => fixture.Address;

    [Fact]
    public async Task GivenAReportedDispute_WhenEachRoleRunsItsCommand_ThenTheLoopEndsClosedAndEveryStepShowsTheStateAndVersion()
    {
        var grid = fixture.Grids[21];
        var worker = await TokenAsync("wg-cli-loop", "grid_worker", grid.Code);
        var center = await TokenAsync("zx-cli", "county_center", County);
        var leader = await TokenAsync("ld-cli", "leader", County);
        var justice = await TokenAsync("sf-cli", "department_handler", County, Justice);
        var police = await TokenAsync("ga-cli", "department_handler", County, Police);
        var welfare = await TokenAsync("mz-cli", "department_handler", County, Welfare);
        var photo = WritePhoto("after.jpg");

        var report = await GovernanceCli.SucceedAsync("report", "--address", Address, "--token", worker, "--reporter", "wg-cli-loop",
            "--category", Dispute, "--description", "两户村民因宅基地边界发生纠纷",
            "--lon", grid.InteriorPoint.Longitude.ToString("R", CultureInfo.InvariantCulture),
            "--lat", grid.InteriorPoint.Latitude.ToString("R", CultureInfo.InvariantCulture));
        var id = report.Field("incident");
        Assert.StartsWith("REPORTED", report.Field("state"), StringComparison.Ordinal);

        // Without --expect-version the command reads the incident and says which version it acted on.
        var registered = await StepAsync(center, "register", id, "--note", "属实，予以立案");
        AssertStep(registered, "REGISTERED", 2);
        Assert.Contains("no --expect-version: acting on version 1, read just now (REPORTED", registered.Err, StringComparison.Ordinal);

        // A second dispatcher still holding version 1 is told the version now, in the CLI's own words, and nothing is written.
        var stale = await GovernanceCli.RunAsync("dispatch", id, "--lead", Justice, "--expect-version", "1", "--address", Address, "--token", center);
        Assert.Equal(ExitCodes.Failure, stale.ExitCode);
        Assert.StartsWith($"error: ABORTED: Incident {id} is at version 2, not 1", stale.Err, StringComparison.Ordinal);
        Assert.Contains("current version: 2. Look at what changed ('governance incident ID'), then retry with --expect-version 2.", stale.Err, StringComparison.Ordinal);
        Assert.Equal("", stale.Out);
        Assert.Equal(2, (await StoredAsync(id)).Version);

        var dispatched = await StepAsync(center, "dispatch", id, "--lead", Justice, "--assist", Police, "--note", "司法局主办，公安局协办", "--expect-version", "2");
        AssertStep(dispatched, "DISPATCHED", 3);
        Assert.Matches($"(?m)^  LEAD +{Justice} +DISPATCHED +", dispatched.Out);
        Assert.Matches($"(?m)^  ASSIST +{Police} +DISPATCHED +", dispatched.Out);
        Assert.Matches(@"(?m)^  ROLE +DEPARTMENT +STATE +DISPATCHED +SIGN BY +HANDLE BY$", dispatched.Out);

        var returned = await StepAsync(police, "return", id, "--reason", "系民事纠纷，不属于公安职责", "--expect-version", "3");
        AssertStep(returned, "RETURNED", 4);
        Assert.Matches($"(?m)^  ASSIST +{Police} +RETURNED +", returned.Out);

        var redispatched = await StepAsync(center, "dispatch", id, "--lead", Justice, "--assist", Welfare, "--expect-version", "4");
        AssertStep(redispatched, "DISPATCHED", 5);
        Assert.Matches($"(?m)^  ASSIST +{Welfare} +DISPATCHED +", redispatched.Out);

        AssertStep(await StepAsync(justice, "sign", id, "--expect-version", "5"), "ACCEPTED", 6);
        var signed = await StepAsync(welfare, "sign", id, "--expect-version", "6");
        AssertStep(signed, "ACCEPTED", 7);
        // A sign retried on the version it was first sent with is answered as done, not as a conflict.
        var retried = await StepAsync(welfare, "sign", id, "--expect-version", "6");
        Assert.Equal("already done: nothing written", retried.Field("result"));
        Assert.Equal("7", retried.Field("version"));

        AssertStep(await StepAsync(justice, "handled", id, "--notes", "已组织双方调解，重新测量边界", "--photo", photo, "--expect-version", "7"), "ACCEPTED", 8);
        AssertStep(await StepAsync(welfare, "handled", id, "--notes", "已走访困难户", "--photo", photo, "--expect-version", "8"), "HANDLED", 9);

        AssertStep(await StepAsync(center, "verify", id, "--result", "fail", "--note", "调解协议未签订", "--expect-version", "9"), "REWORK", 10);
        AssertStep(await StepAsync(justice, "handled", id, "--notes", "调解协议已签订", "--photo", photo, "--expect-version", "10"), "REWORK", 11);
        AssertStep(await StepAsync(welfare, "handled", id, "--notes", "救助已落实", "--expect-version", "11"), "HANDLED", 12);
        AssertStep(await StepAsync(center, "verify", id, "--result", "pass", "--note", "现场已平息", "--expect-version", "12"), "VERIFIED", 13);

        var leaderClose = await GovernanceCli.RunAsync("close", id, "--expect-version", "13", "--address", Address, "--token", leader);
        Assert.Equal(ExitCodes.Failure, leaderClose.ExitCode);
        Assert.StartsWith("error: PERMISSION_DENIED: only a command center (county center or township office) may close an incident; your role is Leader.", leaderClose.Err, StringComparison.Ordinal);
        Assert.Equal(13, (await StoredAsync(id)).Version);

        var closed = await StepAsync(center, "close", id, "--note", "结案", "--expect-version", "13");
        AssertStep(closed, "CLOSED", 14);

        var stored = await StoredAsync(id);
        Assert.Equal(IncidentState.Closed, stored.State);
        Assert.True(stored.CrossDepartment);
        Assert.Equal((1, 1), (stored.Returns, stored.FailedVerifications));
        Assert.Equal(
            ["wg-cli-loop", "zx-cli", "zx-cli", "ga-cli", "zx-cli", "sf-cli", "mz-cli", "sf-cli", "mz-cli", "zx-cli", "sf-cli", "mz-cli", "zx-cli", "zx-cli"],
            stored.History.Select(h => h.Actor.Subject));
    }

    [Fact]
    public async Task A_step_the_state_does_not_allow_prints_FAILED_PRECONDITION_with_the_steps_allowed_now()
    {
        var (id, center) = await ReportedDisputeAsync(fixture.Grids[23]);

        var run = await GovernanceCli.RunAsync("close", id, "--expect-version", "1", "--address", Address, "--token", center);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.StartsWith($"error: FAILED_PRECONDITION: Incident {id} is Reported; it cannot", run.Err, StringComparison.Ordinal);
        Assert.Contains("Allowed now: register; reject; merge;", run.Err, StringComparison.Ordinal);
        Assert.Equal(1, (await StoredAsync(id)).Version);
    }

    [Fact]
    public async Task Photos_are_sent_as_their_name_sha256_size_and_type_and_satisfy_a_category_that_requires_an_after_photo()
    {
        // LE-0101 (暴露垃圾) is auto-dispatched and requires an "after" photo to report it handled.
        var grid = fixture.Grids[25];
        var worker = await TokenAsync("wg-cli-photo", "grid_worker", grid.Code);
        var report = await GovernanceCli.SucceedAsync("report", "--address", Address, "--token", worker, "--reporter", "wg-cli-photo",
            "--category", "LE-0101", "--description", "河道旁暴露垃圾",
            "--lon", grid.InteriorPoint.Longitude.ToString("R", CultureInfo.InvariantCulture),
            "--lat", grid.InteriorPoint.Latitude.ToString("R", CultureInfo.InvariantCulture));
        var id = report.Field("incident");
        var department = report.Field("department");
        var handler = await TokenAsync("dh-cli-photo", "department_handler", County, department);
        await StepAsync(handler, "sign", id);
        var photo = WritePhoto("after-cleanup.PNG");

        var without = await GovernanceCli.RunAsync("handled", id, "--notes", "已清理", "--address", Address, "--token", handler);
        var with = await StepAsync(handler, "handled", id, "--notes", "已清理", "--photo", photo);

        Assert.NotEqual(ExitCodes.Ok, without.ExitCode);
        Assert.Contains("photo", without.Err, StringComparison.OrdinalIgnoreCase);
        AssertStep(with, "HANDLED", (await StoredAsync(id)).Version);
        var events = await fixture.Host.Services.GetRequiredService<IEventStore>().ReadStreamAsync(StreamNames.Incident(id));
        var handled = Encoding.UTF8.GetString(events[^1].Data.Span);
        var bytes = await File.ReadAllBytesAsync(photo);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(bytes)), handled, StringComparison.Ordinal);
        Assert.Contains("after-cleanup.PNG", handled, StringComparison.Ordinal);
        Assert.Contains("image/png", handled, StringComparison.Ordinal);
        Assert.Contains(bytes.Length.ToString(CultureInfo.InvariantCulture), handled, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("notes.txt", "is not a photo the API accepts")]
    [InlineData("missing.jpg", "does not exist")]
    public async Task A_photo_that_is_not_an_image_file_is_a_usage_error_before_any_call(string name, string message)
    {
        var path = Path.Combine(_files.Path, name);
        if (name.EndsWith(".txt", StringComparison.Ordinal))
        {
            await File.WriteAllTextAsync(path, "not a photo");
        }

        // No host listens at this address: a usage error must come before any attempt to call.
        var run = await GovernanceCli.RunAsync("handled", new string('a', 32), "--notes", "x", "--photo", path,
            "--expect-version", "3", "--address", "http://127.0.0.1:9", "--token", "any.token.here");

        Assert.Equal(ExitCodes.InvalidArgument, run.ExitCode);
        Assert.Contains(message, run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_extension_needs_exactly_one_of_approve_or_refuse()
    {
        var neither = await GovernanceCli.RunAsync("decide-extension", new string('a', 32), "--department", Justice,
            "--expect-version", "3", "--address", "http://127.0.0.1:9", "--token", "any.token.here");
        var both = await GovernanceCli.RunAsync("decide-extension", new string('a', 32), "--department", Justice, "--approve", "--refuse",
            "--expect-version", "3", "--address", "http://127.0.0.1:9", "--token", "any.token.here");

        Assert.Equal(ExitCodes.InvalidArgument, neither.ExitCode);
        Assert.Equal(ExitCodes.InvalidArgument, both.ExitCode);
        Assert.Contains("pass exactly one of --approve or --refuse.", neither.Err, StringComparison.Ordinal);
        Assert.Contains("pass exactly one of --approve or --refuse.", both.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_extension_asked_for_by_the_department_and_approved_by_the_center_moves_the_handle_deadline()
    {
        var (id, center) = await ReportedDisputeAsync(fixture.Grids[27]);
        await StepAsync(center, "register", id);
        var dispatched = await StepAsync(center, "dispatch", id, "--lead", Justice);
        var justice = await TokenAsync("sf-cli-ext", "department_handler", County, Justice);
        await StepAsync(justice, "sign", id);

        var asked = await StepAsync(justice, "extend", id, "--amount", "2", "--unit", "working-days", "--reason", "需等待双方到场");
        var approved = await StepAsync(center, "decide-extension", id, "--department", Justice, "--approve", "--note", "同意");

        Assert.Equal("changed", asked.Field("result"));
        Assert.Equal("changed", approved.Field("result"));
        var before = (await StoredAsync(id)).History.Select(h => h.Type).ToList();
        Assert.Contains("incident.extension-requested.v1", before);
        Assert.Contains("incident.extension-approved.v1", before);
        Assert.NotEqual(HandleBy(dispatched.Out), HandleBy(approved.Out));
    }

    public void Dispose() => _files.Dispose();

    /// <summary>The lead's HANDLE BY cell of a step's assignments table (the last column: date, time and offset).</summary>
    private static string HandleBy(string output) =>
        string.Join(' ', output.Split('\n').Single(l => l.StartsWith("  LEAD ", StringComparison.Ordinal)).TrimEnd().Split(' ', StringSplitOptions.RemoveEmptyEntries)[^3..]);

    private async Task<(string Id, string CenterToken)> ReportedDisputeAsync(Grid grid)
    {
        var subject = "wg-cli-" + grid.Code;
        var worker = await TokenAsync(subject, "grid_worker", grid.Code);
        var report = await GovernanceCli.SucceedAsync("report", "--address", Address, "--token", worker, "--reporter", subject,
            "--category", Dispute, "--description", "邻里纠纷",
            "--lon", grid.InteriorPoint.Longitude.ToString("R", CultureInfo.InvariantCulture),
            "--lat", grid.InteriorPoint.Latitude.ToString("R", CultureInfo.InvariantCulture));
        return (report.Field("incident"), await TokenAsync("zx-cli", "county_center", County));
    }

    /// <summary>A token minted the way an operator mints one: `governance token` on the host's data folder.</summary>
    private async Task<string> TokenAsync(string subject, string role, string region, string? department = null)
    {
        string[] args = ["token", "--data", fixture.DataDirectory, "--subject", subject, "--role", role, "--region", region];
        var run = await GovernanceCli.SucceedAsync(department is null ? args : [.. args, "--department", department]);
        return run.Out.Trim();
    }

    private Task<CliRun> StepAsync(string token, params string[] args) =>
        GovernanceCli.SucceedAsync([.. args, "--address", Address, "--token", token]);

    private static void AssertStep(CliRun run, string state, long version)
    {
        Assert.StartsWith(state + " (", run.Field("state"), StringComparison.Ordinal);
        Assert.Equal(version.ToString(CultureInfo.InvariantCulture), run.Field("version"));
        Assert.Equal("changed", run.Field("result"));
    }

    /// <summary>A small file with a photo's extension; the API only sees its name, hash, size and type.</summary>
    private string WritePhoto(string name)
    {
        var path = Path.Combine(_files.Path, name);
        File.WriteAllBytes(path, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5]);
        return path;
    }

    /// <summary>The incident as the host stores it, read by a county center directly, so the CLI is not checked only by itself.</summary>
    private async Task<Incident> StoredAsync(string id)
    {
        using var http = Grpc.GrpcClient.CreateHttpClient(fixture.Host.GrpcAddress);
        var client = new Grpc.GrpcClient(http)
        {
            DefaultHeaders = new Dictionary<string, string> { ["authorization"] = "Bearer " + fixture.Host.TokenIssuer.Issue("zx-check", ActorRole.CountyCenter, [County]) },
        };
        var response = await client.UnaryAsync<GetIncidentRequest, GetIncidentResponse>(
            GovernanceServices.IncidentService.Method("GetIncident"), new GetIncidentRequest { IncidentId = id });
        return response.Incident;
    }
}
