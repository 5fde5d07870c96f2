using Governance.Domain.Calendar;
using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class UpdateCategoryTests
{
    private static readonly CategoryDefined Defined = new("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2),
        TimeLimit.WorkingDays(1), true, true, DuplicatePolicy.None, Admin, Now);

    [Fact]
    public void GivenDefined_WhenTightenHandleLimit_ThenCategoryUpdated()
    {
        var command = new UpdateCategory("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2), TimeLimit.WorkingHours(4),
            false, true, new DuplicatePolicy(30, 60), Admin, Now.AddDays(1));
        var spec = Spec.Category().Given(Defined).When(command);

        var events = spec.Then(new CategoryUpdated("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2), TimeLimit.WorkingHours(4),
            false, true, new DuplicatePolicy(30, 60), Admin, Now.AddDays(1)));

        var state = CategoryDecider.Apply(spec.State, events[0])!;
        Assert.Equal(TimeLimit.WorkingHours(4), state.HandleLimit);
        Assert.False(state.AutoDispatch);
        Assert.True(state.Duplicates.IsEnabled);
    }

    [Fact]
    public void GivenDefined_WhenUpdateToSame_ThenNothing() =>
        Spec.Category()
            .Given(Defined)
            .When(new UpdateCategory("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2), TimeLimit.WorkingDays(1), true, true,
                DuplicatePolicy.None, Admin, Now))
            .ThenNothing();

    [Fact]
    public void GivenEmptyStream_WhenUpdate_ThenNotFound() =>
        Spec.Category()
            .When(new UpdateCategory("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2), TimeLimit.WorkingDays(1), true, true,
                DuplicatePolicy.None, Admin, Now))
            .ThenFails(DomainErrorKind.NotFound);

    [Fact]
    public void GivenRetired_WhenUpdate_ThenFailedPrecondition() =>
        Spec.Category()
            .Given(Defined, new CategoryRetired("LE-0101", "split", Admin, Now))
            .When(new UpdateCategory("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2), TimeLimit.WorkingDays(2), true, true,
                DuplicatePolicy.None, Admin, Now))
            .ThenFails(DomainErrorKind.FailedPrecondition);
}
