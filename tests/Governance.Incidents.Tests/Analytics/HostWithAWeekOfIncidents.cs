using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Domain.Demo;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Governance.Incidents.Tests.Fixtures;
using Governance.Incidents.Tests.Workflow;
using Governance.Security;
using Governance.Testing;
using Xunit;

namespace Governance.Incidents.Tests.Analytics;

/// <summary>
/// The real standalone host on a <see cref="SteppedClock"/>, after seven incidents of one working week in the demo
/// county were taken over gRPC through the steps below, each at the minute given (China Standard Time), and the
/// analytics service has caught up with all of them. The deadline scheduler is off, so nothing but these steps is
/// written. Two towns (镇), X and Y; exposed garbage (LE-0101) is dispatched at once to the town's own
/// 综合行政执法中队 (sign within 2 working hours, handle by the end of the next working day); a dispute (SG-0102)
/// waits for the county centre (sign within 1 working day, handle within 10).
/// <code>
/// Mon 2 Nov 09:00  A  LE-0101 in X reported, dispatched to X's 中队        10:50 signed  11:30 handled  11:40 verified  11:50 closed
///          09:10  B  SG-0102 in X reported   10:10 registered  10:20 dispatched to 司法局 + 公安局  10:30 公安局 returns it
///                    10:40 dispatched to 司法局 + 民政局  11:10 / 11:20 signed  12:00 / 12:10 handled  12:20 verification fails
///                    12:30 / 12:40 handled again  12:50 verified  13:00 closed
///          09:20  C  LE-0101 in X reported, dispatched   11:00 signed, then left: overdue since Tue 17:30
///          09:30  D  SG-0102 in Y reported and left: open, never dispatched, never due
///          09:40  E  LE-0101 in Y reported, dispatched; nothing until Wed 15:10 signed  15:20 handled  15:30 verified  15:40 closed
///          09:50  F  SG-0102 in Y reported   10:00 rejected: not a case
/// Tue 3 Nov 09:00  G  LE-0101 in Y reported, dispatched, never signed: warned (Wed 14:36), not yet due (Wed 17:30)
/// Wed 4 Nov 15:00  C  supervised (督办) by the county centre
///          16:00  the clock stops here: "now" for every query
/// </code>
/// </summary>
public sealed class HostWithAWeekOfIncidents : IAsyncLifetime
{
    public const string County = DemoCounty.Code;
    public const string Dispute = "SG-0102";  // 矛盾纠纷: waits for the county centre
    public const string Garbage = Reports.AutoDispatchCategory; // 暴露垃圾: dispatched at once
    public const string Justice = "330290-SFJ";  // 司法局, B's lead
    public const string Police = "330290-GAJ";   // 公安局, assists on B, then returns it
    public const string Welfare = "330290-MZJ";  // 民政局, assists on B after the re-dispatch

    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "governance-tests", "analytics-" + Guid.NewGuid().ToString("N"));
    private DevelopmentSigningKey? _key;
    private DevelopmentTokenIssuer _issuer = null!;
    private HttpClient _grpcHttp = null!;
    private GrpcClient _bareClient = null!;
    private HttpClient _http = null!;

    /// <summary>The moment the clock stopped: Wednesday 4 November 2026, 16:00 CST.</summary>
    public static DateTimeOffset Now { get; } = Wednesday(16, 0);

    public StandaloneHost Host { get; private set; } = null!;

    internal SteppedClock Clock { get; } = new(Monday(8, 0));

    /// <summary>The two towns, and their 综合行政执法中队 (the leads of A, C and of E, G).</summary>
    public string TownX { get; private set; } = "";

    public string TownY { get; private set; } = "";

    public string LeadX { get; private set; } = "";

    public string LeadY { get; private set; } = "";

    /// <summary>The incidents as the last step left them.</summary>
    public Incident A { get; private set; } = null!;

    public Incident B { get; private set; } = null!;

    public Incident C { get; private set; } = null!;

    public Incident D { get; private set; } = null!;

    public Incident E { get; private set; } = null!;

    public Incident F { get; private set; } = null!;

    public Incident G { get; private set; } = null!;

    /// <summary>The log position of the last step; every analytics answer has at least this position.</summary>
    public long LastPosition { get; private set; }

    public string LeaderToken { get; private set; } = "";

    public string CenterToken { get; private set; } = "";

    public static DateTimeOffset Monday(int hour, int minute) => new(2026, 11, 2, hour, minute, 0, ChinaStandardTime);

    public static DateTimeOffset Tuesday(int hour, int minute) => Monday(hour, minute).AddDays(1);

    public static DateTimeOffset Wednesday(int hour, int minute) => Monday(hour, minute).AddDays(2);

    public static DateTimeOffset Thursday(int hour, int minute) => Monday(hour, minute).AddDays(3);

    /// <summary>
    /// A token this host accepts. It is minted on the real clock with the host's signing key: the bearer check judges
    /// a token's lifetime by the machine's time, not by the host's stopped one.
    /// </summary>
    public string Token(string subject, ActorRole role, string[] regions, string? department = null) =>
        _issuer.Issue(subject, role, regions, department);

    /// <summary>AnalyticsService over gRPC and JSON as the token's holder; null sends no token.</summary>
    internal AnalyticsCalls As(string? token) => new(Host, _bareClient, _http, token);

    public async Task InitializeAsync()
    {
        Host = await StandaloneHost.StartAsync(_dataDirectory, Clock, ["--Incidents:Deadlines:Enabled=false"]);
        _key = DevelopmentSigningKey.Load(DevelopmentSigningKey.DefaultPath(_dataDirectory));
        _issuer = new DevelopmentTokenIssuer(_key);
        _grpcHttp = GrpcClient.CreateHttpClient(Host.GrpcAddress);
        _bareClient = new GrpcClient(_grpcHttp);
        _http = LoopbackHttp.Create();
        CenterToken = Token("zx-week", ActorRole.CountyCenter, [County]);
        LeaderToken = Token("ld-week", ActorRole.Leader, [County]);
        await LiveTheWeekAsync();
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        _grpcHttp?.Dispose();
        _key?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }

    private async Task LiveTheWeekAsync()
    {
        var (x, y) = await TwoTownsAsync();
        TownX = x[0].Township.Code;
        TownY = y[0].Township.Code;
        LeadX = TownX + "-" + DemoCatalog.TownshipLawEnforcement;
        LeadY = TownY + "-" + DemoCatalog.TownshipLawEnforcement;
        var center = Calls(CenterToken);
        var leadX = Calls(Token("zd-x", ActorRole.DepartmentHandler, [TownX], LeadX));
        var leadY = Calls(Token("zd-y", ActorRole.DepartmentHandler, [TownY], LeadY));
        var justice = Calls(Token("sf-week", ActorRole.DepartmentHandler, [County], Justice));
        var police = Calls(Token("ga-week", ActorRole.DepartmentHandler, [County], Police));
        var welfare = Calls(Token("mz-week", ActorRole.DepartmentHandler, [County], Welfare));

        var a = await At(Monday(9, 0), () => ReportAsync(x[0], Garbage, "wg-week-a"));
        var b = await At(Monday(9, 10), () => ReportAsync(x[1], Dispute, "wg-week-b"));
        var c = await At(Monday(9, 20), () => ReportAsync(x[2], Garbage, "wg-week-c"));
        D = await At(Monday(9, 30), () => ReportAsync(y[0], Dispute, "wg-week-d"));
        var e = await At(Monday(9, 40), () => ReportAsync(y[1], Garbage, "wg-week-e"));
        var f = await At(Monday(9, 50), () => ReportAsync(y[2], Dispute, "wg-week-f"));
        F = await At(Monday(10, 0), () => RejectAsync(center, f));
        b = await At(Monday(10, 10), () => center.Register(b, "属实，予以立案"));
        b = await At(Monday(10, 20), () => center.Dispatch(b, Justice, Police));
        b = await At(Monday(10, 30), () => police.Return(b, "系民事纠纷，不属于公安职责"));
        b = await At(Monday(10, 40), () => center.Dispatch(b, Justice, Welfare));
        a = await At(Monday(10, 50), () => leadX.Sign(a));
        C = await At(Monday(11, 0), () => leadX.Sign(c));
        b = await At(Monday(11, 10), () => justice.Sign(b));
        b = await At(Monday(11, 20), () => welfare.Sign(b));
        a = await At(Monday(11, 30), () => leadX.Handled(a, "垃圾已清运"));
        a = await At(Monday(11, 40), () => center.Verify(a, true, "现场已清理"));
        A = await At(Monday(11, 50), () => center.Close(a));
        b = await At(Monday(12, 0), () => justice.Handled(b, "已组织双方调解"));
        b = await At(Monday(12, 10), () => welfare.Handled(b, "已走访困难户"));
        b = await At(Monday(12, 20), () => center.Verify(b, false, "调解协议未签订"));
        b = await At(Monday(12, 30), () => justice.Handled(b, "调解协议已签订"));
        b = await At(Monday(12, 40), () => welfare.Handled(b, "救助已落实"));
        b = await At(Monday(12, 50), () => center.Verify(b, true, "现场已平息"));
        B = await At(Monday(13, 0), () => center.Close(b));
        G = await At(Tuesday(9, 0), () => ReportAsync(y[3], Garbage, "wg-week-g"));
        C = await At(Wednesday(15, 0), () => SuperviseAsync(center, C));
        e = await At(Wednesday(15, 10), () => leadY.Sign(e));
        e = await At(Wednesday(15, 20), () => leadY.Handled(e, "垃圾已清运"));
        e = await At(Wednesday(15, 30), () => center.Verify(e, true, "现场已清理"));
        E = await At(Wednesday(15, 40), () => center.Close(e));
        Clock.Set(Now);

        AssertTheGiven();
        LastPosition = await Host.Store.GetHeadPositionAsync();
        await WaitForAnalyticsAsync(LastPosition);
    }

    /// <summary>What the figures rest on, checked so that a changed calendar or catalogue fails here, not in a figure.</summary>
    private void AssertTheGiven()
    {
        Assert.Equal(
            [IncidentState.Closed, IncidentState.Closed, IncidentState.Accepted, IncidentState.Reported, IncidentState.Closed, IncidentState.Rejected, IncidentState.Dispatched],
            new[] { A, B, C, D, E, F, G }.Select(i => i.State));
        Assert.Equal([LeadX, LeadX, LeadY, LeadY], new[] { A, C, E, G }.Select(i => i.Assignments.Single().DepartmentCode));
        Assert.Equal([(Police, AssignmentState.Returned), (Welfare, AssignmentState.Handled), (Justice, AssignmentState.Handled)],
            B.Assignments.Select(a => (a.DepartmentCode, a.State)).OrderBy(a => a.DepartmentCode, StringComparer.Ordinal));
        Assert.True(B.CrossDepartment);
        Assert.Equal((1, 2), (B.FailedVerifications, B.History.Count(h => h.Type is "incident.verified.v1" or "incident.rework-required.v1")));
        Assert.Equal(1, C.Supervisions);
        Assert.Equal(Monday(11, 0), A.Assignments[0].SignDeadline.ToDateTimeOffset());
        Assert.Equal(Monday(11, 20), C.Assignments[0].SignDeadline.ToDateTimeOffset());
        Assert.Equal(Monday(11, 40), E.Assignments[0].SignDeadline.ToDateTimeOffset());
        Assert.Equal(Tuesday(11, 0), G.Assignments[0].SignDeadline.ToDateTimeOffset());
        Assert.All(new[] { A, C, E }, i => Assert.Equal(Tuesday(17, 30), i.HandleDeadline.ToDateTimeOffset()));
        Assert.Equal((Wednesday(14, 36), Wednesday(17, 30)), (G.Assignments[0].HandleWarningAt.ToDateTimeOffset(), G.HandleDeadline.ToDateTimeOffset()));
        Assert.All(B.Assignments, a => Assert.Equal(Tuesday(17, 30), a.SignDeadline.ToDateTimeOffset()));
        Assert.Equal(Monday(17, 30).AddDays(14), B.HandleDeadline.ToDateTimeOffset());
        Assert.Null(D.HandleDeadline);
    }

    /// <summary>Polls GetRates (bounded, generously) until the analytics store has reached the log position.</summary>
    public async Task<GetRatesResponse> WaitForAnalyticsAsync(long position)
    {
        var leader = As(LeaderToken);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var rates = await leader.GetRates();
            if (rates.Position >= position)
            {
                return rates;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Analytics stayed at log position {rates.Position}; the last step was written at {position}.");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Two towns with at least four villages each, and in each the first grid of four villages: reports of exposed
    /// garbage there are far apart (no duplicate flags), and none lies on the grids whose garbage the county sweeps
    /// (every seventh in code order, DemoCatalog.LocalRules), so each goes to its town's 中队.
    /// </summary>
    private async Task<(Grid[] X, Grid[] Y)> TwoTownsAsync()
    {
        var grids = new List<Grid>();
        var page = "";
        do
        {
            var response = await Host.CallAsync<ListGridsRequest, ListGridsResponse>("RegistryService", "ListGrids",
                new ListGridsRequest { PageSize = 1000, PageToken = page }, CenterToken);
            grids.AddRange(response.Grids);
            page = response.NextPageToken;
        } while (page.Length > 0);
        var sorted = grids.OrderBy(g => g.Code, StringComparer.Ordinal).ToList();
        var towns = sorted
            .Where((_, i) => i % 7 != 0)
            .Where(g => !DemoNames.IsSubdistrictCode(g.Township.Code))
            .GroupBy(g => g.Township.Code)
            .Select(town => town.GroupBy(g => g.Village.Code).Select(village => village.First()).Take(4).ToArray())
            .Where(firsts => firsts.Length == 4)
            .Take(2)
            .ToList();
        Assert.Equal(2, towns.Count);
        return (towns[0], towns[1]);
    }

    private async Task<Incident> At(DateTimeOffset moment, Func<Task<Incident>> step)
    {
        Clock.Set(moment);
        return await step();
    }

    private async Task<Incident> ReportAsync(Grid grid, string category, string reporter) =>
        (await Host.ReportAsync(Reports.At(grid.InteriorPoint, category, reporter: reporter), Token(reporter, ActorRole.GridWorker, [County]))).Incident;

    private static async Task<Incident> RejectAsync(WorkflowCalls center, Incident incident) =>
        (await center.CallAsync<RejectIncidentRequest, RejectIncidentResponse>("RejectIncident",
            new RejectIncidentRequest { IncidentId = incident.IncidentId, ExpectedVersion = incident.Version, Reason = "重复上报的历史问题，已另案处理" })).Incident;

    private static async Task<Incident> SuperviseAsync(WorkflowCalls center, Incident incident) =>
        (await center.CallAsync<SuperviseIncidentRequest, SuperviseIncidentResponse>("SuperviseIncident",
            new SuperviseIncidentRequest { IncidentId = incident.IncidentId, ExpectedVersion = incident.Version, Note = "超期未办结，请立即处置" })).Incident;

    private WorkflowCalls Calls(string token) => new(Host, token);
}
