using Governance.Contracts.V1;
using Xunit;

namespace Governance.Analytics.Tests.Support;

internal static class Expect
{
    /// <summary>The count, what it is out of, and the value: numerator / denominator, unset when out of nothing.</summary>
    public static void Ratio(long numerator, long denominator, Ratio actual, string what)
    {
        Assert.True(numerator == actual.Numerator, $"{what}: numerator {actual.Numerator}, expected {numerator}");
        Assert.True(denominator == actual.Denominator, $"{what}: denominator {actual.Denominator}, expected {denominator}");
        if (denominator == 0)
        {
            Assert.False(actual.HasValue, $"{what}: a value of {actual.Value} out of nothing");
        }
        else
        {
            Assert.True(actual.HasValue, $"{what}: no value");
            Assert.Equal(numerator / (double)denominator, actual.Value);
        }
    }

    public static void Duration(long count, double? medianSeconds, double? p90Seconds, DurationStats actual, string what)
    {
        Assert.True(count == actual.Count, $"{what}: {actual.Count} durations, expected {count}");
        if (medianSeconds is null)
        {
            Assert.False(actual.HasMedianSeconds, $"{what}: a median of nothing");
            Assert.False(actual.HasP90Seconds, $"{what}: a 90th percentile of nothing");
            return;
        }
        Assert.True(medianSeconds == actual.MedianSeconds, $"{what}: median {actual.MedianSeconds} s, expected {medianSeconds} s");
        Assert.True(p90Seconds == actual.P90Seconds, $"{what}: p90 {actual.P90Seconds} s, expected {p90Seconds} s");
    }

    public static void Live(long open, long warned, long overdue, long supervised, RateSheet actual)
    {
        Assert.Equal(open, actual.Open);
        Assert.Equal(warned, actual.Warned);
        Assert.Equal(overdue, actual.Overdue);
        Assert.Equal(supervised, actual.Supervised);
    }

    public static double Hours(double hours) => hours * 3600;
}
