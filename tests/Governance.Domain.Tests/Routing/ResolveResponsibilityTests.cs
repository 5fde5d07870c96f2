using Governance.Domain.Regions;
using Governance.Domain.Registry;
using Governance.Domain.Routing;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.TestWorld;

namespace Governance.Domain.Tests;

public class ResolveResponsibilityTests
{
    [Fact]
    public void GivenGridRule_WhenResolve_ThenGridRuleWinsOverVillageAndCounty()
    {
        var responsibility = Snapshot.ResolveResponsibility(SubdistrictGridWithGridRule, Garbage);

        Assert.Equal(("330282-STHJ", RuleScopeLevel.Grid, SubdistrictGridWithGridRule),
            (responsibility.DepartmentCode, responsibility.RuleScopeLevel, responsibility.RuleScopeCode));
        Assert.Contains("grid 330282001001002 (城东社区第2网格)", responsibility.Explanation, StringComparison.Ordinal);
        Assert.False(responsibility.IsFallback);
    }

    [Fact]
    public void GivenVillageRule_WhenResolve_ThenVillageRuleWinsOverCounty()
    {
        var responsibility = Snapshot.ResolveResponsibility(SubdistrictGridWithVillageRule, Garbage);

        Assert.Equal(("330282001-ZFZD", RuleScopeLevel.Village, "330282001001"),
            (responsibility.DepartmentCode, responsibility.RuleScopeLevel, responsibility.RuleScopeCode));
        Assert.Contains("城东社区", responsibility.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenTownshipRule_WhenResolve_ThenTownshipRuleWinsOverCounty()
    {
        var responsibility = Snapshot.ResolveResponsibility(TownGrid, Garbage);

        Assert.Equal(("330282101-ZFZD", RuleScopeLevel.Township, Town),
            (responsibility.DepartmentCode, responsibility.RuleScopeLevel, responsibility.RuleScopeCode));
    }

    [Fact]
    public void GivenOnlyCountyRule_WhenResolve_ThenCountyRule()
    {
        var responsibility = Snapshot.ResolveResponsibility(BareTownGrid, Garbage);

        Assert.Equal(("330282-CGJ", RuleScopeLevel.County, County),
            (responsibility.DepartmentCode, responsibility.RuleScopeLevel, responsibility.RuleScopeCode));
        Assert.Contains("慈溪市综合行政执法局", responsibility.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenNoRule_WhenResolve_ThenTownshipCommandOffice()
    {
        var responsibility = Snapshot.ResolveResponsibility(SubdistrictGridWithVillageRule, Other);

        Assert.Equal(("330282001-ZHXX", RuleScopeLevel.TownshipCommandOffice, Subdistrict),
            (responsibility.DepartmentCode, responsibility.RuleScopeLevel, responsibility.RuleScopeCode));
        Assert.True(responsibility.IsFallback);
        Assert.Contains("No rule for SG-9901", responsibility.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenNoRuleAndNoTownshipOffice_WhenResolve_ThenCountyCommandCenter()
    {
        var responsibility = Snapshot.ResolveResponsibility(BareTownGrid, Other);

        Assert.Equal(("330282-ZHZX", RuleScopeLevel.CountyCommandCenter, County),
            (responsibility.DepartmentCode, responsibility.RuleScopeLevel, responsibility.RuleScopeCode));
        Assert.Contains("330282102 has no active information-command office", responsibility.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenGridRuleNamesRetiredDepartment_WhenResolve_ThenFallsThroughToTownshipRuleAndSaysWhy()
    {
        var responsibility = Snapshot.ResolveResponsibility(TownGridWithRetiredRule, Garbage);

        Assert.Equal(("330282101-ZFZD", RuleScopeLevel.Township), (responsibility.DepartmentCode, responsibility.RuleScopeLevel));
        Assert.Contains("Skipped: the rule at grid 330282101001001", responsibility.Explanation, StringComparison.Ordinal);
        Assert.Contains("330282-OLD, which is retired", responsibility.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenEveryRuleDepartmentRetired_WhenResolve_ThenTownshipCommandOffice()
    {
        var snapshot = Snapshot.With(
        [
            new DepartmentRetired("330282-STHJ", "x", Admin, Now),
            new DepartmentRetired("330282001-ZFZD", "x", Admin, Now),
            new DepartmentRetired("330282-CGJ", "x", Admin, Now),
        ]);

        var responsibility = snapshot.ResolveResponsibility(SubdistrictGridWithGridRule, Garbage);

        Assert.Equal(("330282001-ZHXX", RuleScopeLevel.TownshipCommandOffice), (responsibility.DepartmentCode, responsibility.RuleScopeLevel));
        Assert.Contains("330282-STHJ", responsibility.Explanation, StringComparison.Ordinal);
        Assert.Contains("330282001-ZFZD", responsibility.Explanation, StringComparison.Ordinal);
        Assert.Contains("330282-CGJ", responsibility.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenTownshipOfficeRetired_WhenResolveWithoutRule_ThenCountyCommandCenter()
    {
        var snapshot = Snapshot.With([new DepartmentRetired("330282001-ZHXX", "合并", Admin, Now)]);

        var responsibility = snapshot.ResolveResponsibility(SubdistrictGridWithVillageRule, Other);

        Assert.Equal(("330282-ZHZX", RuleScopeLevel.CountyCommandCenter), (responsibility.DepartmentCode, responsibility.RuleScopeLevel));
    }

    [Fact]
    public void GivenNoRuleNoOfficeAndCountyCenterRetired_WhenResolve_ThenFailedPrecondition()
    {
        var snapshot = Snapshot.With([new DepartmentRetired("330282-ZHZX", "x", Admin, Now)]);

        var error = Assert.Throws<DomainException>(() => snapshot.ResolveResponsibility(BareTownGrid, Other));

        Assert.Equal(DomainErrorKind.FailedPrecondition, error.Kind);
        Assert.Contains("CountyCommandCenter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenRuleRemoved_WhenResolve_ThenNextLessSpecificRule()
    {
        var snapshot = Snapshot.With([new ResponsibilityRuleRemoved(County, SubdistrictGridWithGridRule, Garbage, "330282-STHJ", Admin, Now)]);

        Assert.Equal(RuleScopeLevel.Village, snapshot.ResolveResponsibility(SubdistrictGridWithGridRule, Garbage).RuleScopeLevel);
        Assert.Equal(RuleScopeLevel.Grid, Snapshot.ResolveResponsibility(SubdistrictGridWithGridRule, Garbage).RuleScopeLevel);
    }

    [Theory]
    [InlineData("330282999001001", Garbage, DomainErrorKind.NotFound)]
    [InlineData(BareTownGrid, "NO-SUCH", DomainErrorKind.NotFound)]
    [InlineData(BareTownGrid, OldCategory, DomainErrorKind.FailedPrecondition)]
    public void GivenUnknownOrRetiredInput_WhenResolve_ThenError(string grid, string category, DomainErrorKind kind) =>
        Assert.Equal(kind, Assert.Throws<DomainException>(() => Snapshot.ResolveResponsibility(grid, category)).Kind);

    [Fact]
    public void GivenRetiredGrid_WhenResolve_ThenFailedPrecondition()
    {
        var snapshot = Snapshot.With([new GridRetired(BareTownGrid, "redrawn", Admin, Now)]);

        Assert.Equal(DomainErrorKind.FailedPrecondition,
            Assert.Throws<DomainException>(() => snapshot.ResolveResponsibility(BareTownGrid, Garbage)).Kind);
    }

    [Fact]
    public void GivenSameRegistryAsStates_WhenResolveEveryPair_ThenSameAnswersAsFromEvents()
    {
        var fromStates = RegistrySnapshot.From(Snapshot.Regions, Snapshot.Grids, Snapshot.Departments, Snapshot.Categories, Snapshot.Rules);

        foreach (var grid in Snapshot.Grids)
        {
            foreach (var category in new[] { Garbage, Food, Other })
                Assert.Equal(Snapshot.ResolveResponsibility(grid.Code, category), fromStates.ResolveResponsibility(grid.Code, category));
        }
    }

    [Fact]
    public void GivenRuleNamingRetiredDepartment_WhenListingProblems_ThenItIsReported()
    {
        Assert.Contains(Snapshot.Problems, p => p.Contains("330282-OLD", StringComparison.Ordinal));
        Assert.Contains(Snapshot.Problems, p => p.Contains("Township 330282102 龙山镇 has no active information-command office", StringComparison.Ordinal));
        Assert.DoesNotContain(Snapshot.Problems, p => p.Contains("County 330282", StringComparison.Ordinal));
    }

    [Fact]
    public void GivenGrid_WhenLocate_ThenChainOfCodes()
    {
        Assert.Equal(new GridLocation(TownGrid, "330282101001", Town, County), Snapshot.Locate(TownGrid));
        Assert.False(Snapshot.TryLocate("330282101001009", out _));
        Assert.Equal(DomainErrorKind.NotFound, Assert.Throws<DomainException>(() => Snapshot.Locate("330282101001009")).Kind);
    }

    [Fact]
    public void GivenPointInGrid_WhenRouteToGrid_ThenExactOutcomeWithResponsibility()
    {
        var outcome = Snapshot.RouteToGrid(TownGrid, Garbage);

        Assert.Equal(RoutingMatch.Exact, outcome.Match);
        Assert.Equal((TownGrid, "330282101001", Town, County), (outcome.GridCode, outcome.VillageCode, outcome.TownshipCode, outcome.CountyCode));
        Assert.Equal("330282101-ZFZD", outcome.Responsibility.DepartmentCode);
    }

    [Fact]
    public void GivenPointNearGrid_WhenRouteToGrid_ThenNearestOutcomeKeepsDistance()
    {
        var outcome = Snapshot.RouteToGrid(TownGrid, Garbage, distanceMetres: 12.5);

        Assert.Equal((RoutingMatch.NearestWithinTolerance, 12.5), (outcome.Match, outcome.DistanceMetres));
    }

    [Fact]
    public void GivenPointOutsideEveryGrid_WhenRouteToCountyCenter_ThenFallbackWithReason()
    {
        var outcome = Snapshot.RouteToCountyCenter(County, Garbage, "The point is 3.2 km from the nearest grid (tolerance 200 m)");

        Assert.Equal(RoutingMatch.Fallback, outcome.Match);
        Assert.Null(outcome.GridCode);
        Assert.Equal(("330282-ZHZX", RuleScopeLevel.CountyCommandCenter), (outcome.Responsibility.DepartmentCode, outcome.Responsibility.RuleScopeLevel));
        Assert.Contains("3.2 km", outcome.Responsibility.Explanation, StringComparison.Ordinal);
        Assert.Equal(DomainErrorKind.NotFound,
            Assert.Throws<DomainException>(() => Snapshot.RouteToCountyCenter(County, "NO-SUCH", "far")).Kind);
    }

    [Fact]
    public void GivenTwoActiveCommandOffices_WhenResolve_ThenLowestCodeWinsDeterministically()
    {
        var snapshot = Snapshot.With([Dept("330282001-AAA", "第二指挥室", DepartmentKind.TownshipCommandOffice, Subdistrict)]);

        Assert.Equal("330282001-AAA", snapshot.ResolveResponsibility(SubdistrictGridWithVillageRule, Other).DepartmentCode);
        Assert.Equal(RegionLevel.Township, snapshot.FindRegion(Subdistrict)!.Level);
    }
}
