using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Governance.Testing;
using Xunit;

namespace Governance.PubSub.Tests;

/// <summary>
/// The Dapr side of pub/sub against a sidecar on loopback that speaks the documented HTTP contract: what the
/// publisher sends, what GET /dapr/subscribe lists, and how each route answers a delivery.
/// </summary>
public sealed class DaprModeTests
{
    private const string Topic = "governance.incidents.v1";
    private const string DeadLetter = "governance.incidents.v1.dead-letter";
    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static CloudEvent Event(string id, string subject) => new()
    {
        Id = id,
        Source = "/governance/incidents",
        Type = "governance.incident.reported.v1",
        Time = new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.FromHours(8)),
        Subject = subject,
        DataContentType = "application/protobuf",
        Data = Encoding.UTF8.GetBytes(id),
        TraceParent = TraceParent,
    };

    private static Task<SubscriberApp> AppAsync(TestDaprSidecar sidecar, params string[] more) => SubscriberApp.StartAsync(
        ["--PubSub:Mode=Dapr", $"--PubSub:DaprHttpEndpoint={sidecar.Address}", .. more]);

    [Fact]
    public async Task GivenTheSidecar_WhenABatchIsPublished_ThenEachArrivesAsOurOwnCloudEventKeyedByItsSubjectWithTheApiToken()
    {
        await using var sidecar = await TestDaprSidecar.StartAsync(new TestDaprSidecarOptions { ApiToken = "sidecar-secret" });
        await using var app = await AppAsync(sidecar, "--DAPR_API_TOKEN=sidecar-secret");

        await app.Publisher.PublishAsync(Topic, [Event("e1", "inc-1"), Event("e2", "inc-2")], CancellationToken.None);

        var messages = sidecar.Messages(Topic);
        Assert.Equal(["e1", "e2"], messages.Select(m => m.Id).Order());
        var first = JsonNode.Parse(messages.Single(m => m.Id == "e1").Json)!;
        Assert.Equal("/governance/incidents", (string?)first["source"]);
        Assert.Equal("governance.incident.reported.v1", (string?)first["type"]);
        Assert.Equal("2026-03-02T01:30:00Z", (string?)first["time"]);
        Assert.Equal(TraceParent, (string?)first["traceparent"]);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("e1")), (string?)first["data_base64"]);
        Assert.Equal("inc-1", messages.Single(m => m.Id == "e1").Metadata["partitionKey"]);
        Assert.All(sidecar.PublishRequests, p =>
        {
            Assert.Equal(("pubsub", Topic, "sidecar-secret"), (p.PubSubName, p.Topic, p.ApiToken));
            Assert.Equal("application/cloudevents+json", p.ContentType);
        });
    }

    [Fact]
    public async Task GivenInterleavedIncidents_WhenPublished_ThenEachIncidentsEventsArriveInTheirOrder()
    {
        await using var sidecar = await TestDaprSidecar.StartAsync();
        await using var app = await AppAsync(sidecar);
        var events = Enumerable.Range(0, 60).Select(i => Event($"inc-{i % 6}/{i / 6:D2}", $"inc-{i % 6}")).ToList();

        await app.Publisher.PublishAsync(Topic, events, CancellationToken.None);

        var messages = sidecar.Messages(Topic);
        Assert.Equal(60, messages.Count);
        foreach (var incident in messages.GroupBy(m => m.Metadata["partitionKey"]))
        {
            Assert.Equal(incident.Select(m => m.Id).Order(StringComparer.Ordinal), incident.Select(m => m.Id));
        }
    }

    [Theory]
    [InlineData("fail", HttpStatusCode.InternalServerError, "ERR_PUBSUB_PUBLISH_MESSAGE")]
    [InlineData("unknown-component", HttpStatusCode.NotFound, "ERR_PUBSUB_NOT_FOUND")]
    [InlineData("wrong-token", HttpStatusCode.Unauthorized, "ERR_UNAUTHORIZED")]
    public async Task GivenASidecarThatRefuses_WhenPublished_ThenPublishThrowsWithTheStatusAndTheSidecarsReason(string why, HttpStatusCode status, string reason)
    {
        await using var sidecar = await TestDaprSidecar.StartAsync(new TestDaprSidecarOptions { ApiToken = why == "wrong-token" ? "right" : null });
        sidecar.FailPublishes = why == "fail";
        await using var app = await AppAsync(sidecar, why == "unknown-component" ? "--PubSub:Name=kafka" : "--DAPR_API_TOKEN=wrong");

        var error = await Assert.ThrowsAsync<DaprPublishException>(() => app.Publisher.PublishAsync(Topic, [Event("e1", "inc-1")], CancellationToken.None));

        Assert.Equal(status, error.StatusCode);
        Assert.Contains(reason, error.Message);
        Assert.Contains("e1", error.Message);
        Assert.Empty(sidecar.Messages(Topic));
    }

    [Fact]
    public async Task GivenDaprMode_WhenTheSidecarAsksForSubscriptions_ThenTheTopicRouteAndDeadLetterTopicAreListed()
    {
        await using var sidecar = await TestDaprSidecar.StartAsync();
        await using var app = await AppAsync(sidecar);

        var subscriptions = await sidecar.SubscribeAppAsync(app.Address);

        Assert.Equal(
            [
                new SidecarSubscription("pubsub", Topic, "/pubsub/incidents", DeadLetter),
                new SidecarSubscription("pubsub", DeadLetter, "/pubsub/incidents-dead-letter", null),
            ],
            subscriptions);
    }

    [Fact]
    public async Task GivenRetryThenSuccess_WhenTheSidecarDelivers_ThenItRedeliversUntilTakenAndTheNextFollows()
    {
        await using var sidecar = await TestDaprSidecar.StartAsync();
        await using var app = await AppAsync(sidecar);
        app.Subscriber.Script = (e, attempt) => e.Id == "e1" && attempt <= 2 ? DeliveryOutcome.Retry : DeliveryOutcome.Success;
        await sidecar.SubscribeAppAsync(app.Address);

        await app.Publisher.PublishAsync(Topic, [Event("e1", "inc-1"), Event("e2", "inc-1")], CancellationToken.None);
        await TestDaprSidecar.WaitUntilAsync(() => app.Subscriber.Succeeded.Count == 2, "both events taken");

        Assert.Equal(["e1", "e2"], app.Subscriber.Succeeded);
        Assert.Equal(3, app.Subscriber.AttemptsOf("e1"));
        Assert.Equal(2, sidecar.Redeliveries);
        Assert.All(app.Subscriber.Deliveries, d => Assert.Equal((Topic, TraceParent), (d.Event.Topic, d.Event.TraceParent)));
    }

    [Fact]
    public async Task GivenADrop_WhenTheSidecarDelivers_ThenItGoesToTheDeadLetterTopicAndTheStreamGoesOn()
    {
        await using var sidecar = await TestDaprSidecar.StartAsync();
        await using var app = await AppAsync(sidecar);
        app.Subscriber.Script = (e, _) => e.Id == "e1" ? DeliveryOutcome.Drop : DeliveryOutcome.Success;
        await sidecar.SubscribeAppAsync(app.Address);

        await app.Publisher.PublishAsync(Topic, [Event("e1", "inc-1"), Event("e2", "inc-1")], CancellationToken.None);
        await TestDaprSidecar.WaitUntilAsync(() => app.DeadLetters.Succeeded.Count == 1 && app.Subscriber.Succeeded.Count == 1, "the drop dead-lettered, the next taken");

        Assert.Equal([(Topic, DeadLetter, "e1")], sidecar.DeadLetters);
        Assert.Equal(DeadLetter, app.DeadLetters.Deliveries.Single().Event.Topic);
        Assert.Equal(["e2"], app.Subscriber.Succeeded);
    }

    [Fact]
    public async Task GivenAHandlerThatThrows_WhenTheSidecarDelivers_ThenTheRouteAnswersRetry()
    {
        await using var sidecar = await TestDaprSidecar.StartAsync();
        await using var app = await AppAsync(sidecar);
        app.Subscriber.Script = (_, attempt) => attempt == 1 ? throw new IOException("the projection store is busy") : DeliveryOutcome.Success;
        await sidecar.SubscribeAppAsync(app.Address);

        await app.Publisher.PublishAsync(Topic, [Event("e1", "inc-1")], CancellationToken.None);
        await TestDaprSidecar.WaitUntilAsync(() => app.Subscriber.Succeeded.Count == 1, "the event taken on the second delivery");

        var first = sidecar.Deliveries.First(d => d.Id == "e1");
        Assert.Equal((200, "RETRY"), (first.Status, first.Outcome));
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","source":"/s","type":"t"}""")]
    [InlineData("this is not JSON")]
    public async Task GivenABodyThatIsNoCloudEvent_WhenPosted_ThenTheRouteAnswersDropAndTheHandlerNeverSeesIt(string body)
    {
        await using var sidecar = await TestDaprSidecar.StartAsync();
        await using var app = await AppAsync(sidecar);
        using var http = LoopbackHttp.Create();

        using var response = await http.PostAsync(new Uri(app.Address, "/pubsub/incidents"),
            new StringContent(body, new MediaTypeHeaderValue("application/cloudevents+json")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DROP", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]);
        Assert.Empty(app.Subscriber.Deliveries);
    }

    [Fact]
    public async Task GivenAnAppApiToken_WhenACallerLacksIt_ThenSubscribeAndDeliveriesAreRefusedAndTheSidecarWithItIsServed()
    {
        await using var sidecar = await TestDaprSidecar.StartAsync(new TestDaprSidecarOptions { AppApiToken = "app-secret" });
        await using var app = await AppAsync(sidecar, "--APP_API_TOKEN=app-secret");
        using var http = LoopbackHttp.Create();
        var cloudEvent = new ByteArrayContent(CloudEventJson.Serialize(Event("forged", "inc-1")));
        cloudEvent.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");

        using var subscribe = await http.GetAsync(new Uri(app.Address, "/dapr/subscribe"));
        using var wrong = new HttpRequestMessage(HttpMethod.Post, new Uri(app.Address, "/pubsub/incidents")) { Content = cloudEvent };
        wrong.Headers.Add("dapr-api-token", "guess");
        using var delivery = await http.SendAsync(wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, subscribe.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, delivery.StatusCode);
        Assert.Contains("dapr-api-token", await delivery.Content.ReadAsStringAsync());
        Assert.Empty(app.Subscriber.Deliveries);

        await sidecar.SubscribeAppAsync(app.Address);
        await app.Publisher.PublishAsync(Topic, [Event("e1", "inc-1")], CancellationToken.None);
        await TestDaprSidecar.WaitUntilAsync(() => app.Subscriber.Succeeded.Count == 1, "the sidecar's delivery taken");
        Assert.Equal(["e1"], app.Subscriber.Succeeded);
    }

    [Fact]
    public async Task GivenEmbeddedMode_WhenAnyoneCallsTheSidecarRoutes_ThenNoneExists()
    {
        await using var app = await SubscriberApp.StartAsync();
        using var http = LoopbackHttp.Create();

        using var subscribe = await http.GetAsync(new Uri(app.Address, "/dapr/subscribe"));
        using var delivery = await http.PostAsync(new Uri(app.Address, "/pubsub/incidents"),
            new ByteArrayContent(CloudEventJson.Serialize(Event("forged", "inc-1"))));

        Assert.Equal(HttpStatusCode.NotFound, subscribe.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delivery.StatusCode);
        Assert.IsType<EmbeddedBroker>(app.Publisher);
    }
}
