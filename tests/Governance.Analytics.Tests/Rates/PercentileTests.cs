using Governance.Analytics.Rates;
using Xunit;

namespace Governance.Analytics.Tests.Rates;

/// <summary>Nearest-rank percentiles: the p-th is the smallest value with at least p % of the values at or below it.</summary>
public sealed class PercentileTests
{
    private static (double? Median, double? P90) Stats(params long[] seconds)
    {
        var samples = new DurationSamples();
        foreach (var s in seconds)
        {
            samples.Add(s * TimeSpan.TicksPerSecond);
        }
        var stats = samples.ToStats();
        return (stats.HasMedianSeconds ? stats.MedianSeconds : null, stats.HasP90Seconds ? stats.P90Seconds : null);
    }

    [Fact]
    public void OneToTen_MedianIsTheFifth_P90TheNinth() => Assert.Equal((5.0, 9.0), Stats(7, 3, 10, 1, 5, 9, 2, 8, 6, 4));

    [Fact]
    public void AnEvenCount_TakesTheLowerMiddle() => Assert.Equal((20.0, 40.0), Stats(40, 10, 30, 20));

    [Fact]
    public void OneValue_IsEveryPercentile() => Assert.Equal((42.0, 42.0), Stats(42));

    [Fact]
    public void NoValue_HasNoPercentile() => Assert.Equal((null, null), Stats());

    [Fact]
    public void Selection_AgreesWithSorting_OnRandomAndDegenerateInput()
    {
        var random = new Random(20250407);
        foreach (var length in new[] { 1, 2, 3, 10, 257, 5_000 })
        {
            foreach (var shape in new[] { "random", "sorted", "reversed", "constant", "few" })
            {
                var values = Enumerable.Range(0, length).Select(i => shape switch
                {
                    "random" => random.NextInt64(-1_000_000, 1_000_000),
                    "sorted" => (long)i,
                    "reversed" => (long)(length - i),
                    "constant" => 7L,
                    _ => random.Next(3),
                }).ToArray();
                var sorted = values.Order().ToArray();
                foreach (var index in new[] { 0, length / 2, (length * 9) / 10, length - 1 })
                {
                    var copy = (long[])values.Clone();
                    Assert.Equal(sorted[index], Selection.Select(copy, index));
                    Assert.All(copy[..index], v => Assert.True(v <= sorted[index]));
                    Assert.All(copy[(index + 1)..], v => Assert.True(v >= sorted[index]));
                }
            }
        }
    }

    [Fact]
    public void SelectTwo_AgreesWithSorting_OnLargeInputOfEveryShape()
    {
        var random = new Random(96_16);
        foreach (var length in new[] { 100, 4_095, 4_096, 20_000, 100_001 })
        {
            foreach (var shape in new[] { "random", "huge range", "sorted", "constant", "few", "one outlier" })
            {
                var values = Enumerable.Range(0, length).Select(i => shape switch
                {
                    "random" => random.NextInt64(0, 3_000_000_000_000),
                    "huge range" => random.NextInt64(long.MinValue, long.MaxValue),
                    "sorted" => i * 10_000_000L,
                    "constant" => 36_000_000_000L,
                    "few" => random.Next(3) * 36_000_000_000L,
                    _ => i == length / 3 ? long.MaxValue : random.Next(1000),
                }).ToArray();
                var sorted = values.Order().ToArray();
                var median = ((length + 1) / 2) - 1;
                var p90 = (int)(((9L * length) + 9) / 10) - 1;
                foreach (var (a, b) in new[] { (median, p90), (0, length - 1), (p90, p90) })
                {
                    Assert.Equal((sorted[a], sorted[b]), Selection.SelectTwo((long[])values.Clone(), a, b));
                }
            }
        }
    }
}
