using Governance.Analytics.Rates;
using Governance.Analytics.Tests.Support;
using Governance.Contracts.V1;
using Xunit;
using static Governance.Analytics.Tests.Support.ScriptedCounty;

namespace Governance.Analytics.Tests.Rates;

/// <summary>Rankings and trends of the scripted county, each figure worked out by hand from the cohort sizes.</summary>
public sealed class ScriptedCountyRankingAndTrendTests
{
    private const int A1 = ClosedOnTimeG111, A2 = ClosedOnTimeG211, B1 = ClosedLateG112, B2 = ClosedLateG211;
    private const int C1 = OverdueG121, C2 = OverdueSupervisedG211, D = NotYetDueWarned, E = NeverDispatched;
    private const int H = ResolvedOnSpot, I = ReturnedRedispatched;
    private const int J = Reworked, K = Escalated, L = CrossAssisted, M = CrossLate, O = CountyCentre, P = AssistWithdrawn, Q = ReopenedOpen;

    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    private static readonly IReadOnlyList<IncidentFacts> Incidents = [.. Build().Select(b => b.Facts)];

    private static IReadOnlyList<RankingEntry> Rank(RankingDimension dimension, RateKind orderBy, int limit = 0, RateSlice? slice = null) =>
        RateEngine.Rank(Incidents, slice ?? new RateSlice(), dimension, orderBy, limit, AsOf);

    private static (string Key, int Rank)[] Places(IReadOnlyList<RankingEntry> entries) => [.. entries.Select(e => (e.Key, e.Rank))];

    [Fact]
    public void Townships_ByClosure_LeaveOutTheCountyCentresCases()
    {
        var ranking = Rank(RankingDimension.Township, RateKind.Closure);

        // T1: 174 of 189 (0.921); T2: 71 of 85 (0.835). O has no township and is in neither.
        Assert.Equal([(T1, 1), (T2, 2)], Places(ranking));
        Expect.Ratio(A1 + B1 + H + I + K + L + P, A1 + B1 + C1 + H + I + K + L + P, ranking[0].Rates.Closure, "T1");
        Expect.Ratio(A2 + B2 + J + M, A2 + B2 + C2 + J + M + Q, ranking[1].Rates.Closure, "T2");
        // Each entry is the slice narrowed to it.
        Assert.Equal(RateEngine.Compute(Incidents, new RateSlice(T1), AsOf), ranking[0].Rates);
    }

    [Fact]
    public void Grids_ByClosure_TiesShareAPlace_AndTheLimitCuts()
    {
        // G111: 97/97, G112: 33/33, G211: 71/85, G121: 44/59 (C1 overdue).
        var ranking = Rank(RankingDimension.Grid, RateKind.Closure);
        Assert.Equal([(G111, 1), (G112, 1), (G211, 3), (G121, 4)], Places(ranking));
        Expect.Ratio(A1 + I + P, A1 + I + P, ranking[0].Rates.Closure, "G111");
        Expect.Ratio(B1 + K, B1 + K, ranking[1].Rates.Closure, "G112");
        Expect.Ratio(H + L, C1 + H + L, ranking[3].Rates.Closure, "G121");

        Assert.Equal([(G111, 1), (G112, 1)], Places(Rank(RankingDimension.Grid, RateKind.Closure, limit: 2)));
        Assert.Equal([(G111, 1), (G112, 1), (G211, 3)], Places(Rank(RankingDimension.Grid, RateKind.Closure, limit: 3)));
    }

    [Fact]
    public void Grids_ByRework_LowerIsBetter()
    {
        // No failed verification anywhere but G211 (J: 10 of 85).
        var ranking = Rank(RankingDimension.Grid, RateKind.Rework);
        Assert.Equal([(G111, 1), (G112, 1), (G121, 1), (G211, 4)], Places(ranking));
        Expect.Ratio(J, A2 + B2 + (2 * J) + M + Q, ranking[3].Rates.Rework, "G211");
    }

    [Fact]
    public void Departments_ByReturn_LowerIsBetter_AssignmentsByTheirOwnDepartment()
    {
        // CG 0 of 177, HB 0 of 34 (C2, L, M's assisting, Q), SC 12 of 88.
        var ranking = Rank(RankingDimension.Department, RateKind.Return);
        Assert.Equal([(CG, 1), (HB, 1), (SC, 3)], Places(ranking));
        Expect.Ratio(0, C2 + L + M + Q, ranking[1].Rates.Return, "HB");
        Expect.Ratio(I, A2 + B2 + J + M + I + P, ranking[2].Rates.Return, "SC");
        Assert.Equal(RateEngine.Compute(Incidents, new RateSlice(DepartmentCode: SC), AsOf), ranking[2].Rates);
    }

    [Fact]
    public void Categories_ByCrossDepartmentOnTimeClosure_EntriesWithoutAValueLast()
    {
        // dispute: L 14/14; garbage: I + P 17/17; food: M 0/6; noise: no cross-department case, no value.
        var ranking = Rank(RankingDimension.Category, RateKind.CrossDepartmentOnTimeClosure);
        Assert.Equal([(Dispute.Code, 1), (Garbage.Code, 1), (Food.Code, 3), (Noise.Code, 4)], Places(ranking));
        Expect.Ratio(I + P, I + P, ranking[1].Rates.CrossDepartmentOnTimeClosure, "garbage");
        Expect.Ratio(0, M, ranking[2].Rates.CrossDepartmentOnTimeClosure, "food");
        Assert.False(ranking[3].Rates.CrossDepartmentOnTimeClosure.HasValue);
    }

