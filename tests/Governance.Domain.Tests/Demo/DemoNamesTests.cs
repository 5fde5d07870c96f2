using Governance.Domain.Demo;

namespace Governance.Domain.Tests;

public class DemoNamesTests
{
    [Fact]
    public void GivenSeedAndIndex_WhenNaming_ThenSameNameEveryTime()
    {
        Assert.Equal(DemoNames.Township(42, 3, false), DemoNames.Township(42, 3, false));
        Assert.Equal(DemoNames.Village(42, 100, true), DemoNames.Village(42, 100, true));
    }

    [Fact]
    public void GivenKind_WhenNaming_ThenOfficialSuffix()
    {
        Assert.EndsWith("街道", DemoNames.Township(1, 0, subdistrict: true), StringComparison.Ordinal);
        Assert.EndsWith("镇", DemoNames.Township(1, 0, subdistrict: false), StringComparison.Ordinal);
        Assert.EndsWith("社区", DemoNames.Village(1, 0, community: true), StringComparison.Ordinal);
        Assert.EndsWith("村", DemoNames.Village(1, 0, community: false), StringComparison.Ordinal);
        Assert.Equal("龙山村第3网格", DemoNames.Grid("龙山村", 3));
    }

    [Fact]
    public void GivenOneSeed_WhenNamingEveryIndex_ThenAllDistinct()
    {
        var names = Enumerable.Range(0, DemoNames.Capacity).Select(i => DemoNames.Village(2024, i, false)).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.True(DemoNames.Capacity >= 1724, "enough names for a county the size of 慈溪");
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoNames.Village(2024, DemoNames.Capacity, false));
    }

    [Fact]
    public void GivenTwoSeeds_WhenNaming_ThenDifferentCounties()
    {
        var first = Enumerable.Range(0, 20).Select(i => DemoNames.Township(1, i, false));
        var second = Enumerable.Range(0, 20).Select(i => DemoNames.Township(2, i, false));

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("330282001", true)]
    [InlineData("330282099", true)]
    [InlineData("330282100", false)]
    [InlineData("330282201", false)]
    public void GivenTownshipCode_WhenIsSubdistrictCode_ThenFollowsGbT10114(string code, bool subdistrict) =>
        Assert.Equal(subdistrict, DemoNames.IsSubdistrictCode(code));
}
