using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class RetireDepartmentTests
{
    private static readonly DepartmentDefined Defined =
        new("330282-CGJ", "城管局", Platform.LawEnforcement, DepartmentKind.CountyBureau, "330282", Admin, Now);

    [Fact]
    public void GivenDefined_WhenRetire_ThenDepartmentRetired()
    {
        var spec = Spec.Department().Given(Defined).When(new RetireDepartment("330282-CGJ", "机构改革并入综合行政执法局", Admin, Now));

        var events = spec.Then(new DepartmentRetired("330282-CGJ", "机构改革并入综合行政执法局", Admin, Now));

        Assert.True(DepartmentDecider.Apply(spec.State, events[0])!.IsRetired);
    }

    [Fact]
    public void GivenRetired_WhenRetireAgain_ThenNothing() =>
        Spec.Department()
            .Given(Defined, new DepartmentRetired("330282-CGJ", "merged", Admin, Now))
            .When(new RetireDepartment("330282-CGJ", "merged", Admin, Now))
            .ThenNothing();

    [Fact]
    public void GivenEmptyStream_WhenRetire_ThenNotFound() =>
        Spec.Department().When(new RetireDepartment("330282-CGJ", "merged", Admin, Now)).ThenFails(DomainErrorKind.NotFound);

    [Fact]
    public void GivenDefined_WhenRetireWithTooLongReason_ThenInvalidArgument() =>
        Spec.Department()
            .Given(Defined)
            .When(new RetireDepartment("330282-CGJ", new string('因', 501), Admin, Now))
            .ThenFails(DomainErrorKind.InvalidArgument, "at most 500");
}
