using Governance.Domain.Calendar;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

public class CalendarDataTests
{
    private const string National = """
        {
          "kind": "national",
          "workingHours": ["09:00-12:00", "14:00-18:00"],
          "years": [
            { "year": 2030, "holidays": [ { "name": "国庆节", "off": ["2030-10-01..2030-10-07"], "work": ["2030-09-29"] } ] }
          ]
        }
        """;

    [Fact]
    public void GivenNationalFile_WhenParse_ThenDaysHoursAndCoverage()
    {
        var calendar = WorkingCalendar.Parse(National);

        Assert.False(calendar.IsWorkingDay(new DateOnly(2030, 10, 3)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2030, 9, 29)));
        Assert.True(calendar.IsYearCovered(2030));
        Assert.Equal(At(2030, 10, 8, 18, 0), calendar.AddWorkingTime(At(2030, 9, 30, 10, 0), TimeLimit.WorkingDays(1)));
        Assert.Equal(At(2030, 9, 30, 14, 30), calendar.AddWorkingTime(At(2030, 9, 30, 11, 30), TimeLimit.WorkingHours(1)));
    }

    [Fact]
    public void GivenLocalFile_WhenLayered_ThenLocalDaysWinAndCoverageIsUnchanged()
    {
        const string local = """
            {
              // A county's own day off: the local festival.
              "kind": "local",
              "years": [
                { "year": 2026, "holidays": [ { "name": "县庆", "off": ["2026-03-10"] }, { "name": "补班取消", "off": ["2026-02-28"] } ] },
                { "year": 2027, "holidays": [ { "name": "县庆", "off": ["2027-03-10"] } ] }
              ]
            }
            """;

        var calendar = WorkingCalendar.ChinaDefault.WithLocalDays(local);

        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 3, 10)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 2, 28)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2026, 2, 14)));
        Assert.False(calendar.IsYearCovered(2027));
        Assert.True(WorkingCalendar.ChinaDefault.IsWorkingDay(new DateOnly(2026, 3, 10)));
        Assert.Equal(WorkingCalendar.ChinaDefault.WorkingHours, calendar.WorkingHours);
    }

    [Fact]
    public void GivenSummerHours_WhenWithWorkingHours_ThenDeadlinesUseThem()
    {
        var summer = WorkingCalendar.ChinaDefault.WithWorkingHours(
            [new WorkingPeriod(new TimeOnly(8, 30), new TimeOnly(12, 0)), new WorkingPeriod(new TimeOnly(14, 30), new TimeOnly(18, 0))]);

        Assert.Equal(At(2026, 7, 1, 18, 0), summer.EndOfWorkingDay(new DateOnly(2026, 7, 1)));
        Assert.Equal(At(2026, 7, 1, 15, 0), summer.AddWorkingTime(At(2026, 7, 1, 8, 30), TimeLimit.WorkingHours(4)));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "expected an object")]
    [InlineData("""{ "workingHours": ["08:30-12:00"], "years": [] }""", "at kind: is missing")]
    [InlineData("""{ "kind": "federal", "workingHours": ["08:30-12:00"], "years": [] }""", "'federal' is not a kind")]
    [InlineData("""{ "kind": "national", "years": [] }""", "at workingHours: is missing")]
    [InlineData("""{ "kind": "national", "workingHours": ["8:30-12"], "years": [] }""", "at workingHours[0]: '8:30-12' is not a period")]
    [InlineData("""{ "kind": "national", "workingHours": ["13:30-17:30", "08:30-12:00"], "years": [] }""", "overlaps or precedes")]
    [InlineData("""{ "kind": "national", "workingHours": ["12:00-08:30"], "years": [] }""", "ends before it starts")]
    [InlineData("""{ "kind": "national", "workingHours": ["08:30-12:00"] }""", "at years: is missing")]
    [InlineData("""{ "kind": "national", "workingHours": ["08:30-12:00"], "yeers": [] }""", "unknown property 'yeers'")]
    [InlineData("""{ "kind": "national", "workingHours": ["08:30-12:00"], "years": [ { "holidays": [] } ] }""", "at years[0].year")]
    [InlineData("""{ "kind": "national", "workingHours": ["08:30-12:00"], "years": [ { "year": 2030, "holidays": [] }, { "year": 2030, "holidays": [] } ] }""", "listed twice")]
    [InlineData("""{ "kind": "national", "workingHours": ["08:30-12:00"], "years": [ { "year": 2030 } ] }""", "at years[0].holidays: is missing")]
    [InlineData("""{ "kind": "national", "workingHours": ["08:30-12:00"], "years": [ { "year": 2030, "holidays": [ { "off": ["2030-10-01"] } ] } ] }""", "at years[0].holidays[0].name: is missing")]
    [InlineData("""{ "kind": "national", "workingHours": ["08:30-12:00"], "years": [ { "year": 2030, "holidays": [ { "name": "x", "off": ["2030-02-30"] } ] } ] }""", "at years[0].holidays[0].off[0]: '2030-02-30' is not a date")]
    [InlineData("""{ "kind": "national", "workingHours": ["08:30-12:00"], "years": [ { "year": 2030, "holidays": [ { "name": "x", "off": ["2030-10-07..2030-10-01"] } ] } ] }""", "ends before it starts")]
    [InlineData("""{ "kind": "national", "workingHours": ["08:30-12:00"], "years": [ { "year": 2030, "holidays": [ { "name": "x", "off": ["2030-01-01..2030-03-01"] } ] } ] }""", "spans more than 31 days")]
    [InlineData("""{ "kind": "national", "workingHours": ["08:30-12:00"], "years": [ { "year": 2030, "holidays": [ { "name": "x", "off": ["2033-01-01"] } ] } ] }""", "not in or next to 2030")]
    [InlineData("""{ "kind": "national", "workingHours": ["08:30-12:00"], "years": [ { "year": 2030, "holidays": [ { "name": "x", "work": ["2030-10-08"] } ] } ] }""", "2030-10-08 is a Tuesday, already a working day")]
    [InlineData("""{ "kind": "national", "workingHours": ["08:30-12:00"], "years": [ { "year": 2030, "holidays": [ { "name": "a", "off": ["2030-10-01"] }, { "name": "b", "off": ["2030-10-01"] } ] } ] }""", "already listed at years[0].holidays[0].off[0] (a)")]
    public void GivenBrokenFile_WhenParse_ThenInvalidArgumentSaysWhereAndWhat(string json, string message)
    {
        var error = Assert.Throws<DomainException>(() => WorkingCalendar.Parse(json));

        Assert.Equal(DomainErrorKind.InvalidArgument, error.Kind);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenLocalFileAlone_WhenParse_ThenRefusedBecauseItHasNoBase() =>
        Assert.Contains("must start from a \"national\" file",
            Assert.Throws<DomainException>(() => WorkingCalendar.Parse("""{ "kind": "local", "years": [] }""")).Message, StringComparison.Ordinal);
}
