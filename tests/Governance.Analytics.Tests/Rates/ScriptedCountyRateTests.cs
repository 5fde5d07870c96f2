using Governance.Analytics.Rates;
using Governance.Analytics.Tests.Support;
using Governance.Contracts.V1;
using Xunit;
using static Governance.Analytics.Tests.Support.ScriptedCounty;

namespace Governance.Analytics.Tests.Rates;

/// <summary>
/// Every figure of the scripted county, worked out by hand from the cohort sizes (see <see cref="ScriptedCounty"/>
/// for each cohort's life). Each expected value is written as the sum of the cohorts it counts, then checked against
/// the number worked out on paper, so a change to the script shows up as a wrong hand sum, not a silently new truth.
/// </summary>
public sealed class ScriptedCountyRateTests
{
    private const int A1 = ClosedOnTimeG111, A2 = ClosedOnTimeG211, B1 = ClosedLateG112, B2 = ClosedLateG211;
    private const int C1 = OverdueG121, C2 = OverdueSupervisedG211, D = NotYetDueWarned, E = NeverDispatched;
    private const int F = ScriptedCounty.Rejected, G = ScriptedCounty.Merged, H = ResolvedOnSpot, I = ReturnedRedispatched;
    private const int J = Reworked, K = Escalated, L = CrossAssisted, M = CrossLate, O = CountyCentre, P = AssistWithdrawn, Q = ReopenedOpen;

    private static readonly IReadOnlyList<IncidentFacts> Incidents = [.. Build().Select(b => b.Facts)];

    private static RateSheet Sheet(RateSlice slice, DateTimeOffset? asOf = null) => RateEngine.Compute(Incidents, slice, asOf ?? AsOf);

    [Fact]
    public void TheScriptHasTheCohortSizesTheHandSumsAssume()
    {
        Assert.Equal(310, Total);
        Assert.Equal(Total, Incidents.Count);
    }

