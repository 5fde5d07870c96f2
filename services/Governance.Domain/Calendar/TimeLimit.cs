namespace Governance.Domain.Calendar;

/// <summary>How a time limit is counted.</summary>
public enum TimeLimitUnit
{
    /// <summary>Only minutes inside working hours on working days count (e.g. 道路不洁 5 working hours).</summary>
    WorkingHours = 1,

    /// <summary>
    /// Whole working days; the deadline is the close of business of the N-th working day after the start day,
    /// and 0 means "the same working day" (当日). See <see cref="WorkingCalendar.AddWorkingTime"/>.
    /// </summary>
    WorkingDays = 2,

    /// <summary>Clock hours, day and night, for emergencies that do not wait for office hours (e.g. a missing manhole cover).</summary>
    NaturalHours = 3,
}

/// <summary>A sign (签收) or handle (处置) time limit of a category.</summary>
public readonly record struct TimeLimit(int Amount, TimeLimitUnit Unit)
{
    /// <summary>About one working year; a longer limit is a typo, not a policy.</summary>
    public const int MaxWorkingDays = 260;

    /// <summary>One calendar year of hours, for the same reason.</summary>
    public const int MaxHours = 8760;

    public static TimeLimit WorkingHours(int amount) => new(amount, TimeLimitUnit.WorkingHours);

    public static TimeLimit WorkingDays(int amount) => new(amount, TimeLimitUnit.WorkingDays);

    public static TimeLimit NaturalHours(int amount) => new(amount, TimeLimitUnit.NaturalHours);

    /// <summary>"Same working day" (当日办结), as 12345 emergencies require.</summary>
    public static TimeLimit SameWorkingDay => new(0, TimeLimitUnit.WorkingDays);

    /// <summary>Throws InvalidArgument when the limit cannot be counted.</summary>
    public void Validate(string what)
    {
        switch (Unit)
        {
            case TimeLimitUnit.WorkingDays when Amount is < 0 or > MaxWorkingDays:
                throw DomainException.Invalid(
                    $"{what}: {Amount} working days is out of range; use 0 (same working day) to {MaxWorkingDays}.");
            case TimeLimitUnit.WorkingHours or TimeLimitUnit.NaturalHours when Amount is < 1 or > MaxHours:
                throw DomainException.Invalid($"{what}: {Amount} hours is out of range; use 1 to {MaxHours}.");
            case TimeLimitUnit.WorkingDays or TimeLimitUnit.WorkingHours or TimeLimitUnit.NaturalHours:
                return;
            default:
                throw DomainException.Invalid(
                    $"{what}: unit {(int)Unit} is not one of WorkingHours, WorkingDays, NaturalHours.");
        }
    }

    public override string ToString() => Unit switch
    {
        TimeLimitUnit.WorkingDays when Amount == 0 => "same working day",
        TimeLimitUnit.WorkingDays => $"{Amount} working day{(Amount == 1 ? "" : "s")}",
        TimeLimitUnit.WorkingHours => $"{Amount} working hour{(Amount == 1 ? "" : "s")}",
        TimeLimitUnit.NaturalHours => $"{Amount} hour{(Amount == 1 ? "" : "s")}",
        _ => $"{Amount} ({Unit})",
    };
}
