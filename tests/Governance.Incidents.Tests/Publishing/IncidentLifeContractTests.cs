using System.Net;
using System.Net.Http.Headers;
using Governance.Contracts.V1;
using Governance.Incidents.Tests.Fixtures;
using Governance.PubSub;
using Governance.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Governance.Incidents.Tests.Publishing;

/// <summary>The incident-life contract with the default, embedded pub/sub: the relay hands CloudEvents to the subscribers in process.</summary>
public sealed class EmbeddedIncidentLifeContractTests : IncidentLifeContract
{
    private readonly BrokerSwitch _broker = new();

    protected override IReadOnlyList<string> ModeSettings => [];

    protected override void BrokerRefuses(bool refuse) => _broker.Refusing = refuse;

    protected override int RefusedPublishes => _broker.Refused;

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<IEventPublisher>(sp => new SwitchablePublisher(sp.GetRequiredService<EmbeddedBroker>(), _broker));

    [Fact]
    public async Task GivenEmbeddedMode_WhenAnyoneCallsTheSidecarRoutes_ThenNoneExists()
    {
        var host = await StartHostAsync();
        using var http = LoopbackHttp.Create();

        using var subscribe = await http.GetAsync(new Uri(host.HttpAddress, "/dapr/subscribe"));
        using var delivery = await http.PostAsync(new Uri(host.HttpAddress, LifeSubscriber.Route), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.NotFound, subscribe.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delivery.StatusCode);
        Assert.Empty(Subscriber.Deliveries);
    }
}

/// <summary>
/// The incident-life contract in Dapr mode: the relay publishes to a sidecar on loopback through its HTTP API, the
/// sidecar reads the host's GET /dapr/subscribe and delivers to its routes, settling each delivery by the answer.
/// </summary>
public sealed class DaprIncidentLifeContractTests : IncidentLifeContract
{
    private TestDaprSidecar _sidecar = null!;

    protected override IReadOnlyList<string> ModeSettings => ["--PubSub:Mode=Dapr", $"--PubSub:DaprHttpEndpoint={_sidecar.Address}"];

    protected override void BrokerRefuses(bool refuse) => _sidecar.FailPublishes = refuse;

    protected override int RefusedPublishes => _sidecar.RefusedPublishes;

    protected override async Task ConnectAsync(StandaloneHost host) => await _sidecar.SubscribeAppAsync(host.HttpAddress);

    public override async Task InitializeAsync() => _sidecar = await TestDaprSidecar.StartAsync();

    /// <summary>The sidecar read the projection's subscription from the host and delivered it every event, each taken once.</summary>
    protected override async Task AssertTakenByProjectionRouteAsync(IReadOnlyCollection<string> eventIds)
    {
        Assert.Contains(new SidecarSubscription("pubsub", IntegrationTopics.IncidentLife, ProjectionRoute, IntegrationTopics.IncidentLifeDeadLetter), _sidecar.Subscriptions);
        List<string> Taken() => [.. _sidecar.Deliveries.Where(d => d.Route == ProjectionRoute && d.Outcome == "SUCCESS").Select(d => d.Id)];
        // The sidecar records a delivery once the app has answered it, just after the projection has applied it.
        await WaitUntilAsync(() => Taken().Count >= eventIds.Count, "every delivery to the projection recorded");
        Assert.Equal(eventIds.Order(StringComparer.Ordinal), Taken().Order(StringComparer.Ordinal));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _sidecar.DisposeAsync();
    }

    [Fact]
    public async Task GivenTokensBothWays_WhenRelayed_ThenTheRelaySendsTheSidecarsAndTheAppRefusesCallsWithoutItsOwn()
    {
        await _sidecar.DisposeAsync();
        _sidecar = await TestDaprSidecar.StartAsync(new TestDaprSidecarOptions { ApiToken = "sidecar-secret", AppApiToken = "app-secret" });
        var host = await StartHostAsync("--DAPR_API_TOKEN=sidecar-secret", "--APP_API_TOKEN=app-secret");
        using var http = LoopbackHttp.Create();

        using var subscribe = await http.GetAsync(new Uri(host.HttpAddress, "/dapr/subscribe"));
        using var forged = new HttpRequestMessage(HttpMethod.Post, new Uri(host.HttpAddress, LifeSubscriber.Route))
        {
            Content = new StringContent("""{"specversion":"1.0","id":"forged","source":"/x","type":"governance.incident.closed.v1"}""",
                new MediaTypeHeaderValue("application/cloudevents+json")),
        };
        forged.Headers.Add("dapr-api-token", "sidecar-secret");
        using var delivery = await http.SendAsync(forged);
        var incident = await ReportAsync(host);
        await WaitUntilAsync(() => Subscriber.Taken(incident.IncidentId).Count == 3, "the report's three steps taken");

        Assert.Equal(HttpStatusCode.Unauthorized, subscribe.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, delivery.StatusCode);
        Assert.DoesNotContain(Subscriber.Deliveries, d => d.Event.Id == "forged");
        var publishes = _sidecar.PublishRequests.Where(p => p.Query.GetValueOrDefault("metadata.partitionKey") == incident.IncidentId).ToList();
        Assert.Equal(3, publishes.Count);
        Assert.All(publishes, p => Assert.Equal(("sidecar-secret", 204, "pubsub"), (p.ApiToken, p.Status, p.PubSubName)));
    }
}
