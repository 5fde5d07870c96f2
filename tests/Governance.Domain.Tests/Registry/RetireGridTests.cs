using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class RetireGridTests
{
    private const string Code = "330282001002003";
    private static readonly GridDefined Defined = new(Code, "第3网格", "330282001002", Boundary, [], Admin, Now);

    [Fact]
    public void GivenDefined_WhenRetire_ThenGridRetired()
    {
        var spec = Spec.Grid().Given(Defined).When(new RetireGrid(Code, "split into two grids", Admin, Now));

        var events = spec.Then(new GridRetired(Code, "split into two grids", Admin, Now));

        Assert.True(GridDecider.Apply(spec.State, events[0])!.IsRetired);
    }

    [Fact]
    public void GivenRetired_WhenRetireAgain_ThenNothing() =>
        Spec.Grid().Given(Defined, new GridRetired(Code, "split", Admin, Now)).When(new RetireGrid(Code, "split", Admin, Now)).ThenNothing();

    [Fact]
    public void GivenEmptyStream_WhenRetire_ThenNotFound() =>
        Spec.Grid().When(new RetireGrid(Code, "split", Admin, Now)).ThenFails(DomainErrorKind.NotFound);

    [Fact]
    public void GivenDefined_WhenRetireWithoutReason_ThenInvalidArgument() =>
        Spec.Grid().Given(Defined).When(new RetireGrid(Code, "", Admin, Now)).ThenFails(DomainErrorKind.InvalidArgument, "reason");
}
