using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class UpdateDepartmentTests
{
    private static readonly DepartmentDefined Defined =
        new("330282-CGJ", "城管局", Platform.LawEnforcement, DepartmentKind.CountyBureau, "330282", Admin, Now);

    [Fact]
    public void GivenDefined_WhenRename_ThenDepartmentUpdatedAndKindKept()
    {
        var spec = Spec.Department().Given(Defined).When(new UpdateDepartment("330282-CGJ", "综合行政执法局", Platform.LawEnforcement, Admin, Now));

        var events = spec.Then(new DepartmentUpdated("330282-CGJ", "综合行政执法局", Platform.LawEnforcement, Admin, Now));

        var state = DepartmentDecider.Apply(spec.State, events[0])!;
        Assert.Equal(("综合行政执法局", DepartmentKind.CountyBureau, "330282"), (state.Name, state.Kind, state.CountyCode));
    }

    [Fact]
    public void GivenDefined_WhenUpdateToSame_ThenNothing() =>
        Spec.Department().Given(Defined).When(new UpdateDepartment("330282-CGJ", "城管局", Platform.LawEnforcement, Admin, Now)).ThenNothing();

    [Fact]
    public void GivenEmptyStream_WhenUpdate_ThenNotFound() =>
        Spec.Department().When(new UpdateDepartment("330282-CGJ", "城管局", Platform.LawEnforcement, Admin, Now)).ThenFails(DomainErrorKind.NotFound);

    [Fact]
    public void GivenRetired_WhenUpdate_ThenFailedPrecondition() =>
        Spec.Department()
            .Given(Defined, new DepartmentRetired("330282-CGJ", "merged", Admin, Now))
            .When(new UpdateDepartment("330282-CGJ", "新名", Platform.LawEnforcement, Admin, Now))
            .ThenFails(DomainErrorKind.FailedPrecondition);
}
