using Governance.Domain.Calendar;

namespace Governance.Domain.Tests;

/// <summary>The shipped calendar against the State Council notices for 2025 and 2026.</summary>
public class WorkingDayTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.ChinaDefault;

    [Theory]
    // 2025 make-up working days (调休上班).
    [InlineData("2025-01-26", DayOfWeek.Sunday)]
    [InlineData("2025-02-08", DayOfWeek.Saturday)]
    [InlineData("2025-04-27", DayOfWeek.Sunday)]
    [InlineData("2025-09-28", DayOfWeek.Sunday)]
    [InlineData("2025-10-11", DayOfWeek.Saturday)]
    // 2026 make-up working days.
    [InlineData("2026-01-04", DayOfWeek.Sunday)]
    [InlineData("2026-02-14", DayOfWeek.Saturday)]
    [InlineData("2026-02-28", DayOfWeek.Saturday)]
    [InlineData("2026-05-09", DayOfWeek.Saturday)]
    [InlineData("2026-09-20", DayOfWeek.Sunday)]
    [InlineData("2026-10-10", DayOfWeek.Saturday)]
    public void GivenMakeUpDay_WhenIsWorkingDay_ThenTrueAlthoughAWeekend(string date, DayOfWeek weekday)
    {
        var day = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(weekday, day.DayOfWeek);
        Assert.True(Calendar.IsWorkingDay(day));
    }

    [Theory]
    [InlineData("2025-01-01", "2025-01-01")]
    [InlineData("2025-01-28", "2025-02-04")]
    [InlineData("2025-04-04", "2025-04-06")]
    [InlineData("2025-05-01", "2025-05-05")]
    [InlineData("2025-05-31", "2025-06-02")]
    [InlineData("2025-10-01", "2025-10-08")]
    [InlineData("2026-01-01", "2026-01-03")]
    [InlineData("2026-02-15", "2026-02-23")]
    [InlineData("2026-04-04", "2026-04-06")]
    [InlineData("2026-05-01", "2026-05-05")]
    [InlineData("2026-06-19", "2026-06-21")]
    [InlineData("2026-09-25", "2026-09-27")]
    [InlineData("2026-10-01", "2026-10-07")]
    public void GivenHoliday_WhenIsWorkingDay_ThenEveryDayIsOff(string first, string last)
    {
        var from = DateOnly.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        var to = DateOnly.Parse(last, System.Globalization.CultureInfo.InvariantCulture);

        for (var day = from; day <= to; day = day.AddDays(1))
            Assert.False(Calendar.IsWorkingDay(day), $"{day:yyyy-MM-dd} should be a day off");
        Assert.NotNull(Calendar.SpecialDay(from));
    }

    [Theory]
    [InlineData("2025-10-09", true)]  // Thursday after National Day
    [InlineData("2026-10-08", true)]  // Thursday after National Day
    [InlineData("2026-02-24", true)]  // first working day after the Spring Festival
    [InlineData("2026-02-13", true)]  // Friday before it
    [InlineData("2026-03-07", false)] // an ordinary Saturday
    [InlineData("2026-03-08", false)] // an ordinary Sunday
    [InlineData("2026-03-09", true)]  // an ordinary Monday
    public void GivenOrdinaryDay_WhenIsWorkingDay_ThenTheWeekDecides(string date, bool working) =>
        Assert.Equal(working, Calendar.IsWorkingDay(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void GivenShippedData_WhenCountingSpecialDays_ThenMatchesTheNotices()
    {
        var days = Calendar.SpecialDays.ToList();

        // 2025: 1 + 8 + 3 + 5 + 3 + 8 = 28 days off, 5 make-up days; 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7 = 33 off, 6 make-up.
        Assert.Equal(28, days.Count(d => d.Date.Year == 2025 && !d.IsWorkingDay));
        Assert.Equal(5, days.Count(d => d.Date.Year == 2025 && d.IsWorkingDay));
        Assert.Equal(33, days.Count(d => d.Date.Year == 2026 && !d.IsWorkingDay));
        Assert.Equal(6, days.Count(d => d.Date.Year == 2026 && d.IsWorkingDay));
        Assert.Equal("春节", Calendar.SpecialDay(new DateOnly(2026, 2, 14))!.Name);
    }

    [Fact]
    public void GivenShippedData_WhenAskingCoverage_Then2025And2026Only()
    {
        Assert.True(Calendar.IsYearCovered(2025));
        Assert.True(Calendar.IsYearCovered(2026));
        Assert.False(Calendar.IsYearCovered(2027));
        Assert.False(Calendar.IsYearCovered(2024));
        Assert.True(Calendar.Covers(Fixtures.At(2025, 12, 30, 9, 0), Fixtures.At(2026, 1, 5, 9, 0)));
        Assert.False(Calendar.Covers(Fixtures.At(2026, 12, 30, 9, 0), Fixtures.At(2027, 1, 5, 9, 0)));
    }

    [Fact]
    public void GivenYearOutsideData_WhenIsWorkingDay_ThenWeekdaysWorkAndWeekendsRest()
    {
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2027, 1, 1)));   // a Friday; its holiday is not in the data
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2027, 1, 2)));  // Saturday
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2024, 10, 1)));  // a Tuesday of an uncovered year
    }

    [Fact]
    public void GivenDefaultCalendar_WhenReadingWorkingHours_Then0830To1200And1330To1730()
    {
        Assert.Equal(
            [new WorkingPeriod(new TimeOnly(8, 30), new TimeOnly(12, 0)), new WorkingPeriod(new TimeOnly(13, 30), new TimeOnly(17, 30))],
            Calendar.WorkingHours);
        Assert.Equal(TimeSpan.FromHours(7.5), Calendar.WorkingDayLength);
    }

    [Fact]
    public void GivenSpringFestival_WhenNextWorkingDay_ThenSkipsTheWholeBreak()
    {
        Assert.Equal(new DateOnly(2026, 2, 14), Calendar.NextWorkingDay(new DateOnly(2026, 2, 13)));
        Assert.Equal(new DateOnly(2026, 2, 24), Calendar.NextWorkingDay(new DateOnly(2026, 2, 14)));
    }
}
