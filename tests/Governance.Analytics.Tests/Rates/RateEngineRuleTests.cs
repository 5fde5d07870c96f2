using Governance.Analytics.Rates;
using Governance.Analytics.Tests.Support;
using Governance.Contracts.V1;
using Xunit;

namespace Governance.Analytics.Tests.Rates;

/// <summary>The counting rules at their edges, each on a handful of incidents.</summary>
public sealed class RateEngineRuleTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    private static readonly Place Grid = new("330290", "330290001", "330290001001", "330290001001001");
    private static readonly IncidentCategory Garbage = new("garbage", "暴露垃圾", Platform.LawEnforcement);
    private static readonly DateTimeOffset T0 = new(2025, 4, 7, 1, 0, 0, TimeSpan.Zero);

    private static IncidentBuilder Dispatched(string id, DateTimeOffset at) =>
        IncidentBuilder.Report(id, Grid, Garbage, at).Register(at).Dispatch(at, "cg");

    [Fact]
    public void ClosedExactlyAtTheDeadline_IsOnTime_OneTickLater_IsLate()
    {
        var deadline = T0 + IncidentBuilder.DefaultHandleLimit;
        var atDeadline = Dispatched("a", T0).Sign("cg", T0).Handle("cg", T0).Verify(T0, true).Close(deadline).Facts;
        var tickLater = Dispatched("b", T0).Sign("cg", T0).Handle("cg", T0).Verify(T0, true).Close(deadline + TimeSpan.FromTicks(1)).Facts;

        var sheet = RateEngine.Compute([atDeadline, tickLater], new RateSlice(), deadline.AddDays(1));

        Expect.Ratio(2, 2, sheet.Closure, "closure");
        Expect.Ratio(1, 2, sheet.OnTimeClosure, "on time");
    }

    [Fact]
    public void SignedExactlyAtTheSignDeadline_IsOnTime()
    {
        var signDeadline = T0 + IncidentBuilder.DefaultSignLimit;
        var facts = new[]
        {
            Dispatched("a", T0).Sign("cg", signDeadline).Facts,
            Dispatched("b", T0).Sign("cg", signDeadline + TimeSpan.FromSeconds(1)).Facts,
        };

        Expect.Ratio(1, 2, RateEngine.Compute(facts, new RateSlice(), T0.AddDays(1)).OnTimeSign, "on-time sign");
    }

    [Fact]
    public void WithdrawnUnsignedBeforeItsSignDeadline_IsNeverDueForSigning_WithdrawnAfterIt_WasLate()
    {
        var signDeadline = T0 + IncidentBuilder.DefaultSignLimit;
        var early = IncidentBuilder.Report("a", Grid, Garbage, T0).Register(T0).Dispatch(T0, "cg", "gaj").Sign("cg", T0)
            .Dispatch(signDeadline - TimeSpan.FromMinutes(1), "cg").Facts;
        var late = IncidentBuilder.Report("b", Grid, Garbage, T0).Register(T0).Dispatch(T0, "cg", "gaj").Sign("cg", T0)
            .Dispatch(signDeadline + TimeSpan.FromMinutes(1), "cg").Facts;
        Assert.Equal(AssignmentState.Withdrawn, late.Assignments.Single(a => a.DepartmentCode == "gaj").State);

        Expect.Ratio(2, 3, RateEngine.Compute([early, late], new RateSlice(), T0.AddDays(1)).OnTimeSign, "on-time sign");

        // Facts published before withdrawn_at existed keep the rule they were counted by: withdrawn unsigned is left out.
        var legacy = late.Clone();
        legacy.Assignments.Single(a => a.DepartmentCode == "gaj").WithdrawnAt = null;
        Expect.Ratio(2, 2, RateEngine.Compute([early, legacy], new RateSlice(), T0.AddDays(1)).OnTimeSign, "on-time sign, legacy facts");
    }

    [Fact]
    public void WithdrawnUnhandledAfterItsHandleDeadline_CountsAgainstDisposalOnlyInWindowsJudgedBeforeTheWithdrawal()
    {
        var handleDeadline = T0 + IncidentBuilder.DefaultHandleLimit;
        var withdrawnAt = handleDeadline.AddHours(28);
        var facts = new[]
        {
            IncidentBuilder.Report("a", Grid, Garbage, T0).Register(T0).Dispatch(T0, "cg", "gaj").Sign("cg", T0).Sign("gaj", T0)
                .Handle("cg", T0.AddHours(1)).Dispatch(withdrawnAt, "cg").Facts,
        };

        // Judged before the withdrawal: the assistant was due and had not handled it.
        Expect.Ratio(1, 2, RateEngine.Compute(facts, new RateSlice(To: handleDeadline.AddHours(8)), withdrawnAt.AddDays(1)).Disposal, "before");
        // Judged after it: a withdrawn assignment that was never handled is no longer the department's work.
        Expect.Ratio(1, 1, RateEngine.Compute(facts, new RateSlice(), withdrawnAt.AddDays(1)).Disposal, "after");
    }

    [Fact]
    public void DueExactlyAtTo_IsLeftOut_DueExactlyAtFrom_IsCounted()
    {
        var deadline = T0 + IncidentBuilder.DefaultHandleLimit;
        var open = new[] { Dispatched("a", T0).Facts };

        Expect.Ratio(0, 0, RateEngine.Compute(open, new RateSlice(From: T0, To: deadline), deadline.AddDays(1)).Closure, "due at to");
        Expect.Ratio(0, 1, RateEngine.Compute(open, new RateSlice(From: deadline, To: deadline.AddHours(1)), deadline.AddDays(1)).Closure, "due at from");
    }

    [Fact]
    public void ClosedExactlyAtTheWindowsEnd_IsNotYetClosedInIt()
    {
        var deadline = T0 + IncidentBuilder.DefaultHandleLimit;
        var closedAt = deadline.AddHours(5);
        var late = new[] { Dispatched("a", T0).Sign("cg", T0).Handle("cg", T0).Verify(T0, true).Close(closedAt).Facts };

        Expect.Ratio(0, 1, RateEngine.Compute(late, new RateSlice(To: closedAt), closedAt.AddDays(1)).Closure, "to = closed_at");
        Expect.Ratio(1, 1, RateEngine.Compute(late, new RateSlice(To: closedAt.AddTicks(1)), closedAt.AddDays(1)).Closure, "one tick later");
    }

    [Fact]
    public void ResolvedOnTheSpot_IsDueAndOnTimeWhenClosed_NeverDispatched_IsNotDue()
    {
        var facts = new[]
        {
            IncidentBuilder.Report("spot", Grid, Garbage, T0).ResolveOnSpot(T0.AddMinutes(5)).Facts,
            IncidentBuilder.Report("waiting", Grid, Garbage, T0).Register(T0.AddMinutes(5)).Facts,
        };

        var sheet = RateEngine.Compute(facts, new RateSlice(), T0.AddDays(30));

        Expect.Ratio(1, 1, sheet.Closure, "closure");
        Expect.Ratio(1, 1, sheet.OnTimeClosure, "on time");
        Expect.Duration(1, 300, 300, sheet.TimeToClose, "time to close");
        Expect.Duration(0, null, null, sheet.TimeToDispatch, "time to dispatch");
        Expect.Live(1, 0, 0, 0, sheet);
    }

    [Fact]
    public void AnExtension_MovesTheDeadlineTheCaseIsJudgedBy()
    {
        var first = T0 + IncidentBuilder.DefaultHandleLimit;
        var extended = Dispatched("a", T0).Sign("cg", T0).Extend("cg", first.AddDays(3), T0.AddHours(30))
            .Handle("cg", first.AddDays(2)).Verify(first.AddDays(2), true).Close(first.AddDays(2)).Facts;

        var sheet = RateEngine.Compute([extended], new RateSlice(), first.AddDays(10));

        Expect.Ratio(1, 1, sheet.OnTimeClosure, "on time after the extension");
        Expect.Ratio(1, 1, sheet.Disposal, "disposal");
    }

    [Fact]
    public void ASecondDepartmentDispatchedAfterTheWindow_DoesNotMakeItsCaseCrossDepartmentInIt()
    {
        // Closed on time within a day by cg alone; the facts then show a second department dispatched much later.
        var facts = Dispatched("a", T0).Sign("cg", T0).Handle("cg", T0.AddHours(20)).Verify(T0.AddHours(22), true).Close(T0.AddHours(24)).Facts;
        facts.Assignments.Add(new AssignmentFacts
        {
            DepartmentCode = "sc",
            Role = AssignmentRole.Assist,
            State = AssignmentState.Dispatched,
            DispatchedAt = IncidentBuilder.Ts(T0.AddHours(200)),
            SignDeadline = IncidentBuilder.Ts(T0.AddHours(202)),
            HandleDeadline = IncidentBuilder.Ts(T0.AddHours(272)),
        });
        facts.CrossDepartment = true;

        var judgedBefore = RateEngine.Compute([facts], new RateSlice(From: T0, To: T0.AddHours(48)), T0.AddDays(30));
        var judgedAfter = RateEngine.Compute([facts], new RateSlice(From: T0, To: T0.AddHours(300)), T0.AddDays(30));

        Expect.Ratio(1, 1, judgedBefore.Closure, "closure");
        Expect.Ratio(0, 0, judgedBefore.CrossDepartmentClosure, "judged before the second department came");
        Expect.Ratio(1, 1, judgedAfter.CrossDepartmentClosure, "judged after it");
    }

    [Fact]
    public void AReturnAfterTheWindow_LeavesTheAssignmentDueInIt()
    {
        // cg's deadline passes unhandled at T0+72 h; cg returns it only at T0+100 h.
        var deadline = T0 + IncidentBuilder.DefaultHandleLimit;
        var facts = Dispatched("a", T0).Sign("cg", T0).Return("cg", T0.AddHours(100)).Facts;

        Expect.Ratio(0, 1, RateEngine.Compute([facts], new RateSlice(To: deadline.AddHours(1)), T0.AddDays(30)).Disposal, "before the return");
        Expect.Ratio(0, 0, RateEngine.Compute([facts], new RateSlice(To: T0.AddHours(101)), T0.AddDays(30)).Disposal, "after the return");
        Expect.Ratio(1, 1, RateEngine.Compute([facts], new RateSlice(To: T0.AddHours(101)), T0.AddDays(30)).Return, "return rate");
        Expect.Ratio(0, 1, RateEngine.Compute([facts], new RateSlice(To: T0.AddHours(99)), T0.AddDays(30)).Return, "not yet returned");
    }

    [Fact]
    public void TrendDays_FollowChinaStandardTime()
    {
        // 15:59 UTC on 04-06 is 23:59 CST on Sunday 04-06; 16:30 UTC is 00:30 CST on Monday 04-07.
        var sundayNight = new DateTimeOffset(2025, 4, 6, 15, 59, 0, TimeSpan.Zero);
        var mondayMorning = new DateTimeOffset(2025, 4, 6, 16, 30, 0, TimeSpan.Zero);
        var mayFirst = new DateTimeOffset(2025, 4, 30, 16, 30, 0, TimeSpan.Zero);
        var facts = new[]
        {
            IncidentBuilder.Report("sun", Grid, Garbage, sundayNight.AddMinutes(-5)).ResolveOnSpot(sundayNight).Facts,
            IncidentBuilder.Report("mon", Grid, Garbage, mondayMorning.AddMinutes(-5)).ResolveOnSpot(mondayMorning).Facts,
            IncidentBuilder.Report("may", Grid, Garbage, mayFirst.AddMinutes(-5)).ResolveOnSpot(mayFirst).Facts,
        };
        var asOf = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

        // from at noon is widened back to midnight CST.
        var days = RateEngine.Trend(facts, new RateSlice(From: new DateTimeOffset(2025, 4, 6, 12, 0, 0, Cst), To: new DateTimeOffset(2025, 4, 8, 0, 0, 0, Cst)),
            TrendPeriod.Day, asOf);
        Assert.Equal(2, days.Count);
        Assert.Equal(new DateTimeOffset(2025, 4, 5, 16, 0, 0, TimeSpan.Zero), days[0].From.ToDateTimeOffset());
        Assert.Equal([1L, 1L], days.Select(p => p.Rates.Closure.Denominator));
        Assert.Equal([1L, 1L], days.Select(p => p.Rates.Reported));

        // ISO weeks: Sunday 04-06 belongs to the week of Monday 03-31, Monday 04-07 starts the next.
        var weeks = RateEngine.Trend(facts, new RateSlice(From: new DateTimeOffset(2025, 4, 6, 0, 0, 0, Cst), To: new DateTimeOffset(2025, 4, 8, 0, 0, 0, Cst)),
            TrendPeriod.Week, asOf);
        Assert.Equal(
            [new DateTimeOffset(2025, 3, 31, 0, 0, 0, Cst), new DateTimeOffset(2025, 4, 7, 0, 0, 0, Cst)],
            weeks.Select(p => p.From.ToDateTimeOffset()));
        Assert.Equal(new DateTimeOffset(2025, 4, 14, 0, 0, 0, Cst), weeks[1].To.ToDateTimeOffset());
        Assert.Equal([1L, 1L], weeks.Select(p => p.Rates.Closure.Denominator));

        // 16:30 UTC on 04-30 is already May in China.
        var months = RateEngine.Trend(facts, new RateSlice(From: new DateTimeOffset(2025, 4, 15, 0, 0, 0, Cst), To: new DateTimeOffset(2025, 5, 15, 0, 0, 0, Cst)),
            TrendPeriod.Month, asOf);
        Assert.Equal(
            [new DateTimeOffset(2025, 4, 1, 0, 0, 0, Cst), new DateTimeOffset(2025, 5, 1, 0, 0, 0, Cst)],
            months.Select(p => p.From.ToDateTimeOffset()));
        Assert.Equal([2L, 1L], months.Select(p => p.Rates.Closure.Denominator));
    }

    [Fact]
    public void TrendPeriodsInTheFuture_AreEmptyWindows()
    {
        var facts = new[] { IncidentBuilder.Report("a", Grid, Garbage, T0).ResolveOnSpot(T0).Facts };
        var from = new DateTimeOffset(2025, 4, 7, 0, 0, 0, Cst);

        var points = RateEngine.Trend(facts, new RateSlice(From: from, To: from.AddDays(3)), TrendPeriod.Day, T0.AddHours(1));

        Assert.Equal([1L, 0L, 0L], points.Select(p => p.Rates.Closure.Denominator));
    }

    [Fact]
    public void Linyungang_April2017_96_16_And_89_62()
    {
        // 连云港 12345, April 2017: 24,932 due, 23,974 closed, 22,345 of them on time. Spread over the month in CST,
        // with a case on each side of the month that must not count.
        const int due = 24_932, closed = 23_974, onTime = 22_345;
        var april = new DateTimeOffset(2017, 4, 1, 0, 0, 0, Cst);
        var may = april.AddMonths(1);
        var limit = TimeSpan.FromDays(3);
        var incidents = new List<IncidentFacts>(due + 2);
        for (var i = 0; i < due; i++)
        {
            // Deadlines every 103 s from April 1 00:00 CST, all inside April (the last at 29.7 days).
            var deadline = april + TimeSpan.FromSeconds(i * 103L);
            var dispatchedAt = deadline - limit;
            var incident = IncidentBuilder.Report($"lyg-{i}", Grid, Garbage, dispatchedAt).Register(dispatchedAt)
                .Dispatch(dispatchedAt, TimeSpan.FromHours(2), limit, "cg");
            if (i < closed)
            {
                // On-time ones close exactly at their deadline (on time, and due in April like the rest); late ones
                // close after it but before May, so they count as closed in April.
                var closeAt = i < onTime ? deadline : deadline + TimeSpan.FromSeconds(Math.Min(3600, (may - deadline).TotalSeconds / 2));
                incident.Sign("cg", dispatchedAt).Handle("cg", closeAt).Verify(closeAt, true).Close(closeAt);
            }
            incidents.Add(incident.Facts);
        }
        Assert.True(incidents[^1].HandleDeadline.ToDateTimeOffset() < may);
        incidents.Add(IncidentBuilder.Report("march", Grid, Garbage, april.AddDays(-5)).Register(april.AddDays(-5))
            .Dispatch(april.AddSeconds(-1) - limit, TimeSpan.FromHours(2), limit, "cg").Facts);
        incidents.Add(IncidentBuilder.Report("may", Grid, Garbage, april.AddDays(20)).Register(april.AddDays(20))
            .Dispatch(may - limit, TimeSpan.FromHours(2), limit, "cg").Facts);

        var sheet = RateEngine.Compute(incidents, new RateSlice(From: april, To: may), may.AddMonths(1));

        Expect.Ratio(closed, due, sheet.Closure, "closure");
        Expect.Ratio(onTime, due, sheet.OnTimeClosure, "on time");
        Assert.Equal(0.9616, Math.Round(sheet.Closure.Value, 4));
        Assert.Equal(0.8962, Math.Round(sheet.OnTimeClosure.Value, 4));
    }
}
