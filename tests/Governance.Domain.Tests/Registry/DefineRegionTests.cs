using Governance.Domain.Regions;
using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class DefineRegionTests
{
    [Fact]
    public void GivenEmptyStream_WhenDefineTownship_ThenRegionDefinedWithLevelAndParent() =>
        Spec.Region()
            .When(new DefineRegion("330282001", " 浒山街道 ", Admin, Now))
            .Then(new RegionDefined("330282001", "浒山街道", RegionLevel.Township, "330282", Admin, Now));

    [Fact]
    public void GivenEmptyStream_WhenDefineCounty_ThenParentIsTheCity() =>
        Spec.Region()
            .When(new DefineRegion("330282", "慈溪市", Admin, Now))
            .Then(new RegionDefined("330282", "慈溪市", RegionLevel.County, "330200", Admin, Now));

    [Fact]
    public void GivenEmptyStream_WhenDefineCity_ThenNoParent() =>
        Spec.Region()
            .When(new DefineRegion("330200", "宁波市", Admin, Now))
            .Then(new RegionDefined("330200", "宁波市", RegionLevel.City, null, Admin, Now));

    [Fact]
    public void GivenEmptyStream_WhenDefineGridCode_ThenInvalidArgumentPointsToDefineGrid() =>
        Spec.Region()
            .When(new DefineRegion("330282001002003", "第3网格", Admin, Now))
            .ThenFails(DomainErrorKind.InvalidArgument, "DefineGrid");

    [Theory]
    [InlineData("33028", "浒山街道")]
    [InlineData("330282001", "")]
    [InlineData("330282001", "   ")]
    public void GivenEmptyStream_WhenDefineWithBadCodeOrName_ThenInvalidArgument(string code, string name) =>
        Spec.Region().When(new DefineRegion(code, name, Admin, Now)).ThenFails(DomainErrorKind.InvalidArgument);

    [Fact]
    public void GivenEmptyStream_WhenDefineWithoutSubject_ThenInvalidArgument() =>
        Spec.Region()
            .When(new DefineRegion("330282001", "浒山街道", new Actor("", ActorRole.Administrator), Now))
            .ThenFails(DomainErrorKind.InvalidArgument, "subject id");

    [Fact]
    public void GivenDefined_WhenDefineSameAgain_ThenNothing() =>
        Spec.Region()
            .Given(new RegionDefined("330282001", "浒山街道", RegionLevel.Township, "330282", Admin, Now))
            .When(new DefineRegion("330282001", "浒山街道", Admin, Now.AddHours(1)))
            .ThenNothing();

    [Fact]
    public void GivenDefined_WhenDefineWithOtherName_ThenAlreadyExists() =>
        Spec.Region()
            .Given(new RegionDefined("330282001", "浒山街道", RegionLevel.Township, "330282", Admin, Now))
            .When(new DefineRegion("330282001", "古塘街道", Admin, Now))
            .ThenFails(DomainErrorKind.AlreadyExists, "UpdateRegion");

    [Fact]
    public void GivenRetired_WhenDefineAgain_ThenFailedPrecondition() =>
        Spec.Region()
            .Given(
                new RegionDefined("330282001", "浒山街道", RegionLevel.Township, "330282", Admin, Now),
                new RegionRetired("330282001", "merged", Admin, Now))
            .When(new DefineRegion("330282001", "浒山街道", Admin, Now))
            .ThenFails(DomainErrorKind.FailedPrecondition, "never reused");
}
