using System.Collections.Immutable;
using Governance.Domain.Incidents;
using Governance.Incidents.Worklists;
using Xunit;
using static Governance.Incidents.Tests.Worklists.WorklistWorld;

namespace Governance.Incidents.Tests.Worklists;

public sealed class IncidentQueryTests
{
    [Fact]
    public void GivenIncidentsInSeveralStates_WhenFilteredByState_ThenOnlyThoseStates()
    {
        var query = new IncidentQuery { States = new HashSet<IncidentState> { IncidentState.Accepted } };

        Assert.True(query.Matches(AcceptedByCgj(), Now));
        Assert.False(query.Matches(Reported(), Now));
    }

    [Fact]
    public void GivenAReturnedAssignment_WhenFilteredByThatDepartment_ThenNotMatched()
    {
        var i = Reported();
        var returned = i.Then(Registered(i), Dispatched(i, "CGJ"), Returned(i, "CGJ"));
        var query = new IncidentQuery { DepartmentCode = "CGJ" };

        Assert.True(query.Matches(AcceptedByCgj(), Now));
        Assert.False(query.Matches(returned, Now));
    }

    [Fact]
    public void GivenRegionPrefixes_WhenFiltered_ThenTheGridCodeDecidesAndOutsideReportsUseTheCounty()
    {
        Assert.True(new IncidentQuery { RegionCode = Township }.Matches(Reported(grid: Grid), Now));
        Assert.True(new IncidentQuery { RegionCode = Grid }.Matches(Reported(grid: Grid), Now));
        Assert.False(new IncidentQuery { RegionCode = OtherTownship }.Matches(Reported(grid: Grid), Now));
        Assert.False(new IncidentQuery { RegionCode = Township }.Matches(Reported(grid: null), Now));
        Assert.True(new IncidentQuery { RegionCode = County }.Matches(Reported(grid: null), Now));
    }

    [Fact]
    public void GivenTheSignDeadlinePassed_WhenFilteredOverdueOnly_ThenMatchedOnlyAfterTheDeadlineAndWhileOpen()
    {
        var i = Reported();
        var dispatched = i.Then(Registered(i), Dispatched(i, "CGJ"));
        var query = new IncidentQuery { OverdueOnly = true };

        Assert.False(query.Matches(dispatched, Now.AddHours(1)));
        Assert.True(query.Matches(dispatched, Now.AddHours(2)));
        Assert.False(query.Matches(dispatched.Then(Signed(i, "CGJ")), Now.AddHours(2)));
    }

    [Fact]
    public void GivenCategorySupervisionAndTime_WhenFiltered_ThenEachFilterApplies()
    {
        var i = Reported(category: "LE-0101", at: Now.AddHours(-1));
        var supervised = i.Then(Supervised(i));

        Assert.True(new IncidentQuery { CategoryCode = "LE-0101" }.Matches(i, Now));
        Assert.False(new IncidentQuery { CategoryCode = "LE-0102" }.Matches(i, Now));
        Assert.False(new IncidentQuery { SupervisedOnly = true }.Matches(i, Now));
        Assert.True(new IncidentQuery { SupervisedOnly = true }.Matches(supervised, Now));
        Assert.True(new IncidentQuery { ReportedFrom = Now.AddHours(-1), ReportedTo = Now }.Matches(i, Now));
        Assert.False(new IncidentQuery { ReportedFrom = Now.AddMinutes(-59) }.Matches(i, Now));
        Assert.False(new IncidentQuery { ReportedTo = Now.AddHours(-1) }.Matches(i, Now));
    }

    [Fact]
    public void GivenSevenIncidents_WhenPagedByThree_ThenNewestFirstEachOnceAndTheLastPageHasNoToken()
    {
        // Two share a report time, so the id decides between them.
        var incidents = new[] { Reported("a", at: Now), Reported("b", at: Now), Reported("c", at: Now.AddMinutes(-1)), Reported("d", at: Now.AddMinutes(-2)),
            Reported("e", at: Now.AddMinutes(-3)), Reported("f", at: Now.AddMinutes(-4)), Reported("g", at: Now.AddMinutes(-5)) };
        var byId = incidents.ToDictionary(i => i.Id);
        var order = incidents.Select(ReportKey.Of).Reverse().ToImmutableSortedSet();

        var pages = new List<IReadOnlyList<string>>();
        ReportKey? after = null;
        do
        {
            var token = after is { } key ? WorklistPaging.Encode(key) : null;
            var (items, next) = WorklistPaging.Page(order, k => byId[k.Id], _ => true, 3, token is null ? null : WorklistPaging.Decode(token));
            pages.Add([.. items.Select(i => i.Id)]);
            after = next;
        } while (after is not null);

        Assert.Equal([["a", "b", "c"], ["d", "e", "f"], ["g"]], pages);
    }

    [Fact]
    public void GivenAFilter_WhenTheLastPageIsFull_ThenNoTokenPointsAtAnEmptyPage()
    {
        var incidents = Enumerable.Range(0, 6).Select(n => Reported($"i{n}", at: Now.AddMinutes(-n), reporter: n % 2 == 0 ? "wg-1" : "wg-2")).ToList();
        var order = incidents.Select(ReportKey.Of).ToImmutableSortedSet();
        var byId = incidents.ToDictionary(i => i.Id);

        var (items, next) = WorklistPaging.Page(order, k => byId[k.Id], i => i.Reporter.SubjectId == "wg-1", 3, null);

        Assert.Equal(["i0", "i2", "i4"], items.Select(i => i.Id));
        Assert.Null(next);
    }

    [Fact]
    public void GivenANewReportAfterTheFirstPage_WhenTheNextPageIsRead_ThenNothingIsRepeatedOrSkipped()
    {
        var old = Enumerable.Range(1, 4).Select(n => Reported($"o{n}", at: Now.AddMinutes(-n))).ToList();
        var order = old.Select(ReportKey.Of).ToImmutableSortedSet();
        var byId = old.ToDictionary(i => i.Id);
        var (first, next) = WorklistPaging.Page(order, k => byId[k.Id], _ => true, 2, null);

        var newer = Reported("new", at: Now);
        byId[newer.Id] = newer;
        var (second, _) = WorklistPaging.Page(order.Add(ReportKey.Of(newer)), k => byId[k.Id], _ => true, 2, next);

        Assert.Equal(["o1", "o2"], first.Select(i => i.Id));
        Assert.Equal(["o3", "o4"], second.Select(i => i.Id));
    }

    [Theory]
    [InlineData(0, 50)]
    [InlineData(1, 1)]
    [InlineData(500, 500)]
    [InlineData(501, null)]
    [InlineData(-1, null)]
    public void GivenARequestedPageSize_WhenChecked_ThenDefaultedOrRefused(int requested, int? expected) =>
        Assert.Equal(expected, WorklistPaging.PageSize(requested));

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("")]
    [InlineData("djE6MTIz")] // "v1:123": no id
    [InlineData("djI6MTIzOmFi")] // "v2:123:ab": another version
    [InlineData("djE6LTE6YWI")] // "v1:-1:ab": negative ticks
    public void GivenAMalformedToken_WhenDecoded_ThenRefused(string token) => Assert.Null(WorklistPaging.Decode(token));

    [Fact]
    public void GivenAKey_WhenEncodedAndDecoded_ThenTheSameKey()
    {
        var key = new ReportKey(Now, "0123456789abcdef0123456789abcdef");

        var decoded = WorklistPaging.Decode(WorklistPaging.Encode(key));

        Assert.Equal(key.ReportedAt, decoded?.ReportedAt);
        Assert.Equal(key.Id, decoded?.Id);
    }
}
