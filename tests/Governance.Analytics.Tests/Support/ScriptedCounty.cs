using Governance.Contracts.V1;

namespace Governance.Analytics.Tests.Support;

/// <summary>
/// A scripted history of 310 incidents in county 330290: two townships, three villages, four grids, three handling
/// departments, four categories on three platforms. Each cohort is a group of incidents with one life and one place,
/// so every expected figure in the tests is a sum of cohort sizes, worked out by hand.
/// </summary>
/// <remarks>
/// Times are relative to R0, Monday 2025-04-07 09:00 CST (01:00 UTC). A dispatch at S gives each department a sign
/// deadline of S + 2 h, a handle deadline of S + 72 h and the warning at S + 57.6 h. The figures are judged at
/// <see cref="AsOf"/> = R0 + 240 h unless a test says otherwise.
/// </remarks>
internal static class ScriptedCounty
{
    public const string County = "330290";
    public const string T1 = "330290001";
    public const string T2 = "330290002";
    public const string V11 = "330290001001";
    public const string V12 = "330290001002";
    public const string V21 = "330290002001";
    public const string G111 = "330290001001001";
    public const string G112 = "330290001001002";
    public const string G121 = "330290001002001";
    public const string G211 = "330290002001001";

    /// <summary>城管局, 市场监管局, 生态环境局.</summary>
    public const string CG = "330290-cgj";
    public const string SC = "330290-scjgj";
    public const string HB = "330290-sthjj";

    public static readonly IncidentCategory Garbage = new("garbage", "暴露垃圾", Platform.LawEnforcement);
    public static readonly IncidentCategory Noise = new("noise", "噪声扰民", Platform.LawEnforcement);
    public static readonly IncidentCategory Food = new("food", "食品安全", Platform.MarketSupervision);
    public static readonly IncidentCategory Dispute = new("dispute", "邻里纠纷", Platform.SocialGovernance);

