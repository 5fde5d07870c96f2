using System.Globalization;
using Governance.Cli.Tests.Support;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.EventStore;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Cli.Tests.Fixtures;

/// <summary>
/// A running host with the demo county after three reports made through the CLI, once the analytics service has
/// caught up with them. In township X a dispute (SG-0102) its reporter resolved on the spot: closed, so due when
/// closed, and on time (it never had a deadline). In township Y exposed garbage (LE-0101), dispatched at once and
/// due no earlier than the end of the next working day, and a dispute left as reported (never dispatched, so never
/// due). Shared by a test class that only reads.
/// </summary>
public sealed class HostWithThreeCliReports : IAsyncLifetime
{
    private readonly HostWithDemoCounty _world = new();

    public string Address => _world.Address;

    public string DataDirectory => _world.DataDirectory;

    public GovernanceHost Host => _world.Host;

    public string TownshipX { get; private set; } = "";

    public string TownshipY { get; private set; } = "";

    /// <summary>The three incidents as the host stores them: the resolved one, the dispatched one, the reported one.</summary>
    public IReadOnlyList<Incident> Incidents { get; private set; } = [];

    /// <summary>The log position of the last report's last event: every analytics answer has at least this position.</summary>
    public long Position { get; private set; }

    /// <summary>A token for the leader of the demo county, minted through `governance token`.</summary>
    public string LeaderToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await _world.InitializeAsync();
        var (x, y1, y2) = await GridsAsync();
        TownshipX = x.Township.Code;
        TownshipY = y1.Township.Code;
        LeaderToken = await TokenAsync("ld-rates", "leader", DemoCounty.Code);
        var first = await TokenAsync("wg-rates-1", "grid_worker", x.Code);
        var second = await TokenAsync("wg-rates-2", "grid_worker", TownshipY);

        var resolved = await ReportAsync(first, "wg-rates-1", x, "SG-0102");
        await GovernanceCli.SucceedAsync("resolve", resolved, "--notes", "当场调解，双方和解", "--address", Address, "--token", first);
        var dispatched = await ReportAsync(second, "wg-rates-2", y1, "LE-0101");
        var reported = await ReportAsync(second, "wg-rates-2", y2, "SG-0102");

        var center = Host.TokenIssuer.Issue("zx-rates", ActorRole.CountyCenter, [DemoCounty.Code]);
        var incidents = new List<Incident>();
        foreach (var id in new[] { resolved, dispatched, reported })
        {
            incidents.Add((await Host.Client.UnaryAsync<GetIncidentRequest, GetIncidentResponse>(GovernanceServices.IncidentService.Method("GetIncident"),
                new GetIncidentRequest { IncidentId = id }, new CallOptions(Headers: Bearer(center)))).Incident);
        }
        Incidents = incidents;
        Assert.Equal([IncidentState.ResolvedOnSpot, IncidentState.Dispatched, IncidentState.Reported], Incidents.Select(i => i.State));
        Position = await Host.Services.GetRequiredService<IEventStore>().GetHeadPositionAsync();
        await WaitForAnalyticsAsync();
    }

    public Task DisposeAsync() => _world.DisposeAsync();

    public static IReadOnlyDictionary<string, string> Bearer(string token) =>
        new Dictionary<string, string> { ["authorization"] = "Bearer " + token };

    /// <summary>A token minted the way an operator mints one: `governance token` on the host's data folder.</summary>
    public async Task<string> TokenAsync(string subject, string role, string region)
    {
        var run = await GovernanceCli.SucceedAsync("token", "--data", DataDirectory, "--subject", subject, "--role", role, "--region", region);
        return run.Out.Trim();
    }

    /// <summary>GetRates as the leader, straight over gRPC, so the CLI's figures are not checked only by the CLI.</summary>
    public async Task<GetRatesResponse> GetRatesAsync(RateFilter filter) =>
        await Host.Client.UnaryAsync<GetRatesRequest, GetRatesResponse>(GovernanceServices.AnalyticsService.Method("GetRates"),
            new GetRatesRequest { Filter = filter }, new CallOptions(Headers: Bearer(LeaderToken)));

    private async Task WaitForAnalyticsAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long reached;
        while ((reached = (await GetRatesAsync(new RateFilter())).Position) < Position)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Analytics stayed at log position {reached}; the last report was written at {Position}.");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>The first grid of the county (township X), and the first grids of two villages of another township (Y).</summary>
    private async Task<(Grid X, Grid Y1, Grid Y2)> GridsAsync()
    {
        var grids = new List<Grid>();
        var page = "";
        do
        {
            var response = await Host.Client.UnaryAsync<ListGridsRequest, ListGridsResponse>(GovernanceServices.RegistryService.Method("ListGrids"),
                new ListGridsRequest { PageSize = 1000, PageToken = page });
            grids.AddRange(response.Grids);
            page = response.NextPageToken;
        } while (page.Length > 0);
        var sorted = grids.OrderBy(g => g.Code, StringComparer.Ordinal).ToList();
        var x = sorted[0];
        var y = sorted.Where(g => g.Township.Code != x.Township.Code)
            .GroupBy(g => g.Township.Code)
            .Select(t => t.GroupBy(g => g.Village.Code).Select(v => v.First()).Take(2).ToArray())
            .First(firsts => firsts.Length == 2);
        return (x, y[0], y[1]);
    }

    private async Task<string> ReportAsync(string token, string reporter, Grid grid, string category)
    {
        var report = await GovernanceCli.SucceedAsync("report", "--reporter", reporter, "--category", category, "--description", "网格员巡查发现",
            "--lon", grid.InteriorPoint.Longitude.ToString("R", CultureInfo.InvariantCulture),
            "--lat", grid.InteriorPoint.Latitude.ToString("R", CultureInfo.InvariantCulture),
            "--address", Address, "--token", token);
        return report.Field("incident");
    }
}
