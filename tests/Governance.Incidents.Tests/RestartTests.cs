using Governance.Incidents.Tests.Fixtures;
using Xunit;

namespace Governance.Incidents.Tests;

/// <summary>An acknowledged report survives a restart, and a restart neither re-seeds nor loses the registry.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task GivenAcknowledgedReports_WhenTheHostRestartsOnTheSameData_ThenEveryReportIsThereAndRetriesStillMatch()
    {
        var first = await StandaloneHost.StartAsync();
        var data = first.DataDirectory;
        var grids = await first.ListGridsAsync();
        var requests = Enumerable.Range(0, 20).Select(i => Reports.At(grids[i * 50].InteriorPoint)).ToList();
        var acknowledged = new List<Contracts.V1.Incident>();
        foreach (var request in requests)
        {
            acknowledged.Add((await first.ReportAsync(request)).Incident);
        }
        var headBefore = await first.Store.GetHeadPositionAsync();
        await first.StopAsync();

        await using var second = await StandaloneHost.StartAsync(data);

        Assert.Equal(headBefore, await second.Store.GetHeadPositionAsync());
        Assert.Equal(grids.Count, (await second.ListGridsAsync()).Count);
        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(acknowledged[i], await second.GetIncidentAsync(acknowledged[i].IncidentId));
            var retry = await second.ReportAsync(requests[i]);
            Assert.False(retry.Created);
            Assert.Equal(acknowledged[i], retry.Incident);
        }
        Assert.Equal(headBefore, await second.Store.GetHeadPositionAsync());
    }
}