    public static readonly DateTimeOffset R0 = new(2025, 4, 7, 1, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset AsOf = R0 + H(240);

    /// <summary>Reported 60 h before <see cref="AsOf"/>: its warning (R + 58.6 h) has passed, its deadline (R + 73 h) not.</summary>
    public static readonly DateTimeOffset NotYetDueReportedAt = AsOf - H(60);

    // Cohort sizes. The letter in each comment names the cohort in the tests' hand sums.
    /// <summary>A1, G111 garbage, lead CG, dispatched R+0.5h: signed S+1h, handled S+23h, verified S+25h, closed S+27h.</summary>
    public const int ClosedOnTimeG111 = 80;
    /// <summary>A2, G211 food, lead SC, dispatched R+1h, the same life; urged on once (closed, so never counted live).</summary>
    public const int ClosedOnTimeG211 = 40;
    /// <summary>B1, G112 garbage, lead CG, dispatched R+2h: signed S+3h (late), handled S+82h (late), verified S+93h, closed S+95h (late).</summary>
    public const int ClosedLateG112 = 25;
    /// <summary>B2, G211 food, lead SC, the same life as B1.</summary>
    public const int ClosedLateG211 = 15;
    /// <summary>C1, G121 garbage, lead CG, dispatched R+1h, signed S+1h, never handled: overdue at R+73h.</summary>
    public const int OverdueG121 = 15;
    /// <summary>C2, G211 dispute, lead HB, the same life as C1, urged on twice.</summary>
    public const int OverdueSupervisedG211 = 10;
    /// <summary>D, G111 garbage, lead CG, reported at <see cref="NotYetDueReportedAt"/>, dispatched R+1h, signed S+1h: warned, not due.</summary>
    public const int NotYetDueWarned = 15;
    /// <summary>E, G112 dispute: registered R+10m, never dispatched.</summary>
    public const int NeverDispatched = 8;
    /// <summary>F, G111 garbage: rejected R+10m.</summary>
    public const int Rejected = 6;
    /// <summary>G, G211 food: merged R+10m.</summary>
    public const int Merged = 4;
    /// <summary>H, G121 dispute: resolved on the spot R+10m.</summary>
    public const int ResolvedOnSpot = 30;
    /// <summary>I, G111 garbage: lead SC at R+1h, returned unsigned S+1h; re-dispatched to CG at S'=S+5h, signed S'+1h, handled S'+40h, verified S'+47h, closed S'+49h.</summary>
    public const int ReturnedRedispatched = 12;
    /// <summary>J, G211 food, lead SC at R+1h: signed S+1h, handled S+19h, failed S+21h, handled again S+39h, passed S+41h, closed S+43h.</summary>
    public const int Reworked = 10;
    /// <summary>K, G112 dispute: escalated by the township R+2h, dispatched by the county to CG at R+3h, then as A.</summary>
    public const int Escalated = 8;
    /// <summary>L, G121 dispute: lead HB, assisted by CG, at R+1h: both sign S+1h, handle S+23h; verified S+25h, closed S+27h.</summary>
    public const int CrossAssisted = 14;
    /// <summary>M, G211 food: lead SC, assisted by HB, at R+1h: SC signs S+1h, HB S+4h (late); SC handles S+23h, HB S+96h (late); verified S+97h, closed S+98h.</summary>
    public const int CrossLate = 6;
    /// <summary>O, outside every grid (county only), noise, lead CG at R+4h, then as A.</summary>
    public const int CountyCentre = 3;
    /// <summary>P, G111 garbage: lead CG with SC assisting at R+1h; at S+0.5h re-dispatched to CG alone (SC withdrawn unsigned), then as A.</summary>
    public const int AssistWithdrawn = 5;
    /// <summary>Q, G211 dispute, lead HB at R+1h, as A until closed S+27h; reopened S+48h and left open (its deadline S+72h is the last lead's).</summary>
    public const int ReopenedOpen = 4;

    public const int Total = ClosedOnTimeG111 + ClosedOnTimeG211 + ClosedLateG112 + ClosedLateG211 + OverdueG121 + OverdueSupervisedG211
        + NotYetDueWarned + NeverDispatched + Rejected + Merged + ResolvedOnSpot + ReturnedRedispatched + Reworked + Escalated
        + CrossAssisted + CrossLate + CountyCentre + AssistWithdrawn + ReopenedOpen;

    private static readonly Place AtG111 = new(County, T1, V11, G111);
    private static readonly Place AtG112 = new(County, T1, V11, G112);
    private static readonly Place AtG121 = new(County, T1, V12, G121);
    private static readonly Place AtG211 = new(County, T2, V21, G211);
    private static readonly Place OutsideEveryGrid = new(County, "", "", "");

    private static readonly TimeSpan M10 = TimeSpan.FromMinutes(10);

    public static TimeSpan H(double hours) => TimeSpan.FromHours(hours);

    public static IReadOnlyList<IncidentBuilder> Build()
    {
        var all = new List<IncidentBuilder>();
        void Cohort(string name, int count, Func<string, IncidentBuilder> life)
        {
            for (var i = 0; i < count; i++)
            {
                all.Add(life($"{name}-{i:000}"));
            }
        }

        var r = R0;
        Cohort("A1", ClosedOnTimeG111, id => Standard(IncidentBuilder.Report(id, AtG111, Garbage, r).Register(r + H(0.25)), r + H(0.5), CG));
        Cohort("A2", ClosedOnTimeG211, id => Standard(IncidentBuilder.Report(id, AtG211, Food, r).Register(r + H(0.25)).Supervise(r + H(0.75)), r + H(1), SC));
        Cohort("B1", ClosedLateG112, id => Late(IncidentBuilder.Report(id, AtG112, Garbage, r).Register(r + H(0.25)), r + H(2), CG));
        Cohort("B2", ClosedLateG211, id => Late(IncidentBuilder.Report(id, AtG211, Food, r).Register(r + H(0.25)), r + H(2), SC));
        Cohort("C1", OverdueG121, id => IncidentBuilder.Report(id, AtG121, Garbage, r).Register(r + H(0.25))
            .Dispatch(r + H(1), CG).Sign(CG, r + H(2)));
        Cohort("C2", OverdueSupervisedG211, id => IncidentBuilder.Report(id, AtG211, Dispute, r).Register(r + H(0.25))
            .Dispatch(r + H(1), HB).Sign(HB, r + H(2)).Supervise(r + H(20)).Supervise(r + H(30)));
        var d = NotYetDueReportedAt;
        Cohort("D", NotYetDueWarned, id => IncidentBuilder.Report(id, AtG111, Garbage, d).Register(d + H(0.25))
            .Dispatch(d + H(1), CG).Sign(CG, d + H(2)));
        Cohort("E", NeverDispatched, id => IncidentBuilder.Report(id, AtG112, Dispute, r).Register(r + M10));
        Cohort("F", Rejected, id => IncidentBuilder.Report(id, AtG111, Garbage, r).Reject(r + M10));
        Cohort("G", Merged, id => IncidentBuilder.Report(id, AtG211, Food, r).Merge("A2-000", r + M10));
        Cohort("H", ResolvedOnSpot, id => IncidentBuilder.Report(id, AtG121, Dispute, r).ResolveOnSpot(r + M10));
        Cohort("I", ReturnedRedispatched, id =>
        {
            var s = r + H(1);
            var s2 = s + H(5);
            return IncidentBuilder.Report(id, AtG111, Garbage, r).Register(r + H(0.25))
                .Dispatch(s, SC).Return(SC, s + H(1))
                .Dispatch(s2, CG).Sign(CG, s2 + H(1)).Handle(CG, s2 + H(40)).Verify(s2 + H(47), true).Close(s2 + H(49));
        });
        Cohort("J", Reworked, id =>
        {
            var s = r + H(1);
            return IncidentBuilder.Report(id, AtG211, Food, r).Register(r + H(0.25))
                .Dispatch(s, SC).Sign(SC, s + H(1)).Handle(SC, s + H(19)).Verify(s + H(21), false)
                .Handle(SC, s + H(39)).Verify(s + H(41), true).Close(s + H(43));
        });
        Cohort("K", Escalated, id => Standard(IncidentBuilder.Report(id, AtG112, Dispute, r).Register(r + H(0.25)).Escalate(r + H(2)), r + H(3), CG));
        Cohort("L", CrossAssisted, id =>
        {
            var s = r + H(1);
            return IncidentBuilder.Report(id, AtG121, Dispute, r).Register(r + H(0.25))
                .Dispatch(s, HB, CG).Sign(HB, s + H(1)).Sign(CG, s + H(1)).Handle(HB, s + H(23)).Handle(CG, s + H(23))
                .Verify(s + H(25), true).Close(s + H(27));
        });
        Cohort("M", CrossLate, id =>
        {
            var s = r + H(1);
            return IncidentBuilder.Report(id, AtG211, Food, r).Register(r + H(0.25))
                .Dispatch(s, SC, HB).Sign(SC, s + H(1)).Sign(HB, s + H(4)).Handle(SC, s + H(23)).Handle(HB, s + H(96))
                .Verify(s + H(97), true).Close(s + H(98));
        });
        Cohort("O", CountyCentre, id => Standard(IncidentBuilder.Report(id, OutsideEveryGrid, Noise, r, Channel.Hotline12345).Register(r + H(0.25)), r + H(4), CG));
        Cohort("P", AssistWithdrawn, id =>
        {
            var s = r + H(1);
            return IncidentBuilder.Report(id, AtG111, Garbage, r).Register(r + H(0.25))
                .Dispatch(s, CG, SC).Dispatch(s + H(0.5), CG)
                .Sign(CG, s + H(1)).Handle(CG, s + H(23)).Verify(s + H(25), true).Close(s + H(27));
        });
        Cohort("Q", ReopenedOpen, id =>
        {
            var s = r + H(1);
            return Standard(IncidentBuilder.Report(id, AtG211, Dispute, r).Register(r + H(0.25)), s, HB).Reopen(s + H(48));
        });
        return all;
    }

    /// <summary>Dispatched at <paramref name="s"/>: signed S+1h, handled S+23h, verified S+25h, closed S+27h: all on time.</summary>
    private static IncidentBuilder Standard(IncidentBuilder incident, DateTimeOffset s, string lead) =>
        incident.Dispatch(s, lead).Sign(lead, s + H(1)).Handle(lead, s + H(23)).Verify(s + H(25), true).Close(s + H(27));

    /// <summary>Dispatched at <paramref name="s"/>: signed S+3h, handled S+82h, verified S+93h, closed S+95h: each late.</summary>
    private static IncidentBuilder Late(IncidentBuilder incident, DateTimeOffset s, string lead) =>
        incident.Dispatch(s, lead).Sign(lead, s + H(3)).Handle(lead, s + H(82)).Verify(s + H(93), true).Close(s + H(95));
}
