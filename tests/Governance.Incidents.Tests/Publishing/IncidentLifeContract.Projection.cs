using Governance.Analytics.Projection;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Incidents.Publishing;
using Governance.Incidents.Storage;
using Governance.Incidents.Tests.Fixtures;
using Governance.Incidents.Tests.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Governance.Incidents.Tests.Publishing;

/// <summary>
/// The contract with the subscriber the product runs: the analytics projection (<see cref="IncidentFactsProjection"/>,
/// subscribed on <see cref="ProjectionRoute"/> by the standalone host itself) beside the test's own subscribers, in
/// both modes. Whatever way the events travel, it ends up holding each incident's facts exactly as the incident
/// service's own state gives them, and counts them.
/// </summary>
public abstract partial class IncidentLifeContract
{
    /// <summary>The route the standalone host subscribes the analytics projection on (StandaloneApp).</summary>
    protected const string ProjectionRoute = "/pubsub/incident-life";

    private const string Dispute = "SG-0102";   // 矛盾纠纷: waits for the county centre
    private const string Justice = "330290-SFJ";
    private const string Police = "330290-GAJ";

    /// <summary>Where the mode can show it: each of these events went to the projection's route once, and was taken.</summary>
    protected virtual Task AssertTakenByProjectionRouteAsync(IReadOnlyCollection<string> eventIds) => Task.CompletedTask;

    [Fact]
    public async Task GivenTheAnalyticsProjectionAsSubscriber_WhenIncidentsGoThroughTheirLoop_ThenItHoldsEachIncidentsFactsExactlyAndCountsThem()
    {
        var host = await StartHostAsync();
        var grids = await host.ListGridsAsync();
        var center = new WorkflowCalls(host, host.TokenFor("zx-life", ActorRole.CountyCenter, [County]));
        var justice = new WorkflowCalls(host, host.TokenFor("sf-life", ActorRole.DepartmentHandler, [County], Justice));
        var police = new WorkflowCalls(host, host.TokenFor("ga-life", ActorRole.DepartmentHandler, [County], Police));

        // Handled, not yet verified.
        var handled = await ReportAndHandleAsync(host);
        // Closed through the whole loop.
        var closed = await ReportAtAsync(host, grids[400], Reports.AutoDispatchCategory, "wg-life-closed");
        var lead = LeadOf(host, closed);
        closed = await lead.Sign(closed);
        closed = await lead.Handled(closed, "垃圾已清运");
        closed = await center.Verify(closed, true, "现场已清理");
        closed = await center.Close(closed);
        // Cross-department, closed.
        var cross = await ReportAtAsync(host, grids[700], Dispute, "wg-life-cross");
        cross = await center.Register(cross);
        cross = await center.Dispatch(cross, Justice, Police);
        cross = await justice.Sign(cross);
        cross = await police.Sign(cross);
        cross = await justice.Handled(cross, "已组织双方调解");
        cross = await police.Handled(cross, "已出警维持秩序");
        cross = await center.Verify(cross, true, "现场已平息");
        cross = await center.Close(cross);
        // Rejected: never a case.
        var rejected = await ReportAtAsync(host, grids[1000], Dispute, "wg-life-rejected");
        rejected = (await center.CallAsync<RejectIncidentRequest, RejectIncidentResponse>("RejectIncident",
            new RejectIncidentRequest { IncidentId = rejected.IncidentId, ExpectedVersion = rejected.Version, Reason = "非本县辖区事项" })).Incident;
        // Dispatched and left.
        var open = await ReportAtAsync(host, grids[1300], Reports.AutoDispatchCategory, "wg-life-open");

        Incident[] incidents = [handled, closed, cross, rejected, open];
        Assert.Equal(
            [IncidentState.Handled, IncidentState.Closed, IncidentState.Closed, IncidentState.Rejected, IncidentState.Dispatched],
            incidents.Select(i => i.State));
        var state = host.Services.GetRequiredService<IncidentStore>();
        var expected = new Dictionary<string, IncidentFacts>(StringComparer.Ordinal);
        foreach (var incident in incidents)
        {
            expected[incident.IncidentId] = IncidentLifeMapper.Facts((await state.GetAsync(incident.IncidentId, CancellationToken.None))!);
        }
        var projection = host.Services.GetRequiredService<IncidentFactsProjection>();
        await WaitUntilAsync(() => expected.Values.All(e => Held(projection).GetValueOrDefault(e.IncidentId)?.Version == e.Version),
            "the projection holding every incident at its stored version");

        var held = Held(projection);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), held.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected.Values, e => Assert.Equal(e, held[e.IncidentId]));
        Assert.Equal([Police, Justice], held[cross.IncidentId].DepartmentsInvolved.Order(StringComparer.Ordinal));
        Assert.True(held[cross.IncidentId].CrossDepartment);

        // The same facts counted, over the wire: two cases due (closed, at their closure, on time), one across
        // departments; four assignments handled; the handled one and the open one still open; five reports.
        var leader = host.TokenFor("ld-life", ActorRole.Leader, [County]);
        var rates = (await host.Client.UnaryAsync<GetRatesRequest, GetRatesResponse>(GovernanceServices.AnalyticsService.Method("GetRates"),
            new GetRatesRequest(), new CallOptions(Headers: StandaloneHost.Bearer(leader)))).Rates;
        Assert.Equal(5, rates.Reported);
        Assert.Equal((2L, 2L, 2L), (rates.Closure.Numerator, rates.Closure.Denominator, rates.OnTimeClosure.Numerator));
        Assert.Equal((1L, 1L), (rates.CrossDepartmentClosure.Numerator, rates.CrossDepartmentClosure.Denominator));
        Assert.Equal((4L, 4L), (rates.Disposal.Numerator, rates.Disposal.Denominator));
        Assert.Equal((2L, 0L), (rates.Open, rates.Overdue));

        var published = new List<string>();
        await foreach (var page in new IncidentLifeReader(host.Store).ReadAllAsync(0, 500, CancellationToken.None))
        {
            published.AddRange(page.Events.Where(r => expected.ContainsKey(r.Event.IncidentId)).Select(r => r.Event.EventId));
        }
        await AssertTakenByProjectionRouteAsync(published);
    }

    private static Dictionary<string, IncidentFacts> Held(IncidentFactsProjection projection) =>
        projection.Current.Incidents.ToDictionary(f => f.IncidentId, StringComparer.Ordinal);

    private static async Task<Incident> ReportAtAsync(StandaloneHost host, Grid grid, string category, string reporter) =>
        (await host.ReportAsync(Reports.At(grid.InteriorPoint, category, reporter: reporter),
            host.TokenFor(reporter, ActorRole.GridWorker, [County]))).Incident;
}
