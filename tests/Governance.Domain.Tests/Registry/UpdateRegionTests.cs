using Governance.Domain.Regions;
using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class UpdateRegionTests
{
    private static readonly RegionDefined Defined = new("330282001", "浒山街道", RegionLevel.Township, "330282", Admin, Now);

    [Fact]
    public void GivenDefined_WhenUpdateName_ThenRegionUpdated()
    {
        var spec = Spec.Region().Given(Defined).When(new UpdateRegion("330282001", "浒山新街道", Admin, Now.AddDays(1)));

        var events = spec.Then(new RegionUpdated("330282001", "浒山新街道", Admin, Now.AddDays(1)));

        Assert.Equal("浒山新街道", RegionDecider.Apply(spec.State, events[0])!.Name);
    }

    [Fact]
    public void GivenDefined_WhenUpdateToSameName_ThenNothing() =>
        Spec.Region().Given(Defined).When(new UpdateRegion("330282001", "浒山街道", Admin, Now)).ThenNothing();

    [Fact]
    public void GivenEmptyStream_WhenUpdate_ThenNotFound() =>
        Spec.Region().When(new UpdateRegion("330282001", "浒山街道", Admin, Now)).ThenFails(DomainErrorKind.NotFound, "DefineRegion");

    [Fact]
    public void GivenRetired_WhenUpdate_ThenFailedPrecondition() =>
        Spec.Region()
            .Given(Defined, new RegionRetired("330282001", "merged", Admin, Now))
            .When(new UpdateRegion("330282001", "新名", Admin, Now))
            .ThenFails(DomainErrorKind.FailedPrecondition, "retired");

    [Fact]
    public void GivenDefined_WhenUpdateNamesOtherRegion_ThenInvalidArgument() =>
        Spec.Region().Given(Defined).When(new UpdateRegion("330282002", "古塘街道", Admin, Now)).ThenFails(DomainErrorKind.InvalidArgument, "stream");
}
