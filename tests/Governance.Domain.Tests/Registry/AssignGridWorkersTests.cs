using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class AssignGridWorkersTests
{
    private const string Code = "330282001002003";
    private static readonly GridDefined Defined = new(Code, "第3网格", "330282001002", Boundary, ["gw-1"], Admin, Now);

    [Fact]
    public void GivenDefined_WhenAssignWorkers_ThenGridWorkersAssignedReplacesTheSet()
    {
        var spec = Spec.Grid().Given(Defined).When(new AssignGridWorkers(Code, ["gw-3", "gw-2"], Admin, Now));

        var events = spec.Then(new GridWorkersAssigned(Code, ["gw-2", "gw-3"], Admin, Now));

        Assert.Equal(["gw-2", "gw-3"], GridDecider.Apply(spec.State, events[0])!.GridWorkerIds);
    }

    [Fact]
    public void GivenDefined_WhenAssignSameSetInOtherOrder_ThenNothing() =>
        Spec.Grid()
            .Given(Defined, new GridWorkersAssigned(Code, ["gw-1", "gw-2"], Admin, Now))
            .When(new AssignGridWorkers(Code, ["gw-2", "gw-1"], Admin, Now))
            .ThenNothing();

    [Fact]
    public void GivenDefined_WhenAssignNobody_ThenWorkersCleared() =>
        Spec.Grid().Given(Defined).When(new AssignGridWorkers(Code, [], Admin, Now)).Then(new GridWorkersAssigned(Code, [], Admin, Now));

    [Fact]
    public void GivenEmptyStream_WhenAssign_ThenNotFound() =>
        Spec.Grid().When(new AssignGridWorkers(Code, ["gw-1"], Admin, Now)).ThenFails(DomainErrorKind.NotFound);

    [Fact]
    public void GivenRetired_WhenAssign_ThenFailedPrecondition() =>
        Spec.Grid()
            .Given(Defined, new GridRetired(Code, "redrawn", Admin, Now))
            .When(new AssignGridWorkers(Code, ["gw-2"], Admin, Now))
            .ThenFails(DomainErrorKind.FailedPrecondition);
}
