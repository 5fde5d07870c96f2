using Governance.Analytics.Rates;
using Governance.Contracts.V1;
using Xunit;

namespace Governance.Analytics.Tests.Rates;

/// <summary>Requests the API must refuse with INVALID_ARGUMENT: each throws ArgumentException saying what to fix.</summary>
public sealed class RateEngineArgumentTests
{
    private static readonly DateTimeOffset AsOf = new(2025, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly IncidentFacts[] None = [];

    [Fact]
    public void Compute_FromAtOrAfterTo_IsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => RateEngine.Compute(None, new RateSlice(From: AsOf, To: AsOf), AsOf));
        Assert.Contains("must be before", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RateEngine.Compute(None, new RateSlice(From: AsOf.AddDays(1)), AsOf));
    }

    [Theory]
    [InlineData("33029")]
    [InlineData("3302900010")]
    [InlineData("33029000100a")]
    public void Compute_ARegionCodeOfNoLevel_IsRefused(string code)
    {
        var e = Assert.Throws<ArgumentException>(() => RateEngine.Compute(None, new RateSlice(code), AsOf));
        Assert.Contains(code, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rank_WithoutDimensionOrRate_OrWithANegativeLimit_IsRefused()
    {
        Assert.Contains("dimension", Assert.Throws<ArgumentException>(() =>
            RateEngine.Rank(None, new RateSlice(), RankingDimension.Unspecified, RateKind.Closure, 0, AsOf)).Message, StringComparison.Ordinal);
        Assert.Contains("order by", Assert.Throws<ArgumentException>(() =>
            RateEngine.Rank(None, new RateSlice(), RankingDimension.Grid, RateKind.Unspecified, 0, AsOf)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RateEngine.Rank(None, new RateSlice(), RankingDimension.Grid, (RateKind)99, 0, AsOf));
        Assert.Contains("limit", Assert.Throws<ArgumentException>(() =>
            RateEngine.Rank(None, new RateSlice(), RankingDimension.Grid, RateKind.Closure, -1, AsOf)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trend_WithoutPeriodOrEnds_OrInverted_IsRefused()
    {
        var april = new RateSlice(From: AsOf.AddMonths(-1), To: AsOf);
        Assert.Contains("period", Assert.Throws<ArgumentException>(() =>
            RateEngine.Trend(None, april, TrendPeriod.Unspecified, AsOf)).Message, StringComparison.Ordinal);
        Assert.Contains("from and to", Assert.Throws<ArgumentException>(() =>
            RateEngine.Trend(None, april with { To = null }, TrendPeriod.Day, AsOf)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RateEngine.Trend(None, april with { From = null }, TrendPeriod.Day, AsOf));
        Assert.Throws<ArgumentException>(() => RateEngine.Trend(None, new RateSlice(From: AsOf, To: AsOf.AddDays(-1)), TrendPeriod.Day, AsOf));
    }

    [Fact]
    public void Trend_OfMoreThanAThousandPeriods_IsRefused_AThousandIsServed()
    {
        var from = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));
        Assert.Equal(RateEngine.MaxTrendPeriods, RateEngine.Trend(None, new RateSlice(From: from, To: from.AddDays(1000)), TrendPeriod.Day, AsOf).Count);
        var e = Assert.Throws<ArgumentException>(() => RateEngine.Trend(None, new RateSlice(From: from, To: from.AddDays(1001)), TrendPeriod.Day, AsOf));
        Assert.Contains("at most 1000 periods", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RateEngine.Trend(None, new RateSlice(From: DateTimeOffset.MinValue.AddDays(1), To: DateTimeOffset.MaxValue.AddDays(-1)), TrendPeriod.Month, AsOf));
    }
}
