using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class DefineGridTests
{
    private const string Code = "330282001002003";

    [Fact]
    public void GivenEmptyStream_WhenDefineGrid_ThenGridDefinedWithVillageAndSortedWorkers() =>
        Spec.Grid()
            .When(new DefineGrid(Code, "城东社区第3网格", Boundary, ["gw-2", "gw-1", "gw-2"], Admin, Now))
            .Then(new GridDefined(Code, "城东社区第3网格", "330282001002", Boundary, ["gw-1", "gw-2"], Admin, Now));

    [Fact]
    public void GivenEmptyStream_WhenDefineGridWithoutWorkers_ThenGridDefined() =>
        Spec.Grid()
            .When(new DefineGrid(Code, "第3网格", Boundary, [], Admin, Now))
            .Then(new GridDefined(Code, "第3网格", "330282001002", Boundary, [], Admin, Now));

    [Fact]
    public void GivenEmptyStream_WhenDefineWithVillageCode_ThenInvalidArgument() =>
        Spec.Grid()
            .When(new DefineGrid("330282001002", "城东社区", Boundary, [], Admin, Now))
            .ThenFails(DomainErrorKind.InvalidArgument, "15 digits");

    [Fact]
    public void GivenEmptyStream_WhenDefineWithEmptyBoundary_ThenInvalidArgument() =>
        Spec.Grid().When(new DefineGrid(Code, "第3网格", [], [], Admin, Now)).ThenFails(DomainErrorKind.InvalidArgument, "boundary");

    [Fact]
    public void GivenEmptyStream_WhenDefineWithHugeBoundary_ThenInvalidArgument() =>
        Spec.Grid()
            .When(new DefineGrid(Code, "第3网格", new byte[GridDecider.MaxBoundaryBytes + 1], [], Admin, Now))
            .ThenFails(DomainErrorKind.InvalidArgument, "Simplify");

    [Fact]
    public void GivenEmptyStream_WhenDefineWithBadWorkerId_ThenInvalidArgument() =>
        Spec.Grid().When(new DefineGrid(Code, "第3网格", Boundary, ["网格员"], Admin, Now)).ThenFails(DomainErrorKind.InvalidArgument, "Grid worker id");

    [Fact]
    public void GivenEmptyStream_WhenDefineWithTooManyWorkers_ThenInvalidArgument() =>
        Spec.Grid()
            .When(new DefineGrid(Code, "第3网格", Boundary, [.. Enumerable.Range(0, GridDecider.MaxGridWorkers + 1).Select(i => $"gw-{i}")], Admin, Now))
            .ThenFails(DomainErrorKind.InvalidArgument, "at most");

    [Fact]
    public void GivenDefined_WhenDefineSameAgain_ThenNothing() =>
        Spec.Grid()
            .Given(new GridDefined(Code, "第3网格", "330282001002", Boundary, ["gw-1"], Admin, Now))
            .When(new DefineGrid(Code, "第3网格", [.. Boundary], ["gw-1"], Admin, Now.AddMinutes(1)))
            .ThenNothing();

    [Fact]
    public void GivenDefined_WhenDefineWithOtherBoundary_ThenAlreadyExists() =>
        Spec.Grid()
            .Given(new GridDefined(Code, "第3网格", "330282001002", Boundary, [], Admin, Now))
            .When(new DefineGrid(Code, "第3网格", OtherBoundary, [], Admin, Now))
            .ThenFails(DomainErrorKind.AlreadyExists, "UpdateGrid");

    [Fact]
    public void GivenRetired_WhenDefineAgain_ThenFailedPrecondition() =>
        Spec.Grid()
            .Given(
                new GridDefined(Code, "第3网格", "330282001002", Boundary, [], Admin, Now),
                new GridRetired(Code, "redrawn", Admin, Now))
            .When(new DefineGrid(Code, "第3网格", Boundary, [], Admin, Now))
            .ThenFails(DomainErrorKind.FailedPrecondition);
}
