using Governance.Domain.Calendar;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class AddWorkingTimeTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.ChinaDefault;

    public static TheoryData<DateTimeOffset, TimeLimit, DateTimeOffset, string> Cases => new()
    {
        // Working days: the start day never counts; the deadline is close of business of the N-th working day after it.
        { At(2026, 3, 6, 16, 0), TimeLimit.WorkingDays(1), At(2026, 3, 9, 17, 30), "Friday 16:00 + 1 working day → Monday close" },
        { At(2026, 3, 6, 9, 0), TimeLimit.WorkingDays(1), At(2026, 3, 9, 17, 30), "Friday morning + 1 working day → Monday close too" },
        { At(2026, 3, 2, 9, 0), TimeLimit.WorkingDays(1), At(2026, 3, 3, 17, 30), "Monday 09:00 + 1 working day → Tuesday close" },
        { At(2026, 3, 7, 10, 0), TimeLimit.WorkingDays(1), At(2026, 3, 9, 17, 30), "Saturday + 1 working day → Monday close" },
        { At(2026, 2, 13, 16, 0), TimeLimit.WorkingDays(1), At(2026, 2, 14, 17, 30), "Friday before the Spring Festival → make-up Saturday" },
        { At(2026, 2, 13, 16, 0), TimeLimit.WorkingDays(3), At(2026, 2, 25, 17, 30), "across the Spring Festival 2026 → after Feb 23" },
        { At(2026, 2, 14, 10, 0), TimeLimit.WorkingDays(1), At(2026, 2, 24, 17, 30), "make-up Saturday + 1 → first day after the break" },
        { At(2025, 9, 30, 10, 0), TimeLimit.WorkingDays(2), At(2025, 10, 10, 17, 30), "across National Day 2025" },
        { At(2025, 9, 30, 10, 0), TimeLimit.WorkingDays(3), At(2025, 10, 11, 17, 30), "…onto the make-up Saturday Oct 11" },
        { At(2025, 1, 24, 17, 0), TimeLimit.WorkingDays(1), At(2025, 1, 26, 17, 30), "Friday + 1 → make-up Sunday Jan 26, 2025" },
        { At(2026, 9, 30, 10, 0), TimeLimit.WorkingDays(1), At(2026, 10, 8, 17, 30), "across National Day 2026" },
        { At(2026, 3, 2, 9, 0), TimeLimit.WorkingDays(15), At(2026, 3, 23, 17, 30), "illegal construction: 15 working days" },
        { At(2026, 4, 29, 10, 0), TimeLimit.WorkingDays(13), At(2026, 5, 20, 17, 30), "complaint: 13 working days across Labour Day and May 9" },
        // Same working day (当日).
        { At(2026, 3, 2, 10, 0), TimeLimit.SameWorkingDay, At(2026, 3, 2, 17, 30), "same day, morning → today's close" },
        { At(2026, 3, 2, 18, 0), TimeLimit.SameWorkingDay, At(2026, 3, 3, 17, 30), "same day, after close → tomorrow's close" },
        { At(2026, 3, 7, 10, 0), TimeLimit.SameWorkingDay, At(2026, 3, 9, 17, 30), "same day, on Saturday → Monday's close" },
        // Working hours: only minutes inside working periods count.
        { At(2026, 3, 2, 8, 30), TimeLimit.WorkingHours(3), At(2026, 3, 2, 11, 30), "within the morning" },
        { At(2026, 3, 2, 8, 30), TimeLimit.WorkingHours(4), At(2026, 3, 2, 14, 0), "over the lunch break" },
        { At(2026, 3, 2, 12, 30), TimeLimit.WorkingHours(1), At(2026, 3, 2, 14, 30), "starting in the lunch break" },
        { At(2026, 3, 2, 7, 0), TimeLimit.WorkingHours(1), At(2026, 3, 2, 9, 30), "starting before opening" },
        { At(2026, 3, 2, 18, 0), TimeLimit.WorkingHours(1), At(2026, 3, 3, 9, 30), "starting after close" },
        { At(2026, 3, 6, 16, 0), TimeLimit.WorkingHours(5), At(2026, 3, 9, 12, 0), "dirty road: Friday 16:00 + 5 h ends Monday 12:00 exactly" },
        { At(2026, 2, 13, 16, 0), TimeLimit.WorkingHours(5), At(2026, 2, 14, 12, 0), "onto the make-up Saturday" },
        { At(2026, 2, 14, 16, 0), TimeLimit.WorkingHours(4), At(2026, 2, 24, 11, 0), "over the whole Spring Festival" },
        { At(2025, 9, 26, 17, 0), TimeLimit.WorkingHours(2), At(2025, 9, 28, 10, 0), "onto the make-up Sunday Sep 28, 2025" },
        // Natural hours: the clock, day and night.
        { At(2026, 2, 14, 22, 0), TimeLimit.NaturalHours(4), At(2026, 2, 15, 2, 0), "manhole cover at night, over a holiday" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GivenStartAndLimit_WhenAddWorkingTime_ThenDeadlineIsExact(DateTimeOffset start, TimeLimit limit, DateTimeOffset expected, string why)
    {
        var deadline = Calendar.AddWorkingTime(start, limit);

        Assert.True(expected == deadline, $"{why}: expected {expected:O}, got {deadline:O}");
        Assert.Equal(Cst, deadline.Offset);
    }

    [Fact]
    public void GivenStartInUtc_WhenAddWorkingTime_ThenCountedInChinaStandardTime()
    {
        var start = new DateTimeOffset(2026, 2, 13, 8, 0, 0, TimeSpan.Zero); // 16:00 in Beijing

        Assert.Equal(At(2026, 2, 14, 17, 30), Calendar.AddWorkingTime(start, TimeLimit.WorkingDays(1)));
    }

    [Fact]
    public void GivenTwoInstants_WhenWorkingTimeBetween_ThenOnlyWorkingMinutes()
    {
        Assert.Equal(TimeSpan.FromHours(9), Calendar.WorkingTimeBetween(At(2026, 3, 6, 16, 0), At(2026, 3, 9, 17, 30)));
        Assert.Equal(TimeSpan.FromHours(1.5), Calendar.WorkingTimeBetween(At(2026, 2, 14, 16, 0), At(2026, 2, 23, 23, 0)));
        Assert.Equal(TimeSpan.Zero, Calendar.WorkingTimeBetween(At(2026, 3, 9, 10, 0), At(2026, 3, 9, 9, 0)));
    }

    [Fact]
    public void GivenInvalidLimit_WhenAddWorkingTime_ThenInvalidArgument() =>
        Assert.Equal(DomainErrorKind.InvalidArgument,
            Assert.Throws<DomainException>(() => Calendar.AddWorkingTime(Now, TimeLimit.WorkingHours(0))).Kind);

    [Fact]
    public void GivenUncoveredYear_WhenAddWorkingDays_ThenWeekendsAloneAreSkipped() =>
        // 2027-01-01 is a Friday; the data does not know it is New Year's Day, so it counts as a working day.
        Assert.Equal(At(2027, 1, 1, 17, 30), Calendar.AddWorkingTime(At(2026, 12, 31, 10, 0), TimeLimit.WorkingDays(1)));
}