    [Fact]
    public void County_WholeHistory_EveryFieldByHand()
    {
        var sheet = Sheet(new RateSlice(County));

        // Due: every case whose closure or deadline has come; D is not yet due, E has no deadline, F and G are no cases.
        const int due = A1 + A2 + B1 + B2 + C1 + C2 + H + I + J + K + L + M + O + P + Q;
        const int closed = A1 + A2 + B1 + B2 + H + I + J + K + L + M + O + P;
        const int onTime = A1 + A2 + H + I + J + K + L + O + P;
        Assert.Equal((277, 248, 202), (due, closed, onTime));
        Expect.Ratio(closed, due, sheet.Closure, "closure");
        Expect.Ratio(onTime, due, sheet.OnTimeClosure, "on-time closure");

        // Cross-department: I (SC returned, CG), L (HB + CG), M (SC + HB), P (CG + SC, withdrawn).
        Expect.Ratio(I + L + M + P, I + L + M + P, sheet.CrossDepartmentClosure, "cross closure");
        Expect.Ratio(I + L + P, I + L + M + P, sheet.CrossDepartmentOnTimeClosure, "cross on time");
        Assert.Equal((37, 31), (I + L + M + P, I + L + P));

        // Disposal: I's returned SC and P's withdrawn SC are left out; Q's withdrawn HB was handled first and counts;
        // B and M's HB were handled late but are handled.
        const int disposalDue = A1 + A2 + B1 + B2 + C1 + C2 + I + J + K + (2 * L) + (2 * M) + O + P + Q;
        Assert.Equal(267, disposalDue);
        Expect.Ratio(disposalDue - C1 - C2, disposalDue, sheet.Disposal, "disposal");

        // 镇村化解率: closed in the window, less the escalated K.
        Expect.Ratio(closed - K, closed, sheet.ResolvedLocally, "resolved locally");

        // Rework: J verified twice (one failed), H never verified, everyone else closed or reopened once.
        const int verifications = A1 + A2 + B1 + B2 + I + (2 * J) + K + L + M + O + P + Q;
        Assert.Equal(232, verifications);
        Expect.Ratio(J, verifications, sheet.Rework, "rework");

        // On-time sign: B and M's HB signed late; I's SC returned unsigned (due, not signed); P's withdrawn SC left out.
        const int signDue = A1 + A2 + B1 + B2 + C1 + C2 + D + (2 * I) + J + K + (2 * L) + (2 * M) + O + P + Q;
        const int signedOnTime = A1 + A2 + C1 + C2 + D + I + J + K + (2 * L) + M + O + P + Q;
        Assert.Equal((294, 236), (signDue, signedOnTime));
        Expect.Ratio(signedOnTime, signDue, sheet.OnTimeSign, "on-time sign");

        // Return: every assignment ever dispatched (P's withdrawn SC too), of which I's SC returned.
        const int assignments = A1 + A2 + B1 + B2 + C1 + C2 + D + (2 * I) + J + K + (2 * L) + (2 * M) + O + (2 * P) + Q;
        Assert.Equal(299, assignments);
        Expect.Ratio(I, assignments, sheet.Return, "return");

        // Time to dispatch, sorted: 0.5 h ×80 (A1), 1 h ×131, 2 h ×40 (B), 3 h ×8 (K), 4 h ×3 (O).
        // Median: rank ⌈262/2⌉ = 131 → 1 h. P90: rank ⌈235.8⌉ = 236, within ranks 212-251 → 2 h.
        const int dispatched = A1 + A2 + B1 + B2 + C1 + C2 + D + I + J + K + L + M + O + P + Q;
        Assert.Equal(262, dispatched);
        Assert.Equal(131, A2 + C1 + C2 + D + I + J + L + M + P + Q);
        Expect.Duration(dispatched, Expect.Hours(1), Expect.Hours(2), sheet.TimeToDispatch, "time to dispatch");

        // Time to sign, per assignment signed: 1 h ×236, 3 h ×40 (B), 4 h ×6 (M's HB).
        // Median: rank 141 → 1 h. P90: rank ⌈253.8⌉ = 254, within ranks 237-276 → 3 h.
        const int signed = A1 + A2 + B1 + B2 + C1 + C2 + D + I + J + K + (2 * L) + (2 * M) + O + P + Q;
        Assert.Equal(282, signed);
        Expect.Duration(signed, Expect.Hours(1), Expect.Hours(3), sheet.TimeToSign, "time to sign");

        // Time to close: 10 min ×30 (H), 27.5 h ×80 (A1), 28 h ×59 (A2, L, P), 30 h ×8 (K), 31 h ×3 (O), 44 h ×10 (J),
        // 55 h ×12 (I), 97 h ×40 (B), 99 h ×6 (M). Median: rank 124, within 111-169 → 28 h. P90: rank ⌈223.2⌉ = 224,
        // within 203-242 → 97 h.
        Assert.Equal(59, A2 + L + P);
        Expect.Duration(closed, Expect.Hours(28), Expect.Hours(97), sheet.TimeToClose, "time to close");

        // Live at as_of: open C, D, E, Q; overdue C and Q (Q's deadline is its last lead's); D warned; C2 urged on
        // (A2 was too, but it is closed).
        Expect.Live(C1 + C2 + D + E + Q, D, C1 + C2 + Q, C2, sheet);
        Assert.Equal(Total, sheet.Reported);
    }

    [Fact]
    public void EmptySlice_IsTheCallersWholeCounty()
    {
        Assert.Equal(Sheet(new RateSlice(County)), Sheet(new RateSlice()));
    }

