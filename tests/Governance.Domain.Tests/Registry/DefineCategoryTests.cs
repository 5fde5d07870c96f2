using Governance.Domain.Calendar;
using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class DefineCategoryTests
{
    private static readonly DuplicatePolicy Street = new(50, 1440);

    private static DefineCategory Command(TimeLimit? sign = null, TimeLimit? handle = null, DuplicatePolicy? duplicates = null, string name = "暴露垃圾") =>
        new("LE-0101", name, Platform.LawEnforcement, sign ?? TimeLimit.WorkingHours(2), handle ?? TimeLimit.WorkingDays(1), true, true,
            duplicates ?? Street, Admin, Now);

    [Fact]
    public void GivenEmptyStream_WhenDefineCategory_ThenCategoryDefined() =>
        Spec.Category()
            .When(Command())
            .Then(new CategoryDefined("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2), TimeLimit.WorkingDays(1), true, true, Street, Admin, Now));

    [Fact]
    public void GivenEmptyStream_WhenHandleLimitIsSameWorkingDay_ThenCategoryDefined() =>
        Spec.Category()
            .When(Command(handle: TimeLimit.SameWorkingDay))
            .Then(new CategoryDefined("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2), TimeLimit.SameWorkingDay, true, true, Street, Admin, Now));

    [Theory]
    [InlineData(0, TimeLimitUnit.WorkingHours)]
    [InlineData(0, TimeLimitUnit.NaturalHours)]
    [InlineData(-1, TimeLimitUnit.WorkingDays)]
    [InlineData(261, TimeLimitUnit.WorkingDays)]
    [InlineData(8761, TimeLimitUnit.NaturalHours)]
    [InlineData(1, (TimeLimitUnit)0)]
    public void GivenEmptyStream_WhenLimitOutOfRange_ThenInvalidArgument(int amount, TimeLimitUnit unit) =>
        Spec.Category().When(Command(handle: new TimeLimit(amount, unit))).ThenFails(DomainErrorKind.InvalidArgument, "Handle limit of LE-0101");

    [Theory]
    [InlineData(-1, 60)]
    [InlineData(5001, 60)]
    [InlineData(50, 43201)]
    public void GivenEmptyStream_WhenDuplicatePolicyOutOfRange_ThenInvalidArgument(int radius, int window) =>
        Spec.Category().When(Command(duplicates: new DuplicatePolicy(radius, window))).ThenFails(DomainErrorKind.InvalidArgument, "Duplicate");

    [Fact]
    public void GivenEmptyStream_WhenNameTooLong_ThenInvalidArgument() =>
        Spec.Category().When(Command(name: new string('垃', 101))).ThenFails(DomainErrorKind.InvalidArgument, "at most 100");

    [Fact]
    public void GivenDefined_WhenDefineSameAgain_ThenNothing() =>
        Spec.Category()
            .Given(new CategoryDefined("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2), TimeLimit.WorkingDays(1), true, true, Street, Admin, Now))
            .When(Command())
            .ThenNothing();

    [Fact]
    public void GivenDefined_WhenDefineWithOtherLimits_ThenAlreadyExists() =>
        Spec.Category()
            .Given(new CategoryDefined("LE-0101", "暴露垃圾", Platform.LawEnforcement, TimeLimit.WorkingHours(2), TimeLimit.WorkingDays(1), true, true, Street, Admin, Now))
            .When(Command(handle: TimeLimit.WorkingDays(2)))
            .ThenFails(DomainErrorKind.AlreadyExists, "UpdateCategory");
}
