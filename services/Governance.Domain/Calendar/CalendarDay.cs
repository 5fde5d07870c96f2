namespace Governance.Domain.Calendar;

/// <summary>A span of working hours within a day, in China Standard Time.</summary>
public readonly record struct WorkingPeriod(TimeOnly Start, TimeOnly End)
{
    public TimeSpan Length => End - Start;

    public override string ToString() => $"{Start:HH\\:mm}-{End:HH\\:mm}";
}

/// <summary>
/// A date the calendar data names explicitly: a day off (放假) or a make-up working day (调休上班). Every other date
/// follows the week: Saturday and Sunday off, Monday to Friday working.
/// </summary>
public sealed record CalendarDay(DateOnly Date, bool IsWorkingDay, string Name);

/// <summary>What a calendar file is: the national days (which decide the years covered) or a county's additions.</summary>
public enum CalendarFileKind
{
    /// <summary>The State Council's days for whole years; a year listed here counts as covered.</summary>
    National = 1,

    /// <summary>A county's local days layered over the national ones; it never marks a year as covered.</summary>
    Local = 2,
}
