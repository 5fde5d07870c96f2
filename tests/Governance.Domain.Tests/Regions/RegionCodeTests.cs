using Governance.Domain.Regions;

namespace Governance.Domain.Tests;

public class RegionCodeTests
{
    [Theory]
    [InlineData("330200", RegionLevel.City)]
    [InlineData("110100", RegionLevel.City)]
    [InlineData("330282", RegionLevel.County)]
    [InlineData("330282001", RegionLevel.Township)]
    [InlineData("330282001002", RegionLevel.Village)]
    [InlineData("330282001002003", RegionLevel.Grid)]
    public void GivenValidCode_WhenParse_ThenLevelFollowsLength(string text, RegionLevel level)
    {
        var code = RegionCode.Parse(text);

        Assert.Equal(level, code.Level);
        Assert.Equal(text, code.Value);
        Assert.Equal(text, code.ToString());
    }

    [Fact]
    public void GivenGridCode_WhenWalkingParents_ThenVillageTownshipCountyCityThenNone()
    {
        var grid = RegionCode.Parse("330282001002003");

        var village = grid.Parent!.Value;
        var township = village.Parent!.Value;
        var county = township.Parent!.Value;
        var city = county.Parent!.Value;

        Assert.Equal(("330282001002", RegionLevel.Village), (village.Value, village.Level));
        Assert.Equal(("330282001", RegionLevel.Township), (township.Value, township.Level));
        Assert.Equal(("330282", RegionLevel.County), (county.Value, county.Level));
        Assert.Equal(("330200", RegionLevel.City), (city.Value, city.Level));
        Assert.Null(city.Parent);
    }

    [Fact]
    public void GivenGridCode_WhenAskingAncestors_ThenEachLevelIsAPrefix()
    {
        var grid = RegionCode.Parse("330282101005012");

        Assert.Equal("330282", grid.County!.Value.Value);
        Assert.Equal("330200", grid.City.Value);
        Assert.Equal("330282101", grid.AncestorAt(RegionLevel.Township)!.Value.Value);
        Assert.Equal("330282101005", grid.AncestorAt(RegionLevel.Village)!.Value.Value);
        Assert.Equal(grid, grid.AncestorAt(RegionLevel.Grid));
        Assert.Null(RegionCode.Parse("330282").AncestorAt(RegionLevel.Village));
        Assert.Null(RegionCode.Parse("330200").County);
    }

    [Fact]
    public void GivenRegions_WhenContains_ThenOnlyDescendantsAndItself()
    {
        var township = RegionCode.Parse("330282001");

        Assert.True(township.Contains(RegionCode.Parse("330282001002003")));
        Assert.True(township.Contains(township));
        Assert.False(township.Contains(RegionCode.Parse("330282002002003")));
        Assert.False(township.Contains(RegionCode.Parse("330282")));
        Assert.True(RegionCode.Parse("330200").Contains(township));
    }

    [Fact]
    public void GivenVillage_WhenChild_ThenGridCodeWithThreeDigitSerial()
    {
        var village = RegionCode.Parse("330282001002");

        Assert.Equal("330282001002007", village.Child(7).Value);
        Assert.Equal(RegionLevel.Grid, village.Child(999).Level);
        Assert.Equal(DomainErrorKind.InvalidArgument, Assert.Throws<DomainException>(() => village.Child(0)).Kind);
        Assert.Equal(DomainErrorKind.InvalidArgument, Assert.Throws<DomainException>(() => village.Child(1000)).Kind);
        Assert.Throws<DomainException>(() => RegionCode.Parse("330282001002003").Child(1));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("33028a", "digits only")]
    [InlineData("3302820", "has 7 digits")]
    [InlineData("33028200100", "has 11 digits")]
    [InlineData("330000", "is a province")]
    [InlineData("990282", "province code")]
    [InlineData("330001", "city digits '00'")]
    [InlineData("330282000", "township digits '000'")]
    [InlineData("330282001000", "village digits '000'")]
    [InlineData("330282001002000", "grid digits '000'")]
    [InlineData("330000001", "does not start with a county code")]
    public void GivenMalformedCode_WhenParse_ThenInvalidArgumentSaysWhy(string text, string reason)
    {
        var error = Assert.Throws<DomainException>(() => RegionCode.Parse(text));

        Assert.Equal(DomainErrorKind.InvalidArgument, error.Kind);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(RegionCode.TryParse(text, out _));
    }

    [Fact]
    public void GivenTwoCodes_WhenCompared_ThenByValue()
    {
        Assert.Equal(RegionCode.Parse("330282"), RegionCode.Parse("330282"));
        Assert.True(RegionCode.Parse("330282") == RegionCode.Parse("330282"));
        Assert.True(RegionCode.Parse("330281") < RegionCode.Parse("330282"));
        Assert.Equal("", default(RegionCode).Value);
    }
}
