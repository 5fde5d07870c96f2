using Governance.Domain.Calendar;
using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class RetireCategoryTests
{
    private static readonly CategoryDefined Defined = new("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2),
        TimeLimit.WorkingDays(1), true, true, DuplicatePolicy.None, Admin, Now);

    [Fact]
    public void GivenDefined_WhenRetire_ThenCategoryRetired()
    {
        var spec = Spec.Category().Given(Defined).When(new RetireCategory("LE-0101", "split into LE-0106 and LE-0107", Admin, Now));

        var events = spec.Then(new CategoryRetired("LE-0101", "split into LE-0106 and LE-0107", Admin, Now));

        Assert.True(CategoryDecider.Apply(spec.State, events[0])!.IsRetired);
    }

    [Fact]
    public void GivenRetired_WhenRetireAgain_ThenNothing() =>
        Spec.Category().Given(Defined, new CategoryRetired("LE-0101", "x", Admin, Now)).When(new RetireCategory("LE-0101", "x", Admin, Now)).ThenNothing();

    [Fact]
    public void GivenEmptyStream_WhenRetire_ThenNotFound() =>
        Spec.Category().When(new RetireCategory("LE-0101", "x", Admin, Now)).ThenFails(DomainErrorKind.NotFound);
}
