using System.Text.RegularExpressions;
using Governance.Domain.Demo;
using Governance.Domain.Regions;
using Governance.Domain.Registry;
using Governance.Domain.Routing;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class DemoCatalogTests
{
    private const string County = "330282";

    // Two subdistricts (街道, 001–099) and three towns (镇, 100+), named as the generator would.
    private static readonly (string Code, string Name)[] Townships =
    [
        ("330282001", DemoNames.Township(7, 0, subdistrict: true)),
        ("330282002", DemoNames.Township(7, 1, subdistrict: true)),
        ("330282101", DemoNames.Township(7, 2, subdistrict: false)),
        ("330282102", DemoNames.Township(7, 3, subdistrict: false)),
        ("330282103", DemoNames.Township(7, 4, subdistrict: false)),
    ];

    private static readonly DemoCatalogue Catalogue = DemoCatalog.Build(County, "慈溪市", Townships);

    /// <summary>Three villages per township and four grids per village, all codes derived from their parents.</summary>
    private static readonly string[] Villages = [.. Townships.SelectMany(t => Enumerable.Range(1, 3).Select(v => RegionCode.Parse(t.Code).Child(v).Value))];

    private static readonly string[] Grids = [.. Villages.SelectMany(v => Enumerable.Range(1, 4).Select(g => RegionCode.Parse(v).Child(g).Value))];

    /// <summary>The catalogue written through the real deciders, then read back as a snapshot: the seeding path end to end.</summary>
    private static readonly RegistrySnapshot Registry = Seed(Catalogue.WithLocalRules(Villages, Grids));

    private static RegistrySnapshot Seed(DemoCatalogue catalogue)
    {
        var seed = catalogue.ToSeed(Actor.System("demo-seed"), Now);
        var events = new List<IDomainEvent>();
        events.AddRange(seed.Regions.SelectMany(c => RegionDecider.Decide(null, c)));
        events.AddRange(Villages.SelectMany(v => RegionDecider.Decide(null, new DefineRegion(v, DemoNames.Village(7, Array.IndexOf(Villages, v), false), Admin, Now))));
        events.AddRange(Grids.SelectMany(g => GridDecider.Decide(null, new DefineGrid(g, DemoNames.Grid("某村", int.Parse(g[12..], System.Globalization.CultureInfo.InvariantCulture)), Boundary, [], Admin, Now))));
        events.AddRange(seed.Departments.SelectMany(c => DepartmentDecider.Decide(null, c)));
        events.AddRange(seed.Categories.SelectMany(c => CategoryDecider.Decide(null, c)));
        var registry = RegistrySnapshot.FromEvents(events);
        ResponsibilityMatrix? matrix = null;
        foreach (var command in seed.Rules)
        {
            foreach (var e in ResponsibilityMatrixDecider.Decide(matrix, command, registry))
            {
                matrix = ResponsibilityMatrixDecider.Apply(matrix, e);
                events.Add(e);
            }
        }
        return RegistrySnapshot.FromEvents(events);
    }

    [Fact]
    public void GivenCounty_WhenBuild_ThenAboutFortyCategoriesWithStructuredUniqueCodes()
    {
        Assert.InRange(Catalogue.Categories.Count, 38, 45);
        Assert.All(Catalogue.Categories, c => Assert.Matches(new Regex("^(LE|PS|MS|SG)-[0-9]{4}$"), c.Code));
        Assert.Equal(Catalogue.Categories.Count, Catalogue.Categories.Select(c => c.Code).Distinct().Count());
        Assert.Equal(Catalogue.Categories.Count, Catalogue.Categories.Select(c => c.Name).Distinct().Count());
        Assert.All(Enum.GetValues<Platform>(), p => Assert.Contains(Catalogue.Categories, c => c.Platform == p));
    }

    [Theory]
    [InlineData("暴露垃圾", "1 working day")]
    [InlineData("道路不洁", "5 working hours")]
    [InlineData("违法建设", "15 working days")]
    [InlineData("12345紧急诉求", "same working day")]
    [InlineData("投诉", "13 working days")]
    [InlineData("井盖缺失", "4 hours")]
    public void GivenCounty_WhenBuild_ThenHandleLimitsFollowCityRules(string name, string limit) =>
        Assert.Equal(limit, Catalogue.Categories.Single(c => c.Name == name).HandleLimit.ToString());

    [Fact]
    public void GivenCounty_WhenBuild_ThenCommandCenterBureausAndFiveUnitsPerTownship()
    {
        Assert.Single(Catalogue.Departments, d => d.Kind == DepartmentKind.CountyCommandCenter);
        Assert.InRange(Catalogue.Departments.Count(d => d.Kind == DepartmentKind.CountyBureau), 15, 25);
        Assert.Contains(Catalogue.Departments, d => d.Name == "慈溪市综合行政执法局");
        foreach (var (code, name) in Townships)
        {
            Assert.Single(Catalogue.Departments, d => d.Kind == DepartmentKind.TownshipCommandOffice && d.OwningRegionCode == code && d.Name == $"{name}综合信息指挥室");
            Assert.Equal(4, Catalogue.Departments.Count(d => d.Kind == DepartmentKind.TownshipOffice && d.OwningRegionCode == code));
        }
        Assert.Equal(Catalogue.Departments.Count, Catalogue.Departments.Select(d => d.Code).Distinct().Count());
    }

    [Fact]
    public void GivenSeededCatalogue_WhenReadBack_ThenNoProblemsAndEveryRuleNamesAnActiveDepartment()
    {
        Assert.Empty(Registry.Problems);
        Assert.All(Registry.Rules, r => Assert.False(Registry.FindDepartment(r.DepartmentCode)!.IsRetired));
        Assert.Equal(Catalogue.Rules.Count + DemoCatalog.LocalRules(County, Villages, Grids).Count, Registry.Rules.Count);
    }

    [Fact]
    public void GivenSeededCatalogue_WhenResolvingEveryCategoryInEveryGrid_ThenADepartmentOfTheRightCountyOrTownship()
    {
        foreach (var grid in Grids)
        {
            foreach (var category in Catalogue.Categories)
            {
                var responsibility = Registry.ResolveResponsibility(grid, category.Code);
                var department = Registry.FindDepartment(responsibility.DepartmentCode)!;
                Assert.False(department.IsRetired);
                Assert.True(department.OwningRegionCode == County || department.OwningRegionCode == grid[..9],
                    $"{category.Code} in {grid} went to {department.Code}, outside its township");
            }
        }
    }

    [Fact]
    public void GivenSeededCatalogue_WhenResolving_ThenEveryLevelOfPrecedenceIsUsed()
    {
        var levels = Grids.SelectMany(g => Catalogue.Categories.Select(c => Registry.ResolveResponsibility(g, c.Code).RuleScopeLevel)).ToHashSet();

        Assert.Equal(
            [RuleScopeLevel.Grid, RuleScopeLevel.Village, RuleScopeLevel.Township, RuleScopeLevel.County, RuleScopeLevel.TownshipCommandOffice],
            levels.Order());
    }

    [Fact]
    public void GivenTownAndSubdistrict_WhenResolvingExposedGarbage_ThenTownsUseTheirSquadAndSubdistrictsTheCounty()
    {
        Assert.Equal("330282101-ZFZD", Registry.ResolveResponsibility("330282101002002", "LE-0101").DepartmentCode);
        Assert.Equal("330282-CGJ", Registry.ResolveResponsibility("330282001002002", "LE-0101").DepartmentCode);
        Assert.Equal("330282001-ZZB", Registry.ResolveResponsibility("330282001002002", "SG-0101").DepartmentCode);
        Assert.Equal("330282001-ZHXX", Registry.ResolveResponsibility("330282001002002", DemoCatalog.OtherCategory).DepartmentCode);
    }

    [Fact]
    public void GivenVillagesAndGrids_WhenLocalRules_ThenDeterministicVillageAndGridRules()
    {
        var rules = DemoCatalog.LocalRules(County, [.. Villages.Reverse()], Grids);

        Assert.Equal(rules, DemoCatalog.LocalRules(County, Villages, Grids));
        Assert.Contains(rules, r => r.ScopeLevel == RegionLevel.Village);
        Assert.Contains(rules, r => r.ScopeLevel == RegionLevel.Grid);
        Assert.Equal(DomainErrorKind.InvalidArgument,
            Assert.Throws<DomainException>(() => DemoCatalog.LocalRules(County, ["330283001001"], [])).Kind);
    }

    [Fact]
    public void GivenBadInput_WhenBuild_ThenInvalidArgument()
    {
        Assert.Throws<DomainException>(() => DemoCatalog.Build("330282001", "x", []));
        Assert.Throws<DomainException>(() => DemoCatalog.Build(County, "慈溪市", [("330283001", "外县街道")]));
        Assert.Throws<DomainException>(() => DemoCatalog.Build(County, "慈溪市", [("330282001", "甲"), ("330282001", "乙")]));
    }

    [Fact]
    public void GivenSameInput_WhenBuildTwice_ThenSameCatalogue()
    {
        var again = DemoCatalog.Build(County, "慈溪市", Townships);

        Assert.Equal(Catalogue.Departments, again.Departments);
        Assert.Equal(Catalogue.Categories, again.Categories);
        Assert.Equal(Catalogue.Rules, again.Rules);
    }
}
