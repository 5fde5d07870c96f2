using Governance.Contracts.V1;
using Governance.Incidents.Tests.Fixtures;
using Xunit;

namespace Governance.Incidents.Tests;

/// <summary>Two reports of one problem, against the real host: the second is flagged and waits for a person.</summary>
public sealed class DuplicateDetectionTests(HostWithDemoCounty world) : IClassFixture<HostWithDemoCounty>
{
    private const double MetresPerDegree = 111_195.0;

    [Fact]
    public async Task GivenAnOpenReportOfExposedGarbage_WhenAnotherWorkerReportsIt20MetresAway_ThenTheSecondIsFlaggedAndNotDispatched()
    {
        var point = world.Grids[610].InteriorPoint;
        var first = (await world.Host.ReportAsync(Reports.At(point, reporter: "wg-dup-1"))).Incident;
        var near = Reports.Point(point.Longitude, point.Latitude + 20 / MetresPerDegree);

        var second = (await world.Host.ReportAsync(Reports.At(near, reporter: "wg-dup-2"))).Incident;

        Assert.Equal(IncidentState.Dispatched, first.State);
        Assert.Equal(first.IncidentId, second.LikelyDuplicateOfIncidentId);
        Assert.InRange(second.LikelyDuplicateDistanceMeters, 19, 21);
        Assert.Equal(IncidentState.Reported, second.State);
        Assert.Contains(second.History, h => h.Type == "incident.flagged-duplicate.v1");
    }

    [Fact]
    public async Task GivenAnOpenReport_WhenTheNextIsOfACategoryWithoutAPolicyOrFarAway_ThenNotFlagged()
    {
        var point = world.Grids[620].InteriorPoint;
        await world.Host.ReportAsync(Reports.At(point, Reports.ManualCategory, reporter: "wg-dup-3"));
        await world.Host.ReportAsync(Reports.At(point, reporter: "wg-dup-3"));

        var noPolicy = (await world.Host.ReportAsync(Reports.At(point, Reports.ManualCategory, reporter: "wg-dup-4"))).Incident;
        var far = (await world.Host.ReportAsync(Reports.At(Reports.Point(point.Longitude, point.Latitude + 80 / MetresPerDegree), reporter: "wg-dup-4"))).Incident;

        Assert.Equal("", noPolicy.LikelyDuplicateOfIncidentId);
        Assert.Equal("", far.LikelyDuplicateOfIncidentId);
        Assert.Equal(IncidentState.Dispatched, far.State);
    }
}