    [Fact]
    public void Township_T1_EveryFieldByHand()
    {
        // T1 holds A1, B1, C1, D, E, F (G111, G112, G121), H, I, K, L, P.
        var sheet = Sheet(new RateSlice(T1));

        const int due = A1 + B1 + C1 + H + I + K + L + P;
        const int closed = due - C1;
        const int onTime = A1 + H + I + K + L + P;
        Assert.Equal((189, 174, 149), (due, closed, onTime));
        Expect.Ratio(closed, due, sheet.Closure, "closure");
        Expect.Ratio(onTime, due, sheet.OnTimeClosure, "on-time closure");
        Expect.Ratio(I + L + P, I + L + P, sheet.CrossDepartmentClosure, "cross closure");
        Expect.Ratio(I + L + P, I + L + P, sheet.CrossDepartmentOnTimeClosure, "cross on time");

        const int disposalDue = A1 + B1 + C1 + I + K + (2 * L) + P;
        Assert.Equal(173, disposalDue);
        Expect.Ratio(disposalDue - C1, disposalDue, sheet.Disposal, "disposal");
        Expect.Ratio(closed - K, closed, sheet.ResolvedLocally, "resolved locally");
        Expect.Ratio(0, A1 + B1 + I + K + L + P, sheet.Rework, "rework");
        Assert.Equal(0.0, sheet.Rework.Value);

        const int signDue = A1 + B1 + C1 + D + (2 * I) + K + (2 * L) + P;
        const int signedOnTime = A1 + C1 + D + I + K + (2 * L) + P;
        Assert.Equal((200, 163), (signDue, signedOnTime));
        Expect.Ratio(signedOnTime, signDue, sheet.OnTimeSign, "on-time sign");
        Expect.Ratio(I, A1 + B1 + C1 + D + (2 * I) + K + (2 * L) + (2 * P), sheet.Return, "return");

        // Dispatch: 0.5 h ×80 (1-80), 1 h ×61 (81-141), 2 h ×25 (142-166), 3 h ×8; median rank 87, p90 rank 157.
        Expect.Duration(A1 + B1 + C1 + D + I + K + L + P, Expect.Hours(1), Expect.Hours(2), sheet.TimeToDispatch, "time to dispatch");
        // Sign: 1 h ×163, 3 h ×25 (164-188); median rank 94, p90 rank ⌈169.2⌉ = 170.
        Expect.Duration(signedOnTime + B1, Expect.Hours(1), Expect.Hours(3), sheet.TimeToSign, "time to sign");
        // Close: 10 min ×30, 27.5 h ×80 (31-110), 28 h ×19, 30 h ×8, 55 h ×12, 97 h ×25 (150-174); median rank 87, p90 rank 157.
        Expect.Duration(closed, Expect.Hours(27.5), Expect.Hours(97), sheet.TimeToClose, "time to close");

        Expect.Live(C1 + D + E, D, C1, 0, sheet);
        Assert.Equal(A1 + B1 + C1 + D + E + F + H + I + K + L + P, sheet.Reported);
    }

    [Fact]
    public void Grid_G211_CountsOnlyItsOwnIncidents()
    {
        // G211 holds A2, B2, C2, G (merged), J, M, Q.
        var sheet = Sheet(new RateSlice(G211));

        Expect.Ratio(A2 + B2 + J + M, A2 + B2 + C2 + J + M + Q, sheet.Closure, "closure");
        Expect.Ratio(A2 + J, A2 + B2 + C2 + J + M + Q, sheet.OnTimeClosure, "on-time closure");
        Expect.Ratio(M, M, sheet.CrossDepartmentClosure, "cross closure");
        Expect.Ratio(0, M, sheet.CrossDepartmentOnTimeClosure, "cross on time");
        Expect.Ratio(A2 + B2 + J + (2 * M) + Q, A2 + B2 + C2 + J + (2 * M) + Q, sheet.Disposal, "disposal");
        Expect.Ratio(J, A2 + B2 + (2 * J) + M + Q, sheet.Rework, "rework");
        Expect.Ratio(0, A2 + B2 + C2 + J + (2 * M) + Q, sheet.Return, "return");
        Expect.Live(C2 + Q, 0, C2 + Q, C2, sheet);
        Assert.Equal(A2 + B2 + C2 + G + J + M + Q, sheet.Reported);
        Assert.Equal((85, 71, 50), (A2 + B2 + C2 + J + M + Q, A2 + B2 + J + M, A2 + J));
    }

    [Fact]
    public void Village_V12_IsTheSameAsItsOnlyGrid()
    {
        Assert.Equal(Sheet(new RateSlice(G121)), Sheet(new RateSlice(V12)));
        Expect.Ratio(H + L, C1 + H + L, Sheet(new RateSlice(V12)).Closure, "closure");
    }

