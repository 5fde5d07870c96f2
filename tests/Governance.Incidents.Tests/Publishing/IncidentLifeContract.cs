using Governance.Contracts.V1;
using Governance.Domain;
using Governance.EventStore;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Governance.Incidents.Publishing;
using Governance.Incidents.Storage;
using Governance.Incidents.Tests.Fixtures;
using Governance.Incidents.Tests.Workflow;
using Governance.PubSub;
using Governance.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;

namespace Governance.Incidents.Tests.Publishing;

/// <summary>
/// What a subscriber of incident life can count on, whichever way events travel. The same facts run on the real
/// standalone host in embedded mode (<see cref="EmbeddedIncidentLifeContractTests"/>) and in Dapr mode against a
/// loopback sidecar that speaks Dapr's documented HTTP contract (<see cref="DaprIncidentLifeContractTests"/>). Each
/// test starts its own host on its own data folder, with <see cref="LifeSubscriber"/> on the topic and
/// <see cref="LifeDeadLetters"/> on the dead-letter topic.
/// </summary>
public abstract partial class IncidentLifeContract : IAsyncLifetime
{
    protected const string County = DemoCounty.Code;

    /// <summary>What the trace of a report sent with <see cref="ReportTraceParent"/> is called.</summary>
    protected const string ReportTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    protected const string ReportTraceParent = "00-" + ReportTraceId + "-00f067aa0ba902b7-01";

    private static readonly string[] LifeOfAHandledIncident =
    [
        "governance.incident.reported.v1", "governance.incident.registered.v1", "governance.incident.dispatched.v1",
        "governance.incident.signed.v1", "governance.incident.handled.v1",
    ];

