using Governance.Domain.Registry;
using Governance.Geography;
using Governance.Incidents.Worklists;
using Xunit;
using static Governance.Incidents.Tests.Worklists.WorklistWorld;

namespace Governance.Incidents.Tests.Worklists;

public sealed class DuplicateIndexTests
{
    private const double Lon = 121.25;
    private const double Lat = 30.17;
    private const double MetresPerDegree = 111_195.0;

    private static readonly DuplicatePolicy Street = new(50, 24 * 60);

    private static GeoPoint North(double metres) => new(Lon, Lat + metres / MetresPerDegree);

    private static GeoPoint East(double metres) => new(Lon + metres / (MetresPerDegree * Math.Cos(Lat * Math.PI / 180)), Lat);

    private static DuplicateIndex Index(params Domain.Incidents.Incident[] incidents) => incidents.Aggregate(DuplicateIndex.Empty, (index, i) => index.With(i));

    [Fact]
    public void GivenAnOpenReport_WhenAnotherOfTheSameCategoryComes20MetresAway_ThenItIsTheCandidate()
    {
        var index = Index(Reported("first", at: Now.AddHours(-1)));

        var candidate = index.Find("LE-0101", North(20), Street, Now, "second");

        Assert.Equal("first", candidate?.IncidentId);
        Assert.InRange(candidate!.DistanceMetres, 19.5, 20.5);
    }

    [Fact]
    public void GivenTwoOpenReports_WhenAThirdComesBetween_ThenTheNearestIsChosen()
    {
        var index = Index(
            Reported("far", at: Now.AddHours(-1), latitude: North(40).Latitude),
            Reported("near", at: Now.AddHours(-2), longitude: East(-15).Longitude));

        Assert.Equal("near", index.Find("LE-0101", new GeoPoint(Lon, Lat), Street, Now)?.IncidentId);
    }

    [Fact]
    public void GivenAReportAcrossACellBorder_WhenWithinTheRadius_ThenStillFound()
    {
        // 100 m cells: 49 m east and west of a point reach into neighbouring cells whatever the point's place in its own.
        var index = Index(Reported("west", at: Now.AddHours(-1), longitude: East(-49).Longitude));

        Assert.Equal("west", index.Find("LE-0101", new GeoPoint(Lon, Lat), Street, Now)?.IncidentId);
        Assert.Null(index.Find("LE-0101", East(2), Street, Now));
    }

    [Fact]
    public void GivenAWiderPolicy_WhenTheReportIsSeveralCellsAway_ThenFoundWithinTheRadiusOnly()
    {
        var pollution = new DuplicatePolicy(200, 3 * 24 * 60);
        var index = Index(Reported("smoke", category: "LE-0104", at: Now.AddDays(-2)));

        Assert.Equal("smoke", index.Find("LE-0104", East(190), pollution, Now)?.IncidentId);
        Assert.Null(index.Find("LE-0104", East(210), pollution, Now));
    }

    [Fact]
    public void GivenAnOpenReport_WhenTheNewOneIsOfAnotherCategoryOutsideTheWindowOrThePolicyIsOff_ThenNoCandidate()
    {
        var index = Index(Reported("first", at: Now.AddHours(-25)), Reported("recent", category: "LE-0102", at: Now.AddMinutes(-5)));

        Assert.Null(index.Find("LE-0101", North(10), Street, Now));
        Assert.Equal("recent", index.Find("LE-0102", North(10), Street, Now)?.IncidentId);
        Assert.Null(index.Find("LE-0102", North(10), DuplicatePolicy.None, Now));
        Assert.Null(index.Find("LE-0102", North(10), new DuplicatePolicy(50, 0), Now));
    }

    [Fact]
    public void GivenAClosedIncident_WhenItWasIndexedOpen_ThenItIsNoLongerACandidate()
    {
        var i = Reported("done", at: Now.AddHours(-1));
        var closed = i.Then(Registered(i), Dispatched(i, "CGJ"), Signed(i, "CGJ"), Handled(i, "CGJ"),
            new Domain.Incidents.IncidentVerified(i.Id, null, Center, Now), Closed(i));

        var index = Index(i, closed);

        Assert.Null(index.Find("LE-0101", North(5), Street, Now));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void GivenARetryOfAStoredReport_WhenItsOwnIdIsExcluded_ThenItIsNotItsOwnDuplicate()
    {
        var index = Index(Reported("same", at: Now.AddMinutes(-1)));

        Assert.Null(index.Find("LE-0101", new GeoPoint(Lon, Lat), Street, Now, "same"));
    }
}