    [Fact]
    public void Department_CG_LeadForIncidentRates_OwnAssignmentsForAssignmentRates()
    {
        var sheet = Sheet(new RateSlice(DepartmentCode: CG));

        // Lead CG: A1, B1, C1, D, I (after its re-dispatch), K, O, P; L is HB's, CG only assists it.
        const int due = A1 + B1 + C1 + I + K + O + P;
        Assert.Equal(148, due);
        Expect.Ratio(due - C1, due, sheet.Closure, "closure");
        Expect.Ratio(due - C1 - B1, due, sheet.OnTimeClosure, "on-time closure");
        Expect.Ratio(I + P, I + P, sheet.CrossDepartmentClosure, "cross closure");
        Expect.Ratio(due - C1 - K, due - C1, sheet.ResolvedLocally, "resolved locally");

        // CG's own assignments: the lead ones above, and L's assisting one.
        const int disposalDue = A1 + B1 + C1 + I + K + O + P + L;
        Assert.Equal(162, disposalDue);
        Expect.Ratio(disposalDue - C1, disposalDue, sheet.Disposal, "disposal");
        const int signDue = A1 + B1 + C1 + D + I + K + O + P + L;
        Assert.Equal(177, signDue);
        Expect.Ratio(signDue - B1, signDue, sheet.OnTimeSign, "on-time sign");
        Expect.Ratio(0, signDue, sheet.Return, "return");
        // 1 h ×152, 3 h ×25: p90 rank ⌈159.3⌉ = 160 falls among the late B1 signatures.
        Expect.Duration(signDue, Expect.Hours(1), Expect.Hours(3), sheet.TimeToSign, "time to sign");

        Expect.Live(C1 + D, D, C1, 0, sheet);
        Assert.Equal(A1 + B1 + C1 + D + I + K + O + P, sheet.Reported);
    }

    [Fact]
    public void Department_SC_CountsItsReturnedAndWithdrawnAssignmentsByTheRules()
    {
        var sheet = Sheet(new RateSlice(DepartmentCode: SC));

        // SC's assignments: A2, B2, J, M (lead), I (returned unsigned), P (assisting, withdrawn unsigned).
        Expect.Ratio(I, A2 + B2 + J + M + I + P, sheet.Return, "return");
        Expect.Ratio(A2 + J + M, A2 + B2 + J + M + I, sheet.OnTimeSign, "on-time sign");
        Expect.Ratio(A2 + B2 + J + M, A2 + B2 + J + M, sheet.Disposal, "disposal");
        // Lead SC now: A2, B2, J, M; I's lead is CG since its re-dispatch.
        Expect.Ratio(A2 + J, A2 + B2 + J + M, sheet.OnTimeClosure, "on-time closure");
    }

    [Fact]
    public void Category_Garbage_AndPlatform_LawEnforcement()
    {
        var garbage = Sheet(new RateSlice(CategoryCode: Garbage.Code));
        const int due = A1 + B1 + C1 + I + P;
        Assert.Equal(137, due);
        Expect.Ratio(due - C1, due, garbage.Closure, "garbage closure");
        Expect.Ratio(due - C1 - B1, due, garbage.OnTimeClosure, "garbage on time");
        Assert.Equal(A1 + B1 + C1 + D + F + I + P, garbage.Reported);

        // Law enforcement is garbage and noise (O, the county-centre cases).
        var law = Sheet(new RateSlice(Platform: Platform.LawEnforcement));
        Expect.Ratio(due - C1 + O, due + O, law.Closure, "law closure");
        Expect.Ratio(due - C1 - B1 + O, due + O, law.OnTimeClosure, "law on time");
        Assert.Equal(A1 + B1 + C1 + D + F + I + P + O, law.Reported);

        // Social governance: C2, E, H, K, L, Q (disputes).
        var social = Sheet(new RateSlice(Platform: Platform.SocialGovernance));
        Expect.Ratio(H + K + L, C2 + H + K + L + Q, social.Closure, "social closure");
        Expect.Ratio(H + L, H + K + L, social.ResolvedLocally, "social resolved locally");
        Expect.Live(C2 + E + Q, 0, C2 + Q, C2, social);
    }

    [Fact]
    public void SlicesCombine_TownshipAndDepartmentAndCategory()
    {
        // T1, lead CG, garbage: A1, B1, C1, D, I, P.
        var sheet = Sheet(new RateSlice(T1, CG, Garbage.Code, Platform.LawEnforcement));
        Expect.Ratio(A1 + B1 + I + P, A1 + B1 + C1 + I + P, sheet.Closure, "closure");
        // Assignments of CG there: the same incidents' CG assignments (L is a dispute).
        Expect.Ratio(A1 + C1 + D + I + P, A1 + B1 + C1 + D + I + P, sheet.OnTimeSign, "on-time sign");
        Assert.Equal(Sheet(new RateSlice(T1, CG, Garbage.Code)), sheet);
    }

