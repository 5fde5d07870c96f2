namespace Governance.Domain.Calendar;

/// <summary>
/// The working calendar (工作日历) that deadlines are counted on: weekends, official holidays, make-up working days
/// (调休) and the daily working hours, all in China Standard Time (UTC+08:00, no daylight saving).
/// Immutable: a county's local days produce a new calendar (<see cref="WithLocalDays"/>).
/// </summary>
/// <remarks>
/// Rules for counting, fixed here once so every deadline in the system agrees:
/// <list type="bullet">
/// <item><b>Working hours</b>: only minutes inside the working periods of working days count. A limit that runs out
/// exactly at the end of a period ends there (12:00, not 13:30).</item>
/// <item><b>Working days</b>: the day the clock starts never counts, whatever the hour — as the Civil Code counts
/// periods in days (民法典 第二百零一条: 开始的当日不计入). The deadline is the close of business (end of the last working
/// period) of the N-th working day after the start date (第二百零三条: 有业务时间的，停止业务活动的时间为截止时间).
/// So 1 working day from Friday 16:00, or from Friday 09:00, or from Saturday, ends Monday 17:30 (when Monday works).
/// N = 0 means the same working day (当日): the close of business of the start date when the start is a working day
/// before its close, otherwise of the next working day.</item>
/// <item><b>Natural hours</b>: plain clock time.</item>
/// <item>Dates outside the covered years follow the week only (Saturday and Sunday off); check
/// <see cref="IsYearCovered"/> to warn that holidays may be missing.</item>
/// </list>
/// </remarks>
public sealed class WorkingCalendar
{
    /// <summary>China Standard Time. China has one time zone and no daylight saving, so a fixed offset is exact.</summary>
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    public const string DefaultResourceName = "Governance.Domain.Calendar.china-2025-2026.json";

    /// <summary>The share of a time limit after which an incident turns yellow (预警).</summary>
    public const int WarningPercent = 80;

    // A calendar with no working day in ten years is broken data; stop instead of looping for ever.
    private const int MaxDaysScanned = 3660;

    private static readonly Lazy<WorkingCalendar> LazyDefault = new(LoadDefault);

    private readonly Dictionary<DateOnly, CalendarDay> _days;
    private readonly HashSet<int> _coveredYears;
    private readonly WorkingPeriod[] _periods;

    private WorkingCalendar(IEnumerable<WorkingPeriod> periods, Dictionary<DateOnly, CalendarDay> days, HashSet<int> coveredYears)
    {
        _periods = [.. periods];
        if (_periods.Length == 0)
            throw DomainException.Invalid("A working calendar needs at least one working period per day.");
        for (var i = 0; i < _periods.Length; i++)
        {
            if (_periods[i].End <= _periods[i].Start || (i > 0 && _periods[i].Start < _periods[i - 1].End))
                throw DomainException.Invalid(
                    $"Working periods must be in order and must not overlap; got {string.Join(", ", _periods)}.");
        }
        _days = days;
        _coveredYears = coveredYears;
    }

    /// <summary>The official 2025–2026 calendar shipped inside this assembly, with 08:30–12:00 and 13:30–17:30 working hours.</summary>
    public static WorkingCalendar ChinaDefault => LazyDefault.Value;

    public IReadOnlyList<WorkingPeriod> WorkingHours => _periods;

    /// <summary>Years whose official days the data holds.</summary>
    public IReadOnlyCollection<int> CoveredYears => _coveredYears;

    /// <summary>Every date named by the data (days off and make-up working days), in date order.</summary>
    public IEnumerable<CalendarDay> SpecialDays => _days.Values.OrderBy(d => d.Date);

    /// <summary>The length of one full working day.</summary>
    public TimeSpan WorkingDayLength => TimeSpan.FromTicks(_periods.Sum(p => p.Length.Ticks));

