using Governance.Contracts.V1;

namespace Governance.Incidents.Tests.Analytics;

/// <summary>Rate sheets written out by hand, to compare whole with what the service answers.</summary>
internal static class Sheets
{
    /// <summary>A count and what it is out of; the value is numerator / denominator, unset when out of nothing.</summary>
    public static Ratio Ratio((long Numerator, long Denominator) ratio)
    {
        var result = new Ratio { Numerator = ratio.Numerator, Denominator = ratio.Denominator };
        if (ratio.Denominator > 0)
        {
            result.Value = ratio.Numerator / (double)ratio.Denominator;
        }
        return result;
    }

    /// <summary>How many durations, and their median and 90th percentile in seconds (unset when there are none).</summary>
    public static DurationStats Durations((long Count, double Median, double P90) durations)
    {
        var stats = new DurationStats { Count = durations.Count };
        if (durations.Count > 0)
        {
            stats.MedianSeconds = durations.Median;
            stats.P90Seconds = durations.P90;
        }
        return stats;
    }

    public static RateSheet Sheet(
        long reported,
        (long, long) closure,
        (long, long) onTime,
        (long, long) crossDepartment,
        (long, long) crossDepartmentOnTime,
        (long, long) disposal,
        (long, long) resolvedLocally,
        (long, long) rework,
        (long, long) onTimeSign,
        (long, long) returned,
        (long, double, double) toDispatch,
        (long, double, double) toSign,
        (long, double, double) toClose,
        (long Open, long Warned, long Overdue, long Supervised) live) => new()
        {
            Reported = reported,
            Closure = Ratio(closure),
            OnTimeClosure = Ratio(onTime),
            CrossDepartmentClosure = Ratio(crossDepartment),
            CrossDepartmentOnTimeClosure = Ratio(crossDepartmentOnTime),
            Disposal = Ratio(disposal),
            ResolvedLocally = Ratio(resolvedLocally),
            Rework = Ratio(rework),
            OnTimeSign = Ratio(onTimeSign),
            Return = Ratio(returned),
            TimeToDispatch = Durations(toDispatch),
            TimeToSign = Durations(toSign),
            TimeToClose = Durations(toClose),
            Open = live.Open,
            Warned = live.Warned,
            Overdue = live.Overdue,
            Supervised = live.Supervised,
        };

    /// <summary>No durations at all.</summary>
    public static readonly (long, double, double) None = (0, 0, 0);

    public static double Minutes(double minutes) => minutes * 60;

    public static double Hours(double hours) => hours * 3600;
}