    [Fact]
    public void WindowCuttingThroughTheHistory_IsJudgedAtItsEnd()
    {
        // [R0+48 h, R0+96 h): due in it are B (R0+74 h), C, M, Q (R0+73 h) and I (closed R0+55 h). B closed at
        // R0+97 h and M at R0+99 h, after the window's end, so they count as not closed: a month that has ended does
        // not move when its cases are closed late.
        var sheet = Sheet(new RateSlice(From: R0 + H(48), To: R0 + H(96)));

        const int due = B1 + B2 + C1 + C2 + I + M + Q;
        Assert.Equal(87, due);
        Expect.Ratio(I, due, sheet.Closure, "closure");
        Expect.Ratio(I, due, sheet.OnTimeClosure, "on-time closure");
        Expect.Ratio(I, I + M, sheet.CrossDepartmentClosure, "cross closure");
        // Assignments due in it: B's (deadline R0+74 h, handled R0+84 h), C's (never handled), M's HB (deadline
        // R0+73 h, handled R0+97 h: after the end).
        Expect.Ratio(B1 + B2, B1 + B2 + C1 + C2 + M, sheet.Disposal, "disposal");
        // Every sign and dispatch happened in the first hours: nothing to count, so no value.
        Expect.Ratio(0, 0, sheet.OnTimeSign, "on-time sign");
        Expect.Ratio(0, 0, sheet.Return, "return");
        Expect.Ratio(I, I, sheet.ResolvedLocally, "resolved locally");
        // Verified in it: B (R0+95 h) and I (R0+53 h).
        Expect.Ratio(0, B1 + B2 + I, sheet.Rework, "rework");
        Expect.Duration(0, null, null, sheet.TimeToDispatch, "time to dispatch");
        Expect.Duration(0, null, null, sheet.TimeToSign, "time to sign");
        Expect.Duration(I, Expect.Hours(55), Expect.Hours(55), sheet.TimeToClose, "time to close");
        Assert.Equal(0, sheet.Reported);
        // Live counts ignore the window.
        Expect.Live(C1 + C2 + D + E + Q, D, C1 + C2 + Q, C2, sheet);
    }

    [Fact]
    public void WindowNotYetEnded_IsJudgedAtAsOf()
    {
        // The same window seen at R0+80 h: B is handled at R0+84 h, so not yet; B, M not closed; live counts then.
        var asOf = R0 + H(80);
        var sheet = Sheet(new RateSlice(From: R0 + H(48), To: R0 + H(96)), asOf);

        Expect.Ratio(I, B1 + B2 + C1 + C2 + I + M + Q, sheet.Closure, "closure");
        Expect.Ratio(0, B1 + B2 + C1 + C2 + M, sheet.Disposal, "disposal");
        // Open at R0+80 h: B (closed R0+97 h), C, E, M (closed R0+99 h), Q; all but E are past their deadline.
        // D is reported at R0+180 h and does not exist yet.
        Expect.Live(B1 + B2 + C1 + C2 + E + M + Q, 0, B1 + B2 + C1 + C2 + M + Q, C2, sheet);
    }

    [Fact]
    public void AsOfBeforeAndAfterADeadline()
    {
        // C, M and Q fall due at R0+73 h, B at R0+74 h.
        var before = Sheet(new RateSlice(), R0 + H(72));
        var after = Sheet(new RateSlice(), R0 + H(74));

        const int dueBefore = A1 + A2 + H + I + J + K + L + O + P;
        Assert.Equal(202, dueBefore);
        Expect.Ratio(dueBefore, dueBefore, before.Closure, "closure before");
        Expect.Ratio(dueBefore, dueBefore, before.OnTimeClosure, "on time before");
        // Open at R0+72 h: B, C, E, M, Q, each past its 80 % warning (B's at R0+59.6 h), none past its deadline.
        Expect.Live(B1 + B2 + C1 + C2 + E + M + Q, B1 + B2 + C1 + C2 + M + Q, 0, C2, before);

        // At R0+74 h, C, M and Q are due; B's deadline is exactly t, the window's exclusive end, so it is not yet due
        // in [.., t) but it is overdue (the 超期 alarm fires at the deadline).
        Expect.Ratio(dueBefore, dueBefore + C1 + C2 + M + Q, after.Closure, "closure after");
        Expect.Live(B1 + B2 + C1 + C2 + E + M + Q, 0, B1 + B2 + C1 + C2 + M + Q, C2, after);
    }
}
