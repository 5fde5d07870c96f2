using Governance.Domain.Regions;
using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class RetireRegionTests
{
    private static readonly RegionDefined Defined = new("330282001", "浒山街道", RegionLevel.Township, "330282", Admin, Now);

    [Fact]
    public void GivenDefined_WhenRetire_ThenRegionRetired()
    {
        var spec = Spec.Region().Given(Defined).When(new RetireRegion("330282001", " 并入古塘街道 ", Admin, Now));

        var events = spec.Then(new RegionRetired("330282001", "并入古塘街道", Admin, Now));

        Assert.True(RegionDecider.Apply(spec.State, events[0])!.IsRetired);
    }

    [Fact]
    public void GivenRetired_WhenRetireAgain_ThenNothing() =>
        Spec.Region()
            .Given(Defined, new RegionRetired("330282001", "merged", Admin, Now))
            .When(new RetireRegion("330282001", "again", Admin, Now))
            .ThenNothing();

    [Fact]
    public void GivenDefined_WhenRetireWithoutReason_ThenInvalidArgument() =>
        Spec.Region().Given(Defined).When(new RetireRegion("330282001", " ", Admin, Now)).ThenFails(DomainErrorKind.InvalidArgument, "reason");

    [Fact]
    public void GivenEmptyStream_WhenRetire_ThenNotFound() =>
        Spec.Region().When(new RetireRegion("330282001", "merged", Admin, Now)).ThenFails(DomainErrorKind.NotFound);
}
