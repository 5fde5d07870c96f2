using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class DefineDepartmentTests
{
    [Fact]
    public void GivenEmptyStream_WhenDefineCountyBureau_ThenDepartmentDefined() =>
        Spec.Department()
            .When(new DefineDepartment("330282-CGJ", "慈溪市综合行政执法局", Platform.LawEnforcement, DepartmentKind.CountyBureau, "330282", Admin, Now))
            .Then(new DepartmentDefined("330282-CGJ", "慈溪市综合行政执法局", Platform.LawEnforcement, DepartmentKind.CountyBureau, "330282", Admin, Now));

    [Fact]
    public void GivenEmptyStream_WhenDefineTownshipCommandOffice_ThenDepartmentDefined() =>
        Spec.Department()
            .When(new DefineDepartment("330282101-ZHXX", "观海卫镇综合信息指挥室", Platform.SocialGovernance, DepartmentKind.TownshipCommandOffice, "330282101", Admin, Now))
            .Then(new DepartmentDefined("330282101-ZHXX", "观海卫镇综合信息指挥室", Platform.SocialGovernance, DepartmentKind.TownshipCommandOffice, "330282101", Admin, Now));

    [Theory]
    [InlineData(DepartmentKind.CountyBureau, "330282101")]
    [InlineData(DepartmentKind.CountyCommandCenter, "330282101")]
    [InlineData(DepartmentKind.TownshipOffice, "330282")]
    [InlineData(DepartmentKind.TownshipCommandOffice, "330282101001")]
    public void GivenEmptyStream_WhenKindDoesNotMatchRegionLevel_ThenInvalidArgument(DepartmentKind kind, string region) =>
        Spec.Department()
            .When(new DefineDepartment("D-1", "某部门", Platform.SocialGovernance, kind, region, Admin, Now))
            .ThenFails(DomainErrorKind.InvalidArgument, "belongs to a");

    [Theory]
    [InlineData("", "Department code")]
    [InlineData("城管局", "ASCII")]
    [InlineData("department 1", "ASCII")]
    public void GivenEmptyStream_WhenCodeIsNotAnIdentifier_ThenInvalidArgument(string code, string message) =>
        Spec.Department()
            .When(new DefineDepartment(code, "某部门", Platform.SocialGovernance, DepartmentKind.CountyBureau, "330282", Admin, Now))
            .ThenFails(DomainErrorKind.InvalidArgument, message);

    [Fact]
    public void GivenEmptyStream_WhenPlatformUnknown_ThenInvalidArgument() =>
        Spec.Department()
            .When(new DefineDepartment("D-1", "某部门", (Platform)9, DepartmentKind.CountyBureau, "330282", Admin, Now))
            .ThenFails(DomainErrorKind.InvalidArgument, "Platform");

    [Fact]
    public void GivenDefined_WhenDefineSameAgain_ThenNothing() =>
        Spec.Department()
            .Given(new DepartmentDefined("330282-CGJ", "执法局", Platform.LawEnforcement, DepartmentKind.CountyBureau, "330282", Admin, Now))
            .When(new DefineDepartment("330282-CGJ", "执法局", Platform.LawEnforcement, DepartmentKind.CountyBureau, "330282", Admin, Now))
            .ThenNothing();

    [Fact]
    public void GivenDefined_WhenDefineDifferently_ThenAlreadyExists() =>
        Spec.Department()
            .Given(new DepartmentDefined("330282-CGJ", "执法局", Platform.LawEnforcement, DepartmentKind.CountyBureau, "330282", Admin, Now))
            .When(new DefineDepartment("330282-CGJ", "城管局", Platform.LawEnforcement, DepartmentKind.CountyBureau, "330282", Admin, Now))
            .ThenFails(DomainErrorKind.AlreadyExists, "UpdateDepartment");
}