    /// <summary>Reads a calendar from the national format (see the shipped Calendar/china-2025-2026.json).</summary>
    public static WorkingCalendar Parse(string json)
    {
        var file = CalendarFile.Parse(json);
        if (file.Kind != CalendarFileKind.National)
            throw DomainException.Invalid(
                "Calendar data: a calendar must start from a \"national\" file; add a \"local\" file on top with WithLocalDays.");
        return new WorkingCalendar(file.WorkingHours!, file.Days.ToDictionary(d => d.Date), [.. file.Years]);
    }

    /// <summary>
    /// Layers a county's own days (or a newer national file) over this calendar: a date named in the new file replaces
    /// what this calendar said about it, and its working hours (if given) replace these. Only a national file adds
    /// covered years, so a county listing one local day of 2027 does not make 2027 look complete.
    /// </summary>
    public WorkingCalendar WithLocalDays(string json)
    {
        var file = CalendarFile.Parse(json);
        var days = new Dictionary<DateOnly, CalendarDay>(_days);
        foreach (var day in file.Days)
            days[day.Date] = day;
        var years = new HashSet<int>(_coveredYears);
        if (file.Kind == CalendarFileKind.National)
            years.UnionWith(file.Years);
        return new WorkingCalendar(file.WorkingHours ?? _periods, days, years);
    }

    /// <summary>The same days with other working hours (e.g. a county's summer hours).</summary>
    public WorkingCalendar WithWorkingHours(IEnumerable<WorkingPeriod> periods) => new(periods, _days, _coveredYears);

    public bool IsYearCovered(int year) => _coveredYears.Contains(year);

    /// <summary>True when every date from <paramref name="start"/> to <paramref name="end"/> lies in a covered year.</summary>
    public bool Covers(DateTimeOffset start, DateTimeOffset end)
    {
        var first = ToLocal(start).Year;
        var last = ToLocal(end).Year;
        for (var year = Math.Min(first, last); year <= Math.Max(first, last); year++)
        {
            if (!_coveredYears.Contains(year))
                return false;
        }
        return true;
    }

    public bool IsWorkingDay(DateOnly date) =>
        _days.TryGetValue(date, out var day)
            ? day.IsWorkingDay
            : date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>The data's entry for a date (a holiday or make-up day), or null when the date follows the week.</summary>
    public CalendarDay? SpecialDay(DateOnly date) => _days.GetValueOrDefault(date);

    /// <summary>The first working day strictly after <paramref name="date"/>.</summary>
    public DateOnly NextWorkingDay(DateOnly date)
    {
        for (var i = 0; i < MaxDaysScanned; i++)
        {
            date = date.AddDays(1);
            if (IsWorkingDay(date))
                return date;
        }
        throw NoWorkingDays(date);
    }

    /// <summary>Close of business of a date, China Standard Time.</summary>
    public DateTimeOffset EndOfWorkingDay(DateOnly date) => At(date, _periods[^1].End);

    /// <summary>The deadline of a time limit whose clock starts at <paramref name="start"/>; see the class remarks.</summary>
    public DateTimeOffset AddWorkingTime(DateTimeOffset start, TimeLimit limit)
    {
        limit.Validate("Time limit");
        return limit.Unit switch
        {
            TimeLimitUnit.NaturalHours => start.ToOffset(ChinaStandardTime).AddHours(limit.Amount),
            TimeLimitUnit.WorkingHours => AddWorkingDuration(start, TimeSpan.FromHours(limit.Amount)),
            _ => AddWorkingDays(start, limit.Amount),
        };
    }

