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
}