    [Fact]
    public void Platforms_ByClosure_KeyedByTheContractsEnumName()
    {
        // Market supervision 71/71; law enforcement 125/140; social governance 52/66.
        var ranking = Rank(RankingDimension.Platform, RateKind.Closure);
        Assert.Equal(
            [("PLATFORM_MARKET_SUPERVISION", 1), ("PLATFORM_LAW_ENFORCEMENT", 2), ("PLATFORM_SOCIAL_GOVERNANCE", 3)],
            Places(ranking));
        Expect.Ratio(A1 + B1 + I + P + O, A1 + B1 + C1 + I + P + O, ranking[1].Rates.Closure, "law enforcement");
        Expect.Ratio(H + K + L, C2 + H + K + L + Q, ranking[2].Rates.Closure, "social governance");
    }

    [Fact]
    public void Villages_InOneTownship_ByOnTimeSign()
    {
        // V11 (G111, G112): A1, B1, D, I, K, P; V12 (G121): C1, L.
        var ranking = Rank(RankingDimension.Village, RateKind.OnTimeSign, slice: new RateSlice(T1));
        Assert.Equal([(V12, 1), (V11, 2)], Places(ranking));
        Expect.Ratio(C1 + (2 * L), C1 + (2 * L), ranking[0].Rates.OnTimeSign, "V12");
        Expect.Ratio(A1 + D + I + K + P, A1 + B1 + D + (2 * I) + K + P, ranking[1].Rates.OnTimeSign, "V11");
    }

    [Fact]
    public void TrendByDay_EachDayJudgedAtItsOwnEnd()
    {
        // R0 is 04-07 09:00 CST. Due: H on 04-07; A, K, L, O, P on 04-08; J, I on 04-09; C, M, Q, B on 04-10,
        // none of which was closed by the end of that day (B and M closed on 04-11).
        var from = new DateTimeOffset(2025, 4, 7, 0, 0, 0, Cst);
        var points = RateEngine.Trend(Incidents, new RateSlice(From: from, To: from.AddDays(5)), TrendPeriod.Day, AsOf);

        Assert.Equal(5, points.Count);
        Assert.Equal(from.AddDays(1).ToUniversalTime(), points[1].From.ToDateTimeOffset());
        Assert.Equal(from.AddDays(2).ToUniversalTime(), points[1].To.ToDateTimeOffset());
        Expect.Ratio(H, H, points[0].Rates.Closure, "04-07");
        Expect.Ratio(A1 + A2 + K + L + O + P, A1 + A2 + K + L + O + P, points[1].Rates.Closure, "04-08");
        Expect.Ratio(I + J, I + J, points[2].Rates.Closure, "04-09");
        Expect.Ratio(0, B1 + B2 + C1 + C2 + M + Q, points[3].Rates.Closure, "04-10");
        Expect.Ratio(0, 0, points[4].Rates.Closure, "04-11");
        // Verified on 04-08: A1, A2, J's failed check (R0+22 h = 04-08 07:00), K, L, O, P, Q.
        Expect.Ratio(J, A1 + A2 + J + K + L + O + P + Q, points[1].Rates.Rework, "04-08 rework");
        // Each point is a window of its own; live counts are those at as_of.
        for (var i = 0; i < points.Count; i++)
        {
            var window = new RateSlice(From: points[i].From.ToDateTimeOffset(), To: points[i].To.ToDateTimeOffset());
            Assert.Equal(RateEngine.Compute(Incidents, window, AsOf), points[i].Rates);
            Expect.Live(C1 + C2 + D + E + Q, D, C1 + C2 + Q, C2, points[i].Rates);
        }
    }

    [Fact]
    public void TrendByWeekAndMonth_WidenedToWholePeriods()
    {
        // 04-09 → 04-10 widens to the ISO week Monday 04-07 – Monday 04-14, judged at its end (before as_of): every
        // closure but the open ones happened by then.
        var week = RateEngine.Trend(Incidents,
            new RateSlice(From: new DateTimeOffset(2025, 4, 9, 12, 0, 0, Cst), To: new DateTimeOffset(2025, 4, 10, 12, 0, 0, Cst)),
            TrendPeriod.Week, AsOf);
        var point = Assert.Single(week);
        Assert.Equal(new DateTimeOffset(2025, 4, 7, 0, 0, 0, Cst), point.From.ToDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2025, 4, 14, 0, 0, 0, Cst), point.To.ToDateTimeOffset());
        const int due = A1 + A2 + B1 + B2 + C1 + C2 + H + I + J + K + L + M + O + P + Q;
        Expect.Ratio(due - C1 - C2 - Q, due, point.Rates.Closure, "week");

        var month = Assert.Single(RateEngine.Trend(Incidents,
            new RateSlice(From: new DateTimeOffset(2025, 4, 15, 0, 0, 0, Cst), To: new DateTimeOffset(2025, 4, 16, 0, 0, 0, Cst)),
            TrendPeriod.Month, AsOf));
        Assert.Equal(new DateTimeOffset(2025, 4, 1, 0, 0, 0, Cst), month.From.ToDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2025, 5, 1, 0, 0, 0, Cst), month.To.ToDateTimeOffset());
        Expect.Ratio(A1 + A2 + H + I + J + K + L + O + P, due, month.Rates.OnTimeClosure, "April on time");
        Assert.Equal(Total, month.Rates.Reported);
    }
}
