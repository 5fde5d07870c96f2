using Google.Protobuf.WellKnownTypes;
using Governance.Analytics.Storage;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Incidents.Publishing;
using Governance.Incidents.Tests.Fixtures;
using Governance.Incidents.Tests.Workflow;
using Governance.Standalone;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Governance.Incidents.Tests.Analytics;

/// <summary>
/// The standalone host's <c>rebuild-analytics</c> command against a data folder a real host wrote: the store it
/// builds from the incident log equals, byte for byte, the one live delivery built, and the host serves the same rates
/// from it; it refuses under a running host and leaves everything as it was.
/// </summary>
public sealed class RebuildAnalyticsCommandTests
{
    private const string County = "330290";
    private const string Justice = "330290-SFJ";
    private const string Police = "330290-GAJ";
    private const string Welfare = "330290-MZJ";

    [Fact]
    public async Task GivenAHostThatRanAWorkflow_WhenRebuiltOffline_ThenTheStoreEqualsTheLiveOneAndTheRatesAreTheSame()
    {
        var host = await StandaloneHost.StartAsync();
        var data = host.DataDirectory;
        var reports = await RunWorkflowAsync(host);
        var asOf = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(30)); // every deadline passed: all due
        var liveRates = await RatesAsync(host, asOf);
        Assert.Equal(reports, liveRates.Rates.Reported);
        Assert.Equal(2, liveRates.Rates.Closure.Numerator);
        Assert.Equal(1, liveRates.Rates.CrossDepartmentClosure.Numerator);
        Assert.Equal(1, liveRates.Rates.Return.Numerator);
        await host.StopAsync();
        var analyticsDb = Path.Combine(data, SqliteAnalyticsStoreOptions.DatabaseFileName);
        var live = SqliteAnalyticsStore.ReadFile(analyticsDb);
        Assert.Equal(reports, live.Incidents.Count);
        Assert.Equal(liveRates.Position, live.Position);

        var (exit, output, error) = await RebuildAsync($"--Incidents:DataDirectory={data}");

        Assert.True(exit == RebuildAnalyticsCommand.Rebuilt, error + output);
        Assert.Contains($"Rebuilt: {reports} incidents", output);
        Assert.Contains("It held exactly what the rebuild holds.", output);
        var backup = analyticsDb + AnalyticsRebuild.BackupSuffix;
        Assert.Empty(AnalyticsComparison.Differences(SqliteAnalyticsStore.ReadFile(backup), live));
        Assert.Empty(AnalyticsComparison.Differences(live, SqliteAnalyticsStore.ReadFile(analyticsDb)));

