using Governance.Domain.Calendar;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class WarningTimeTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.ChinaDefault;

    [Fact]
    public void GivenOneWorkingDayOverAWeekend_WhenWarningTime_ThenEightyPercentOfTheWorkingTime() =>
        // 9 working hours lie between Friday 16:00 and Monday 17:30; 80 % = 7 h 12 min → Monday 15:42.
        Assert.Equal(At(2026, 3, 9, 15, 42), Calendar.WarningTime(At(2026, 3, 6, 16, 0), At(2026, 3, 9, 17, 30)));

    [Fact]
    public void GivenFiveWorkingHours_WhenWarningTime_ThenFourWorkingHoursIn() =>
        Assert.Equal(At(2026, 3, 2, 14, 0), Calendar.WarningTime(At(2026, 3, 2, 8, 30), At(2026, 3, 2, 15, 0)));

    [Fact]
    public void GivenNaturalHours_WhenWarningTime_ThenEightyPercentOfTheClock() =>
        Assert.Equal(At(2026, 2, 15, 1, 12), Calendar.WarningTime(At(2026, 2, 14, 22, 0), At(2026, 2, 15, 2, 0), TimeLimitUnit.NaturalHours));

    [Fact]
    public void GivenNoWorkingTimeBetween_WhenWarningTime_ThenEightyPercentOfTheClock() =>
        Assert.Equal(At(2026, 3, 7, 18, 0), Calendar.WarningTime(At(2026, 3, 7, 10, 0), At(2026, 3, 7, 20, 0)));

    [Fact]
    public void GivenOddDuration_WhenWarningTime_ThenTruncatedToTheSecond()
    {
        var warning = Calendar.WarningTime(At(2026, 3, 2, 9, 0), At(2026, 3, 2, 9, 0).AddSeconds(7));

        Assert.Equal(At(2026, 3, 2, 9, 0).AddSeconds(5), warning);
    }
}
