using System.Globalization;
using System.Text.Json;

namespace Governance.Domain.Calendar;

/// <summary>
/// Reads the editable calendar format (see Calendar/china-2025-2026.json). Every error names the place in the file
/// (e.g. <c>years[1].holidays[2].off[0]</c>) and what would be accepted, because the people editing these files are
/// county staff, not programmers.
/// </summary>
internal sealed class CalendarFile
{
    // A holiday range longer than this is almost certainly a typo in a date (the longest official break is 9 days).
    private const int MaxRangeDays = 31;

    private CalendarFile(CalendarFileKind kind, string? name, IReadOnlyList<WorkingPeriod>? workingHours,
        IReadOnlyList<CalendarDay> days, IReadOnlyList<int> years)
    {
        Kind = kind;
        Name = name;
        WorkingHours = workingHours;
        Days = days;
        Years = years;
    }

    public CalendarFileKind Kind { get; }

    public string? Name { get; }

    /// <summary>Null when the file leaves the working hours as they are.</summary>
    public IReadOnlyList<WorkingPeriod>? WorkingHours { get; }

    public IReadOnlyList<CalendarDay> Days { get; }

    public IReadOnlyList<int> Years { get; }

    public static CalendarFile Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
            });
        }
        catch (JsonException ex)
        {
            throw Error("$", $"the file is not valid JSON ({ex.Message})");
        }
        using (document)
        {
            return Read(document.RootElement);
        }
    }

    private static CalendarFile Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw Error("$", "expected an object with 'kind', 'workingHours' and 'years'");
        Known(root, "$", "$comment", "kind", "name", "workingHours", "years");

        var kind = root.TryGetProperty("kind", out var kindElement) ? kindElement.ValueKind == JsonValueKind.String
            ? kindElement.GetString() switch
            {
                "national" => CalendarFileKind.National,
                "local" => CalendarFileKind.Local,
                var other => throw Error("kind", $"'{other}' is not a kind; use \"national\" or \"local\""),
            }
            : throw Error("kind", "expected a string, \"national\" or \"local\"")
            : throw Error("kind", "is missing; use \"national\" for the official State Council days or \"local\" for a county's own days");

        var name = root.TryGetProperty("name", out var nameElement) ? String(nameElement, "name") : null;

        IReadOnlyList<WorkingPeriod>? hours = null;
        if (root.TryGetProperty("workingHours", out var hoursElement))
            hours = ReadWorkingHours(hoursElement);
        else if (kind == CalendarFileKind.National)
            throw Error("workingHours", "is missing; a national file sets the working hours, e.g. [\"08:30-12:00\", \"13:30-17:30\"]");

        if (!root.TryGetProperty("years", out var yearsElement) || yearsElement.ValueKind != JsonValueKind.Array)
            throw Error("years", "is missing or not an array of { \"year\": 2026, \"holidays\": [...] }");

        var days = new Dictionary<DateOnly, (CalendarDay Day, string Path)>();
        var years = new List<int>();
        var i = 0;
        foreach (var yearElement in yearsElement.EnumerateArray())
        {
            var path = $"years[{i++}]";
            ReadYear(yearElement, path, years, days);
        }
        return new CalendarFile(kind, name, hours, [.. days.Values.Select(d => d.Day).OrderBy(d => d.Date)], years);
    }

    private static List<WorkingPeriod> ReadWorkingHours(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
            throw Error("workingHours", "expected a non-empty array of periods like \"08:30-12:00\"");
        var periods = new List<WorkingPeriod>();
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            var path = $"workingHours[{i++}]";
            var text = String(item, path);
            var parts = text.Split('-');
            if (parts.Length != 2
                || !TimeOnly.TryParseExact(parts[0].Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
                || !TimeOnly.TryParseExact(parts[1].Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
                throw Error(path, $"'{text}' is not a period; write start and end as HH:mm-HH:mm, e.g. \"08:30-12:00\"");
            if (end <= start)
                throw Error(path, $"'{text}' ends before it starts");
            if (periods.Count > 0 && start < periods[^1].End)
                throw Error(path, $"'{text}' overlaps or precedes {periods[^1]}; list the periods in order without overlaps");
            periods.Add(new WorkingPeriod(start, end));
        }
        return periods;
    }

    private static void ReadYear(JsonElement element, string path, List<int> years,
        Dictionary<DateOnly, (CalendarDay Day, string Path)> days)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Error(path, "expected an object { \"year\": 2026, \"holidays\": [...] }");
        Known(element, path, "$comment", "year", "source", "holidays");
        if (!element.TryGetProperty("year", out var yearElement) || !yearElement.TryGetInt32(out var year) || year is < 1949 or > 2999)
            throw Error($"{path}.year", "is missing or not a year such as 2026");
        if (years.Contains(year))
            throw Error($"{path}.year", $"{year} is listed twice; put all of a year's holidays in one entry");
        years.Add(year);
        if (element.TryGetProperty("source", out var source))
            String(source, $"{path}.source");
        if (!element.TryGetProperty("holidays", out var holidays) || holidays.ValueKind != JsonValueKind.Array)
            throw Error($"{path}.holidays", "is missing or not an array (it may be empty: [])");

        var i = 0;
        foreach (var holiday in holidays.EnumerateArray())
        {
            var holidayPath = $"{path}.holidays[{i++}]";
            if (holiday.ValueKind != JsonValueKind.Object)
                throw Error(holidayPath, "expected an object { \"name\": \"春节\", \"off\": [...], \"work\": [...] }");
            Known(holiday, holidayPath, "$comment", "name", "off", "work");
            var name = holiday.TryGetProperty("name", out var nameElement)
                ? String(nameElement, $"{holidayPath}.name")
                : throw Error($"{holidayPath}.name", "is missing; name the holiday so a reader knows why the day is off");
            if (string.IsNullOrWhiteSpace(name))
                throw Error($"{holidayPath}.name", "is empty");
            ReadDays(holiday, holidayPath, "off", name, year, isWorking: false, days);
            ReadDays(holiday, holidayPath, "work", name, year, isWorking: true, days);
        }
    }

    private static void ReadDays(JsonElement holiday, string holidayPath, string property, string name, int year,
        bool isWorking, Dictionary<DateOnly, (CalendarDay Day, string Path)> days)
    {
        if (!holiday.TryGetProperty(property, out var list))
            return;
        if (list.ValueKind != JsonValueKind.Array)
            throw Error($"{holidayPath}.{property}", "expected an array of dates (\"2026-02-14\") or ranges (\"2026-02-15..2026-02-23\")");
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var path = $"{holidayPath}.{property}[{i++}]";
            var text = String(item, path);
            var (first, last) = ReadRange(text, path);
            if (first.Year < year - 1 || last.Year > year + 1)
                throw Error(path, $"'{text}' is not in or next to {year}; put it under its own year");
            for (var date = first; date <= last; date = date.AddDays(1))
            {
                if (isWorking && date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                    throw Error(path, $"{date:yyyy-MM-dd} is a {date.DayOfWeek}, already a working day; make-up working days (调休) fall on a Saturday or Sunday");
                if (days.TryGetValue(date, out var existing))
                    throw Error(path, $"{date:yyyy-MM-dd} is already listed at {existing.Path} ({existing.Day.Name}); list each date once");
                days[date] = (new CalendarDay(date, isWorking, name.Trim()), path);
            }
        }
    }

    private static (DateOnly First, DateOnly Last) ReadRange(string text, string path)
    {
        var parts = text.Split("..");
        if (parts.Length is < 1 or > 2)
            throw Error(path, $"'{text}' is not a date or a range; write \"2026-02-14\" or \"2026-02-15..2026-02-23\"");
        var first = Date(parts[0], path, text);
        var last = parts.Length == 2 ? Date(parts[1], path, text) : first;
        if (last < first)
            throw Error(path, $"'{text}' ends before it starts");
        if (last.DayNumber - first.DayNumber >= MaxRangeDays)
            throw Error(path, $"'{text}' spans more than {MaxRangeDays} days; check the dates");
        return (first, last);
    }

    private static DateOnly Date(string part, string path, string text) =>
        DateOnly.TryParseExact(part.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Error(path, $"'{text}' is not a date; write yyyy-MM-dd, e.g. \"2026-02-14\", or a range \"2026-02-15..2026-02-23\"");

    private static string String(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw Error(path, "expected a string");

    private static void Known(JsonElement element, string path, params string[] allowed)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
                throw Error(path, $"unknown property '{property.Name}'; expected {string.Join(", ", allowed.Skip(1))}");
        }
    }

    private static DomainException Error(string path, string message) =>
        DomainException.Invalid($"Calendar data, at {path}: {message}.");
}