    private readonly List<StandaloneHost> _hosts = [];
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "governance-tests", "life-" + Guid.NewGuid().ToString("N"));

    protected LifeSubscriber Subscriber { get; } = new();

    protected LifeDeadLetters DeadLetters { get; } = new();

    /// <summary>The mode's settings, as command-line arguments.</summary>
    protected abstract IReadOnlyList<string> ModeSettings { get; }

    /// <summary>Makes the broker refuse every publish (a sidecar answering 500, an embedded broker that is down), or stop refusing.</summary>
    protected abstract void BrokerRefuses(bool refuse);

    /// <summary>Publishes the broker refused so far.</summary>
    protected abstract int RefusedPublishes { get; }

    /// <summary>Anything the mode registers in the host (the embedded switch).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Anything the mode does once a host serves (the sidecar reads its subscriptions).</summary>
    protected virtual Task ConnectAsync(StandaloneHost host) => Task.CompletedTask;

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var host in _hosts.ToList())
        {
            await host.StopAsync();
        }
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    /// <summary>A host on this test's data folder (the same one again after a stop), with the test's subscribers.</summary>
    protected async Task<StandaloneHost> StartHostAsync(params string[] settings)
    {
        var host = await StandaloneHost.StartAsync(_dataDirectory,
            settings: [.. ModeSettings, "--PubSub:Relay:MaxRetryDelay=00:00:00.200", .. settings],
            configureServices: services =>
            {
                services.AddSingleton(Subscriber);
                services.AddSingleton(DeadLetters);
                services.AddCloudEventSubscription<LifeSubscriber>(LifeSubscriber.Route);
                services.AddCloudEventSubscription<LifeDeadLetters>(LifeDeadLetters.Route, topic: o => o.DeadLetterTopic, deadLetterTopic: _ => null);
                ConfigureServices(services);
            });
        _hosts.Add(host);
        await ConnectAsync(host);
        return host;
    }

    protected async Task StopHostAsync(StandaloneHost host)
    {
        _hosts.Remove(host);
        await host.StopAsync();
    }

    protected static IncidentLifeRelay Relay(StandaloneHost host) => host.Services.GetRequiredService<IncidentLifeRelay>();

    protected static Task WaitUntilAsync(Func<bool> condition, string what) => TestDaprSidecar.WaitUntilAsync(condition, what);

    /// <summary>The incident's stream as stored: ids, positions and the traceparent each event was written under.</summary>
    protected static Task<IReadOnlyList<RecordedEvent>> StoredAsync(StandaloneHost host, string incidentId) =>
        host.Store.ReadStreamAsync(StreamNames.Incident(incidentId));

    /// <summary>
    /// A grid worker's report of exposed garbage, which the county rule registers and dispatches at once (three events
    /// in one append), sent with a W3C traceparent as an app would send it.
    /// </summary>
    protected static async Task<Incident> ReportAsync(StandaloneHost host)
    {
        var grid = (await host.ListGridsAsync())[100].InteriorPoint;
        var token = host.TokenFor("wg-life", ActorRole.GridWorker, [County]);
        var response = await host.Client.UnaryAsync<ReportIncidentRequest, ReportIncidentResponse>(
            GovernanceServices.IncidentService.Method("ReportIncident"),
            Reports.At(grid, Reports.AutoDispatchCategory, reporter: "wg-life"),
            new CallOptions(Headers: new Dictionary<string, string> { ["authorization"] = "Bearer " + token, ["traceparent"] = ReportTraceParent }));
        Assert.Equal(IncidentState.Dispatched, response.Incident.State);
        return response.Incident;
    }

    /// <summary>The lead department's calls on the incident.</summary>
    private protected static WorkflowCalls LeadOf(StandaloneHost host, Incident incident) =>
        new(host, host.TokenFor("h-life", ActorRole.DepartmentHandler, [County], incident.Assignments[0].DepartmentCode));

    /// <summary>A report taken through sign and handled: five published steps.</summary>
    protected static async Task<Incident> ReportAndHandleAsync(StandaloneHost host)
    {
        var incident = await ReportAsync(host);
        var lead = LeadOf(host, incident);
        incident = await lead.Sign(incident);
        return await lead.Handled(incident, "垃圾已清运");
    }

    [Fact]
    public async Task GivenAReportTakenThroughHandling_WhenRelayed_ThenEachStepArrivesOnceInOrderAsItsDomainEventWithItsFactsAndTrace()
    {
        var host = await StartHostAsync();

        var incident = await ReportAndHandleAsync(host);
        await WaitUntilAsync(() => Subscriber.Taken(incident.IncidentId).Count >= 5, "five steps taken");

        var stored = await StoredAsync(host, incident.IncidentId);
        var taken = Subscriber.Taken(incident.IncidentId);
        Assert.Equal(stored.Select(r => r.EventId.ToString()), taken.Select(e => e.Id));
        Assert.Equal(LifeOfAHandledIncident, taken.Select(e => e.Type));
        var lead = incident.Assignments[0].DepartmentCode;
        for (var i = 0; i < taken.Count; i++)
        {
            var cloudEvent = taken[i];
            var message = IncidentLifeEvent.Parser.ParseFrom(cloudEvent.Data.Span);
            Assert.Equal(("/governance/incidents", incident.IncidentId, "application/protobuf"), (cloudEvent.Source, cloudEvent.Subject, cloudEvent.DataContentType));
            Assert.Equal((stored[i].Position, (long)i + 1, incident.IncidentId), (message.Position, message.IncidentVersion, message.IncidentId));
            Assert.Equal(message.OccurredAt.ToDateTimeOffset(), cloudEvent.Time);
            Assert.Equal(i + 1, message.Incident.Version);
            Assert.Equal(EventSerializer.DeserializeMetadata(stored[i].Metadata.Span).TraceParent, cloudEvent.TraceParent);
            Assert.Equal(IntegrationTopics.IncidentLife, cloudEvent.Topic);
        }
        var handled = IncidentLifeEvent.Parser.ParseFrom(taken[^1].Data.Span);
        Assert.Equal((IncidentState.Handled, lead, true), (handled.Incident.State, handled.Incident.LeadDepartmentCode, handled.Handled.OnTime));
        Assert.Equal(incident.HandleDeadline, handled.Incident.HandleDeadline);
        Assert.Equal([lead], handled.Incident.DepartmentsInvolved);
        Assert.Equal(incident.ReportedAt, handled.Incident.ReportedAt);
        // The three steps of the report were caused by the app's call, and carry its trace to the subscriber.
        Assert.All(taken.Take(3), e => Assert.StartsWith("00-" + ReportTraceId + "-", e.TraceParent));
        Assert.All(Subscriber.Deliveries.Where(d => d.Event.Subject == incident.IncidentId), d => Assert.Equal(1, d.Attempt));
        Assert.Empty(DeadLetters.Deliveries);
    }

    [Fact]
    public async Task GivenASubscriberThatAsksForADispatchAgain_WhenRelayed_ThenItIsRedeliveredUntilTakenAndNothingAfterItIsLost()
    {
        var host = await StartHostAsync();
        Subscriber.Script = (e, attempt) => e.Type == "governance.incident.dispatched.v1" && attempt <= 3 ? DeliveryOutcome.Retry : DeliveryOutcome.Success;

        var incident = await ReportAndHandleAsync(host);
        await WaitUntilAsync(() => Subscriber.Taken(incident.IncidentId).Select(e => e.Id).Distinct().Count() == 5, "all five steps taken");

        var stored = await StoredAsync(host, incident.IncidentId);
        var dispatched = stored[2].EventId.ToString();
        Assert.Equal(4, Subscriber.AttemptsOf(dispatched));
        Assert.Equal(stored.Select(r => r.EventId.ToString()).Order(), Subscriber.Taken(incident.IncidentId).Select(e => e.Id).Distinct().Order());
        Assert.Empty(DeadLetters.Deliveries);
    }

    [Fact]
    public async Task GivenASubscriberThatDropsTheRegistration_WhenRelayed_ThenItReachesTheDeadLetterTopicAndTheStreamGoesOn()
    {
        var host = await StartHostAsync();
        Subscriber.Script = (e, _) => e.Type == "governance.incident.registered.v1" ? DeliveryOutcome.Drop : DeliveryOutcome.Success;

        var incident = await ReportAndHandleAsync(host);
        await WaitUntilAsync(() => Subscriber.Taken(incident.IncidentId).Count == 4 && DeadLetters.Taken(incident.IncidentId).Count == 1,
            "four steps taken and the registration dead-lettered");

        var stored = await StoredAsync(host, incident.IncidentId);
        var dead = DeadLetters.Taken(incident.IncidentId).Single();
        Assert.Equal((stored[1].EventId.ToString(), "governance.incident.registered.v1", IntegrationTopics.IncidentLifeDeadLetter),
            (dead.Id, dead.Type, dead.Topic));
        Assert.Equal(stored.Where((_, i) => i != 1).Select(r => r.EventId.ToString()), Subscriber.Taken(incident.IncidentId).Select(e => e.Id));
    }

    [Fact]
    public async Task GivenABrokerThatRefuses_WhenRelayed_ThenThePageIsRetriedAndTheCheckpointWaitsUntilItIsAccepted()
    {
        var host = await StartHostAsync();
        var relay = Relay(host);
        await relay.WaitForPositionAsync(await host.Store.GetHeadPositionAsync(), CancellationToken.None);
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var checkpoint = host.Services.GetRequiredService<IRelayCheckpoint>();

        BrokerRefuses(true);
        var incident = await ReportAsync(host);
        var stored = await StoredAsync(host, incident.IncidentId);
        await WaitUntilAsync(() => RefusedPublishes >= 3, "the page refused three times");

        Assert.True(relay.Position < stored[0].Position);
        Assert.True(await checkpoint.GetAsync(IncidentLifeRelay.RelayName, CancellationToken.None) < stored[0].Position);
        Assert.Empty(Subscriber.Taken(incident.IncidentId));
        Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync(r => r.Name == "relay")).Status);

        BrokerRefuses(false);
        await relay.WaitForPositionAsync(stored[^1].Position, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        await WaitUntilAsync(() => Subscriber.Taken(incident.IncidentId).Count == 3, "the report's three steps taken");

        Assert.Equal(stored.Select(r => r.EventId.ToString()), Subscriber.Taken(incident.IncidentId).Select(e => e.Id));
        Assert.True(await checkpoint.GetAsync(IncidentLifeRelay.RelayName, CancellationToken.None) >= stored[^1].Position);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(r => r.Name == "relay")).Status);
    }

    [Fact]
    public async Task GivenAHostRestartedOnItsDataFolder_WhenRelayed_ThenItResumesFromItsCheckpointAndNothingIsLost()
    {
        var first = await StartHostAsync();
        var incident = await ReportAsync(first);
        var reported = await StoredAsync(first, incident.IncidentId);
        await WaitUntilAsync(() => Subscriber.Taken(incident.IncidentId).Count == 3, "the report's three steps taken");
        await Relay(first).WaitForPositionAsync(reported[^1].Position, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        var checkpointAtStop = Relay(first).Position;
        // The signature is stored but never published by this host: its broker is down until it stops.
        BrokerRefuses(true);
        var lead = LeadOf(first, incident);
        incident = await lead.Sign(incident);
        var refusedBefore = RefusedPublishes;
        await WaitUntilAsync(() => RefusedPublishes > refusedBefore, "the signature refused");
        await StopHostAsync(first);
        BrokerRefuses(false);

        var second = await StartHostAsync();
        incident = await LeadOf(second, incident).Handled(incident, "垃圾已清运");
        await WaitUntilAsync(() => Subscriber.Taken(incident.IncidentId).Count >= 5, "all five steps taken");

        var stored = await StoredAsync(second, incident.IncidentId);
        Assert.Equal(stored.Select(r => r.EventId.ToString()), Subscriber.Taken(incident.IncidentId).Select(e => e.Id));
        Assert.All(stored.Where(r => r.Position <= checkpointAtStop), r => Assert.Equal(1, Subscriber.AttemptsOf(r.EventId.ToString())));
    }
}
