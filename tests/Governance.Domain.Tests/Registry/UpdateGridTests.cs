using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class UpdateGridTests
{
    private const string Code = "330282001002003";
    private static readonly GridDefined Defined = new(Code, "第3网格", "330282001002", Boundary, ["gw-1"], Admin, Now);

    [Fact]
    public void GivenDefined_WhenRedrawBoundary_ThenGridUpdated()
    {
        var spec = Spec.Grid().Given(Defined).When(new UpdateGrid(Code, "第3网格", OtherBoundary, Admin, Now.AddDays(1)));

        var events = spec.Then(new GridUpdated(Code, "第3网格", OtherBoundary, Admin, Now.AddDays(1)));

        var state = GridDecider.Apply(spec.State, events[0])!;
        Assert.Equal(OtherBoundary, state.BoundaryWkb);
        Assert.Equal(["gw-1"], state.GridWorkerIds);
    }

    [Fact]
    public void GivenDefined_WhenUpdateWithSameValues_ThenNothing() =>
        Spec.Grid().Given(Defined).When(new UpdateGrid(Code, "第3网格", [.. Boundary], Admin, Now)).ThenNothing();

    [Fact]
    public void GivenEmptyStream_WhenUpdate_ThenNotFound() =>
        Spec.Grid().When(new UpdateGrid(Code, "第3网格", Boundary, Admin, Now)).ThenFails(DomainErrorKind.NotFound);

    [Fact]
    public void GivenRetired_WhenUpdate_ThenFailedPrecondition() =>
        Spec.Grid()
            .Given(Defined, new GridRetired(Code, "redrawn", Admin, Now))
            .When(new UpdateGrid(Code, "第3网格", OtherBoundary, Admin, Now))
            .ThenFails(DomainErrorKind.FailedPrecondition);

    [Fact]
    public void GivenDefined_WhenUpdateWithEmptyBoundary_ThenInvalidArgument() =>
        Spec.Grid().Given(Defined).When(new UpdateGrid(Code, "第3网格", [], Admin, Now)).ThenFails(DomainErrorKind.InvalidArgument);
}
