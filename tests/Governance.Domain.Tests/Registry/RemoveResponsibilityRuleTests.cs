using Governance.Domain.Regions;
using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.TestWorld;

namespace Governance.Domain.Tests;

public class RemoveResponsibilityRuleTests
{
    [Fact]
    public void GivenRule_WhenRemove_ThenRuleRemovedNamesTheDepartment()
    {
        var spec = Spec.Matrix()
            .Given(Rule(County, RegionLevel.County, Garbage, "330282-CGJ"), Rule(Town, RegionLevel.Township, Garbage, "330282101-ZFZD"))
            .When(new RemoveResponsibilityRule(County, Town, Garbage, Admin, Now));

        var events = spec.Then(new ResponsibilityRuleRemoved(County, Town, Garbage, "330282101-ZFZD", Admin, Now));

        var matrix = ResponsibilityMatrixDecider.Apply(spec.State, events[0]);
        Assert.Equal(County, Assert.Single(matrix.Rules).Key.ScopeCode);
    }

    [Fact]
    public void GivenNoSuchRule_WhenRemove_ThenNotFound() =>
        Spec.Matrix()
            .Given(Rule(County, RegionLevel.County, Garbage, "330282-CGJ"))
            .When(new RemoveResponsibilityRule(County, Town, Garbage, Admin, Now))
            .ThenFails(DomainErrorKind.NotFound, "no rule");

    [Fact]
    public void GivenEmptyMatrix_WhenRemove_ThenNotFound() =>
        Spec.Matrix().When(new RemoveResponsibilityRule(County, County, Garbage, Admin, Now)).ThenFails(DomainErrorKind.NotFound);
}