    /// <summary>The instant when <paramref name="duration"/> of working time has passed since <paramref name="start"/>.</summary>
    public DateTimeOffset AddWorkingDuration(DateTimeOffset start, TimeSpan duration)
    {
        var local = ToLocal(start);
        if (duration <= TimeSpan.Zero)
            return start.ToOffset(ChinaStandardTime);
        var date = DateOnly.FromDateTime(local);
        var time = TimeOnly.FromDateTime(local);
        var remaining = duration;
        for (var i = 0; i < MaxDaysScanned; i++)
        {
            if (IsWorkingDay(date))
            {
                foreach (var period in _periods)
                {
                    if (time >= period.End)
                        continue;
                    var from = time > period.Start ? time : period.Start;
                    var available = period.End - from;
                    if (remaining <= available)
                        return At(date, from).Add(remaining);
                    remaining -= available;
                }
            }
            date = date.AddDays(1);
            time = TimeOnly.MinValue;
        }
        throw NoWorkingDays(date);
    }

    /// <summary>Working time between two instants (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public TimeSpan WorkingTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
            return TimeSpan.Zero;
        var start = ToLocal(from);
        var end = ToLocal(to);
        var total = TimeSpan.Zero;
        for (var date = DateOnly.FromDateTime(start); date <= DateOnly.FromDateTime(end); date = date.AddDays(1))
        {
            if (!IsWorkingDay(date))
                continue;
            var day = date.ToDateTime(TimeOnly.MinValue);
            foreach (var period in _periods)
            {
                var periodStart = day + period.Start.ToTimeSpan();
                var periodEnd = day + period.End.ToTimeSpan();
                var overlapStart = periodStart > start ? periodStart : start;
                var overlapEnd = periodEnd < end ? periodEnd : end;
                if (overlapEnd > overlapStart)
                    total += overlapEnd - overlapStart;
            }
        }
        return total;
    }

    /// <summary>
    /// When an incident turns yellow: after 80 % of the working time between start and deadline has passed, to the
    /// second. When no working time lies between them (both in one weekend, say) 80 % of the clock time is used.
    /// </summary>
    public DateTimeOffset WarningTime(DateTimeOffset start, DateTimeOffset deadline)
    {
        var working = WorkingTimeBetween(start, deadline);
        return working > TimeSpan.Zero
            ? AddWorkingDuration(start, Share(working))
            : start.ToOffset(ChinaStandardTime).Add(Share(deadline > start ? deadline - start : TimeSpan.Zero));
    }

    /// <summary>The warning time for a limit of a given unit: natural-hour limits warn at 80 % of clock time.</summary>
    public DateTimeOffset WarningTime(DateTimeOffset start, DateTimeOffset deadline, TimeLimitUnit unit) =>
        unit == TimeLimitUnit.NaturalHours
            ? start.ToOffset(ChinaStandardTime).Add(Share(deadline > start ? deadline - start : TimeSpan.Zero))
            : WarningTime(start, deadline);

    private DateTimeOffset AddWorkingDays(DateTimeOffset start, int days)
    {
        var local = ToLocal(start);
        var date = DateOnly.FromDateTime(local);
        if (days == 0)
        {
            var sameDay = IsWorkingDay(date) && TimeOnly.FromDateTime(local) < _periods[^1].End;
            return EndOfWorkingDay(sameDay ? date : NextWorkingDay(date));
        }
        for (var i = 0; i < days; i++)
            date = NextWorkingDay(date);
        return EndOfWorkingDay(date);
    }

    private static TimeSpan Share(TimeSpan total)
    {
        var ticks = total.Ticks / 100 * WarningPercent;
        return TimeSpan.FromTicks(ticks - ticks % TimeSpan.TicksPerSecond);
    }

    private static DateTime ToLocal(DateTimeOffset instant) => instant.ToOffset(ChinaStandardTime).DateTime;

    private static DateTimeOffset At(DateOnly date, TimeOnly time) => new(date.ToDateTime(time), ChinaStandardTime);

    private static DomainException NoWorkingDays(DateOnly date) =>
        DomainException.Precondition($"The working calendar has no working day for ten years around {date:yyyy-MM-dd}; check the calendar data.");

    private static WorkingCalendar LoadDefault()
    {
        using var stream = typeof(WorkingCalendar).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {DefaultResourceName} is missing from the build.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