        // The host starts on the rebuilt store and answers exactly what it answered before.
        await using var again = await StandaloneHost.StartAsync(data);
        Assert.Equal(liveRates, await RatesAsync(again, asOf));
    }

    [Fact]
    public async Task GivenARunningHost_WhenRebuildingItsStore_ThenRefusedAndNothingChanges()
    {
        await using var host = await StandaloneHost.StartAsync();
        var grid = (await host.ListGridsAsync())[7];
        await host.ReportAsync(Reports.At(grid.InteriorPoint));
        await WaitUntilPublishedAsync(host);
        var files = Directory.GetFiles(host.DataDirectory).Order().ToList();

        var (exit, _, error) = await RebuildAsync($"--Incidents:DataDirectory={host.DataDirectory}");

        Assert.Equal(RebuildAnalyticsCommand.Failed, exit);
        Assert.Contains("Not rebuilt", error);
        Assert.Contains("analytics.lock", error);
        Assert.Equal(files, Directory.GetFiles(host.DataDirectory).Order().ToList());
        Assert.Equal(1, (await RatesAsync(host, Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow))).Rates.Reported);
    }

    [Fact]
    public async Task GivenAFolderWithoutALog_WhenRebuilding_ThenRefusedAndNoStoreCreated()
    {
        var empty = Path.Combine(Path.GetTempPath(), "governance-tests", Guid.NewGuid().ToString("N"));

        var (exit, _, error) = await RebuildAsync($"--Incidents:DataDirectory={empty}");

        Assert.Equal(RebuildAnalyticsCommand.Failed, exit);
        Assert.Contains("There is no incident log", error);
        Assert.False(Directory.Exists(empty));
    }

    [Fact]
    public async Task GivenThePostgresAnalyticsStore_WhenRebuilding_ThenRefusedAsASettingItCannotServeAndNothingTouched()
    {
        var empty = Path.Combine(Path.GetTempPath(), "governance-tests", Guid.NewGuid().ToString("N"));

        var (exit, output, error) = await RebuildAsync($"--Incidents:DataDirectory={empty}", $"--Analytics:DataDirectory={empty}",
            "--Analytics:Store:Provider=Postgres", "--Analytics:Store:ConnectionString=Host=127.0.0.1;Database=analytics");

        Assert.Equal(RebuildAnalyticsCommand.BadSettings, exit);
        Assert.Contains("SQLite analytics store only; Analytics:Store:Provider is Postgres", error);
        Assert.Equal("", output);
        Assert.False(Directory.Exists(empty));
    }

    [Theory]
    [InlineData("now")]
    [InlineData("--")]
    [InlineData("--help")]
    public async Task GivenSomethingThatIsNotASetting_WhenRebuilding_ThenUsageAndNothingDone(string argument)
    {
        var (exit, _, error) = await RebuildAsync(argument);

        Assert.Equal(RebuildAnalyticsCommand.BadSettings, exit);
        Assert.Contains("usage: governance-standalone rebuild-analytics", error);
    }

    /// <summary>
    /// Reports in several grids, one incident closed through the auto-dispatched loop, and one cross-department
    /// dispute with a return and a failed verification closed; the rest stay open. Returns how many were reported.
    /// </summary>
    private static async Task<int> RunWorkflowAsync(StandaloneHost host)
    {
        var grids = await host.ListGridsAsync();
        var center = new WorkflowCalls(host, host.TokenFor("zx-001", ActorRole.CountyCenter, [County]));
        var justice = new WorkflowCalls(host, host.TokenFor("sf-001", ActorRole.DepartmentHandler, [County], Justice));
        var police = new WorkflowCalls(host, host.TokenFor("ga-001", ActorRole.DepartmentHandler, [County], Police));
        var welfare = new WorkflowCalls(host, host.TokenFor("mz-001", ActorRole.DepartmentHandler, [County], Welfare));

        var incidents = new List<Incident>();
        for (var i = 0; i < 6; i++)
        {
            incidents.Add((await host.ReportAsync(Reports.At(grids[i * 97].InteriorPoint))).Incident);
        }
        var garbage = incidents[0];
        Assert.Equal(IncidentState.Dispatched, garbage.State); // by the county rule
        var enforcement = new WorkflowCalls(host, host.TokenFor("zf-001", ActorRole.DepartmentHandler, [County], garbage.Assignments[0].DepartmentCode));
        garbage = await enforcement.Sign(garbage);
        garbage = await enforcement.Handled(garbage, "已清运");
        garbage = await center.Verify(garbage, true);
        garbage = await center.Close(garbage);
        Assert.Equal(IncidentState.Closed, garbage.State);

        var dispute = (await host.ReportAsync(Reports.At(grids[500].InteriorPoint, "SG-0102"))).Incident;
        dispute = await center.Register(dispute);
        dispute = await center.Dispatch(dispute, Justice, Police);
        dispute = await police.Return(dispute, "不属于公安职责");
        dispute = await center.Dispatch(dispute, Justice, Welfare);
        dispute = await justice.Sign(dispute);
        dispute = await welfare.Sign(dispute);
        dispute = await justice.Handled(dispute, "已调解");
        dispute = await welfare.Handled(dispute, "已救助");
        dispute = await center.Verify(dispute, false, "协议未签订");
        dispute = await justice.Handled(dispute, "协议已签订");
        dispute = await welfare.Handled(dispute, "救助已落实");
        dispute = await center.Verify(dispute, true);
        dispute = await center.Close(dispute);
        Assert.Equal(IncidentState.Closed, dispute.State);
        Assert.True(dispute.CrossDepartment);

        var manual = (await host.ReportAsync(Reports.At(grids[900].InteriorPoint, Reports.ManualCategory))).Incident;
        await center.Register(manual);
        await WaitUntilPublishedAsync(host);
        return incidents.Count + 2;
    }

    /// <summary>
    /// Until the relay has the whole log accepted. The embedded broker settles a page only once the projection has
    /// committed it, so the analytics store then holds everything too.
    /// </summary>
    private static async Task WaitUntilPublishedAsync(StandaloneHost host)
    {
        var head = await host.Store.GetHeadPositionAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.Services.GetRequiredService<IncidentLifeRelay>().WaitForPositionAsync(head, timeout.Token);
    }

    private static Task<GetRatesResponse> RatesAsync(StandaloneHost host, Timestamp asOf) =>
        host.Client.UnaryAsync<GetRatesRequest, GetRatesResponse>(GovernanceServices.AnalyticsService.Method("GetRates"),
            new GetRatesRequest { Filter = new RateFilter { RegionCode = County, AsOf = asOf } },
            new CallOptions(Headers: StandaloneHost.Bearer(host.TokenFor("ld-001", ActorRole.Leader, [County]))));

    private static async Task<(int Exit, string Output, string Error)> RebuildAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await RebuildAnalyticsCommand.RunAsync(args, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }
}
