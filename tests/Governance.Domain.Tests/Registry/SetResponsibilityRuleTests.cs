using Governance.Domain.Regions;
using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.TestWorld;

namespace Governance.Domain.Tests;

public class SetResponsibilityRuleTests
{
    [Fact]
    public void GivenEmptyMatrix_WhenSetCountyRule_ThenRuleSet() =>
        Spec.Matrix()
            .When(new SetResponsibilityRule(County, County, Garbage, "330282-CGJ", Admin, Now))
            .Then(new ResponsibilityRuleSet(County, County, RegionLevel.County, Garbage, "330282-CGJ", null, Admin, Now));

    [Fact]
    public void GivenEmptyMatrix_WhenSetGridRule_ThenRuleSetAtGridLevel() =>
        Spec.Matrix()
            .When(new SetResponsibilityRule(County, TownGrid, Garbage, "330282101-ZFZD", Admin, Now))
            .Then(new ResponsibilityRuleSet(County, TownGrid, RegionLevel.Grid, Garbage, "330282101-ZFZD", null, Admin, Now));

    [Fact]
    public void GivenRule_WhenSetOtherDepartment_ThenRuleSetRecordsThePrevious()
    {
        var spec = Spec.Matrix()
            .Given(Rule(Town, RegionLevel.Township, Garbage, "330282101-ZFZD"))
            .When(new SetResponsibilityRule(County, Town, Garbage, "330282-CGJ", Admin, Now));

        var events = spec.Then(new ResponsibilityRuleSet(County, Town, RegionLevel.Township, Garbage, "330282-CGJ", "330282101-ZFZD", Admin, Now));

        var matrix = ResponsibilityMatrixDecider.Apply(spec.State, events[0]);
        Assert.Equal("330282-CGJ", Assert.Single(matrix.Rules).Value.DepartmentCode);
    }

    [Fact]
    public void GivenRule_WhenSetSameAgain_ThenNothing() =>
        Spec.Matrix()
            .Given(Rule(Town, RegionLevel.Township, Garbage, "330282101-ZFZD"))
            .When(new SetResponsibilityRule(County, Town, Garbage, "330282101-ZFZD", Admin, Now))
            .ThenNothing();

    [Theory]
    [InlineData("330283101", "outside county")]
    [InlineData("330200", "city code")]
    [InlineData("3302821", "digits")]
    public void GivenEmptyMatrix_WhenScopeIsNotInTheCounty_ThenInvalidArgument(string scope, string message) =>
        Spec.Matrix().When(new SetResponsibilityRule(County, scope, Garbage, "330282-CGJ", Admin, Now)).ThenFails(DomainErrorKind.InvalidArgument, message);

    [Fact]
    public void GivenEmptyMatrix_WhenCountyCodeIsATownship_ThenInvalidArgument() =>
        Spec.Matrix().When(new SetResponsibilityRule(Town, Town, Garbage, "330282-CGJ", Admin, Now)).ThenFails(DomainErrorKind.InvalidArgument, "not a county code");

    [Fact]
    public void GivenMatrixOfOtherCounty_WhenSet_ThenInvalidArgument() =>
        Spec.Matrix()
            .Given(new ResponsibilityRuleSet("330281", "330281", RegionLevel.County, Garbage, "330281-CGJ", null, Admin, Now))
            .When(new SetResponsibilityRule(County, County, Garbage, "330282-CGJ", Admin, Now))
            .ThenFails(DomainErrorKind.InvalidArgument, "matrix of county 330281");

    [Fact]
    public void GivenRegistry_WhenCategoryUnknown_ThenNotFound() =>
        Spec.Matrix(Snapshot).When(new SetResponsibilityRule(County, County, "NO-SUCH", "330282-CGJ", Admin, Now)).ThenFails(DomainErrorKind.NotFound, "Category NO-SUCH");

    [Fact]
    public void GivenRegistry_WhenCategoryRetired_ThenFailedPrecondition() =>
        Spec.Matrix(Snapshot).When(new SetResponsibilityRule(County, County, OldCategory, "330282-CGJ", Admin, Now)).ThenFails(DomainErrorKind.FailedPrecondition);

    [Fact]
    public void GivenRegistry_WhenDepartmentUnknown_ThenNotFound() =>
        Spec.Matrix(Snapshot).When(new SetResponsibilityRule(County, County, Garbage, "330282-NONE", Admin, Now)).ThenFails(DomainErrorKind.NotFound, "Department");

    [Fact]
    public void GivenRegistry_WhenDepartmentRetired_ThenFailedPrecondition() =>
        Spec.Matrix(Snapshot).When(new SetResponsibilityRule(County, County, Garbage, "330282-OLD", Admin, Now)).ThenFails(DomainErrorKind.FailedPrecondition, "retired");

    [Fact]
    public void GivenRegistry_WhenDepartmentOfOtherCounty_ThenFailedPrecondition()
    {
        var registry = Snapshot.With([Dept("330281-CGJ", "余姚市综合行政执法局", DepartmentKind.CountyBureau, "330281")]);

        Spec.Matrix(registry).When(new SetResponsibilityRule(County, County, Garbage, "330281-CGJ", Admin, Now)).ThenFails(DomainErrorKind.FailedPrecondition, "belongs to county 330281");
    }

    [Fact]
    public void GivenRegistry_WhenScopeUndefined_ThenNotFound() =>
        Spec.Matrix(Snapshot).When(new SetResponsibilityRule(County, "330282101009", Garbage, "330282-CGJ", Admin, Now)).ThenFails(DomainErrorKind.NotFound, "Scope");

    [Fact]
    public void GivenRegistry_WhenEverythingKnown_ThenRuleSet() =>
        Spec.Matrix(Snapshot)
            .When(new SetResponsibilityRule(County, BareTownGrid, Food, "330282-SJJ", Admin, Now))
            .Then(new ResponsibilityRuleSet(County, BareTownGrid, RegionLevel.Grid, Food, "330282-SJJ", null, Admin, Now));
}
