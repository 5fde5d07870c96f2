using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Governance.Testing;

/// <summary>Settings of a <see cref="TestDaprSidecar"/>.</summary>
public sealed record TestDaprSidecarOptions
{
    /// <summary>The pub/sub components it knows; a publish to any other is answered 404, as daprd answers.</summary>
    public IReadOnlyList<string> PubSubNames { get; init; } = ["pubsub"];

    /// <summary>When set, publishes must carry it as dapr-api-token (daprd's DAPR_API_TOKEN), or get 401.</summary>
    public string? ApiToken { get; init; }

    /// <summary>When set, sent as dapr-api-token on every call to the app (daprd's APP_API_TOKEN).</summary>
    public string? AppApiToken { get; init; }

    /// <summary>How long a delivery waits before it is tried again after RETRY, an error status or a refused connection.</summary>
    public TimeSpan RedeliveryDelay { get; init; } = TimeSpan.FromMilliseconds(50);
}

/// <summary>A publish request as the sidecar received it (with the traceparent header daprd would start its span from).</summary>
public sealed record SidecarPublishRequest(string PubSubName, string Topic, IReadOnlyDictionary<string, string> Query, string? ContentType, string? ApiToken, int Status,
    string? TraceParent = null);

/// <summary>A message on one of the sidecar's topics, as it will be delivered (with the attributes Dapr adds).</summary>
public sealed record SidecarMessage(string PubSubName, string Topic, string Id, string Type, string Json, IReadOnlyDictionary<string, string> Metadata);

/// <summary>One delivery attempt to the app and how the app answered it.</summary>
public sealed record SidecarDelivery(string Route, string Topic, string Id, int Attempt, int? Status, string Outcome);

/// <summary>A programmatic subscription read from the app's GET /dapr/subscribe.</summary>
public sealed record SidecarSubscription(string PubSubName, string Topic, string Route, string? DeadLetterTopic);

/// <summary>
/// A stand-in for daprd on 127.0.0.1, speaking the documented HTTP contract of docs.dapr.io/reference/api/pubsub_api,
/// so the Dapr mode is tested against real HTTP without the sidecar (which does not install here). It takes publishes
/// on POST /v1.0/publish/{pubsub}/{topic} (204; 401 without the API token when one is set; 404 for an unknown
/// component; 500 while <see cref="FailPublishes"/> is on), keeps every topic's messages, reads the app's
/// GET /dapr/subscribe, and delivers each subscription's messages in order, one at a time, to its route as
/// <c>application/cloudevents+json</c>. The answer settles each delivery as daprd settles it: 2xx with SUCCESS (or no
/// status) acknowledges, RETRY or an unknown status redelivers after <see cref="TestDaprSidecarOptions.RedeliveryDelay"/>,
/// DROP sends the message to the subscription's deadLetterTopic, and so does 404 (the reference says "dropped";
/// daprd 1.16 drops a 404 without dead-lettering it, dapr/dapr#9400, which would hide a drop from this test); any other
/// status, or a refused connection, redelivers. Subscriptions keep their place across <see cref="SubscribeAppAsync"/>
/// calls, as a durable consumer group does, so an app restarted on another port resumes where it stopped.
/// </summary>
public sealed class TestDaprSidecar : IAsyncDisposable
{
    private const string CloudEventsContentType = "application/cloudevents+json";

    private readonly WebApplication _app;
    private readonly TestDaprSidecarOptions _options;
    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<SidecarMessage>> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SubscriptionLoop> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SidecarPublishRequest> _publishes = new();
    private readonly ConcurrentQueue<SidecarDelivery> _deliveries = new();
    private readonly ConcurrentQueue<(string From, string To, string Id)> _deadLetters = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Uri? _appAddress;
    private volatile bool _failPublishes;

    private TestDaprSidecar(WebApplication app, TestDaprSidecarOptions options)
    {
        _app = app;
        _options = options;
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The sidecar's HTTP endpoint (what DAPR_HTTP_ENDPOINT would name).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>While true, every publish is answered 500, as when the broker behind daprd is down.</summary>
    public bool FailPublishes
    {
        get => _failPublishes;
        set => _failPublishes = value;
    }

    public IReadOnlyList<SidecarPublishRequest> PublishRequests => [.. _publishes];

    /// <summary>Publishes answered with something other than 204.</summary>
    public int RefusedPublishes => _publishes.Count(p => p.Status != StatusCodes.Status204NoContent);

    public IReadOnlyList<SidecarDelivery> Deliveries => [.. _deliveries];

    /// <summary>Deliveries that were attempts after the first of their message.</summary>
    public int Redeliveries => _deliveries.Count(d => d.Attempt > 1);

    /// <summary>Messages moved to a dead-letter topic: from which topic, to which, and their id.</summary>
    public IReadOnlyList<(string From, string To, string Id)> DeadLetters => [.. _deadLetters];

    public IReadOnlyList<SidecarSubscription> Subscriptions
    {
        get
        {
            lock (_gate)
            {
                return [.. _subscriptions.Values.Select(s => s.Subscription)];
            }
        }
    }

    /// <summary>The messages accepted on <paramref name="topic"/>, in order.</summary>
    public IReadOnlyList<SidecarMessage> Messages(string topic)
    {
        lock (_gate)
        {
            return _topics.TryGetValue(topic, out var list) ? [.. list] : [];
        }
    }

    public static async Task<TestDaprSidecar> StartAsync(TestDaprSidecarOptions? options = null)
    {
        options ??= new TestDaprSidecarOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var sidecar = new TestDaprSidecar(app, options);
        app.MapPost("/v1.0/publish/{pubsub}/{topic}", sidecar.PublishAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        sidecar.Address = new Uri(address);
        return sidecar;
    }

    /// <summary>
    /// Reads the app's subscriptions from <paramref name="appAddress"/>/dapr/subscribe (with the app API token, if set)
    /// and delivers to the app there from now on. Subscriptions already known keep their place in their topic.
    /// </summary>
    public async Task<IReadOnlyList<SidecarSubscription>> SubscribeAppAsync(Uri appAddress)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(appAddress, "/dapr/subscribe"));
        if (_options.AppApiToken is { } token)
        {
            request.Headers.TryAddWithoutValidation("dapr-api-token", token);
        }
        using var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /dapr/subscribe answered {(int)response.StatusCode}: {body}");
        }
        var found = ParseSubscriptions(body);
        lock (_gate)
        {
            _appAddress = appAddress;
            foreach (var subscription in found)
            {
                var key = $"{subscription.PubSubName}/{subscription.Topic}/{subscription.Route}";
                if (_subscriptions.TryGetValue(key, out var existing))
                {
                    existing.Subscription = subscription;
                    continue;
                }
                var loop = new SubscriptionLoop(subscription);
                _subscriptions[key] = loop;
                loop.Running = Task.Run(() => DeliverLoopAsync(loop, _stopping.Token));
            }
            Pulse();
        }
        return found;
    }

    /// <summary>Waits (polling, generously) until <paramref name="condition"/> holds; throws with <paramref name="what"/> if it never does.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Still waiting for: {what}");
            }
            await Task.Delay(20);
        }
    }

    private static List<SidecarSubscription> ParseSubscriptions(string body)
    {
        var list = new List<SidecarSubscription>();
        foreach (var item in JsonNode.Parse(body)!.AsArray())
        {
            var pubsub = (string?)item!["pubsubname"] ?? throw new InvalidDataException($"A subscription without pubsubname: {item}");
            var topic = (string?)item["topic"] ?? throw new InvalidDataException($"A subscription without topic: {item}");
            var routes = item["routes"];
            if (routes?["rules"] is JsonArray { Count: > 0 })
            {
                throw new NotSupportedException($"This test sidecar does not evaluate routing rules (CEL): {item}");
            }
            var route = (string?)routes?["default"] ?? (string?)item["route"]
                ?? throw new InvalidDataException($"A subscription with neither route nor routes.default: {item}");
            list.Add(new SidecarSubscription(pubsub, topic, route, (string?)item["deadLetterTopic"]));
        }
        return list;
    }

    private async Task PublishAsync(HttpContext context)
    {
        var pubsub = (string)context.Request.RouteValues["pubsub"]!;
        var topic = (string)context.Request.RouteValues["topic"]!;
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var token = context.Request.Headers["dapr-api-token"].FirstOrDefault();
        var contentType = context.Request.ContentType;
        var traceParent = context.Request.Headers["traceparent"].FirstOrDefault();
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);

        async Task AnswerAsync(int status, string? errorCode = null, string? message = null)
        {
            _publishes.Enqueue(new SidecarPublishRequest(pubsub, topic, query, contentType, token, status, traceParent));
            context.Response.StatusCode = status;
            if (errorCode is not null)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(JsonSerializer.Serialize(new { errorCode, message }));
            }
        }

        if (_options.ApiToken is { } expected && token != expected)
        {
            await AnswerAsync(StatusCodes.Status401Unauthorized, "ERR_UNAUTHORIZED", "invalid api token");
            return;
        }
        if (!_options.PubSubNames.Contains(pubsub))
        {
            await AnswerAsync(StatusCodes.Status404NotFound, "ERR_PUBSUB_NOT_FOUND", $"pubsub {pubsub} not found");
            return;
        }
        if (_failPublishes)
        {
            await AnswerAsync(StatusCodes.Status500InternalServerError, "ERR_PUBSUB_PUBLISH_MESSAGE", $"error when publishing to topic {topic} in pubsub {pubsub}: broker unavailable");
            return;
        }
        JsonObject cloudEvent;
        try
        {
            cloudEvent = Envelope(body, contentType, pubsub, topic);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            await AnswerAsync(StatusCodes.Status400BadRequest, "ERR_PUBSUB_CLOUD_EVENTS_SER", e.Message);
            return;
        }
        var metadata = query.Where(q => q.Key.StartsWith("metadata.", StringComparison.Ordinal))
            .ToDictionary(q => q.Key["metadata.".Length..], q => q.Value, StringComparer.Ordinal);
        Append(new SidecarMessage(pubsub, topic, (string)cloudEvent["id"]!, (string)cloudEvent["type"]!, cloudEvent.ToJsonString(), metadata));
        await AnswerAsync(StatusCodes.Status204NoContent);
    }

    /// <summary>
    /// The CloudEvent as daprd would deliver it: a custom CloudEvent keeps its attributes and gets the ones it lacks
    /// (time, traceparent) plus topic, pubsubname and traceid (pubsub-cloudevents.md); anything else is wrapped.
    /// </summary>
    private static JsonObject Envelope(string body, string? contentType, string pubsub, string topic)
    {
        JsonObject cloudEvent;
        if (contentType?.StartsWith(CloudEventsContentType, StringComparison.OrdinalIgnoreCase) == true)
        {
            cloudEvent = JsonNode.Parse(body) as JsonObject ?? throw new InvalidDataException("A custom CloudEvent must be a JSON object.");
            foreach (var required in new[] { "specversion", "id", "source", "type" })
            {
                if (cloudEvent[required] is not JsonValue value || value.GetValueKind() != JsonValueKind.String || string.IsNullOrEmpty((string?)value))
                {
                    throw new InvalidDataException($"The CloudEvent lacks the required attribute {required}.");
                }
            }
        }
        else
        {
            cloudEvent = new JsonObject
            {
                ["specversion"] = "1.0",
                ["id"] = Guid.NewGuid().ToString(),
                ["source"] = "test-sidecar",
                ["type"] = "com.dapr.event.sent",
                ["datacontenttype"] = contentType ?? "text/plain",
            };
            if (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
            {
                cloudEvent["data"] = JsonNode.Parse(body);
            }
            else
            {
                cloudEvent["data_base64"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(body));
            }
        }
        cloudEvent["time"] ??= DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        cloudEvent["traceparent"] ??= $"00-{Guid.NewGuid():N}-{Guid.NewGuid().ToString("N")[..16]}-01";
        cloudEvent["traceid"] = (string?)cloudEvent["traceparent"];
        cloudEvent["tracestate"] ??= "";
        cloudEvent["topic"] = topic;
        cloudEvent["pubsubname"] = pubsub;
        return cloudEvent;
    }

    private void Append(SidecarMessage message)
    {
        lock (_gate)
        {
            if (!_topics.TryGetValue(message.Topic, out var list))
            {
                _topics[message.Topic] = list = [];
            }
            list.Add(message);
            Pulse();
        }
    }

    /// <summary>Wakes every delivery loop; call under the gate.</summary>
    private void Pulse()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private async Task DeliverLoopAsync(SubscriptionLoop loop, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            SidecarMessage? next;
            Task changed;
            Uri app;
            lock (_gate)
            {
                next = _topics.TryGetValue(loop.Subscription.Topic, out var list) && loop.Next < list.Count ? list[loop.Next] : null;
                changed = _changed.Task;
                app = _appAddress!;
            }
            if (next is null)
            {
                try
                {
                    await changed.WaitAsync(stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            loop.Attempt++;
            var (status, outcome) = await DeliverOnceAsync(app, loop.Subscription, next, stopping);
            if (stopping.IsCancellationRequested)
            {
                return;
            }
            _deliveries.Enqueue(new SidecarDelivery(loop.Subscription.Route, loop.Subscription.Topic, next.Id, loop.Attempt, status, outcome));
            switch (outcome)
            {
                case "SUCCESS":
                    loop.Advance();
                    break;
                case "DROP":
                    if (loop.Subscription.DeadLetterTopic is { } deadLetterTopic)
                    {
                        _deadLetters.Enqueue((next.Topic, deadLetterTopic, next.Id));
                        var moved = JsonNode.Parse(next.Json)!.AsObject();
                        moved["topic"] = deadLetterTopic;
                        Append(next with { Topic = deadLetterTopic, Json = moved.ToJsonString() });
                    }
                    loop.Advance();
                    break;
                default:
                    try
                    {
                        await Task.Delay(_options.RedeliveryDelay, stopping);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    break;
            }
        }
    }

    private async Task<(int? Status, string Outcome)> DeliverOnceAsync(Uri app, SidecarSubscription subscription, SidecarMessage message, CancellationToken stopping)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(app, subscription.Route))
        {
            Content = new StringContent(message.Json, Encoding.UTF8, CloudEventsContentType),
        };
        if (_options.AppApiToken is { } token)
        {
            request.Headers.TryAddWithoutValidation("dapr-api-token", token);
        }
        if (JsonNode.Parse(message.Json)?["traceparent"] is JsonValue traceParent)
        {
            request.Headers.TryAddWithoutValidation("traceparent", (string?)traceParent);
        }
        try
        {
            using var response = await _client.SendAsync(request, stopping);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(stopping);
            if (status is >= 200 and < 300)
            {
                return (status, StatusOf(body));
            }
            return (status, status == StatusCodes.Status404NotFound ? "DROP" : "RETRY");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stopping.IsCancellationRequested)
        {
            return (null, "RETRY");
        }
    }

    /// <summary>2xx: the status in the body; SUCCESS when there is none or the body is not JSON ("ignored if invalid payload").</summary>
    private static string StatusOf(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "SUCCESS";
        }
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return "SUCCESS";
        }
        return (json as JsonObject)?["status"] is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? ((string)value!).ToUpperInvariant() switch
            {
                "SUCCESS" => "SUCCESS",
                "DROP" => "DROP",
                // RETRY, and any status daprd does not know: "Error, message to be retried by Dapr".
                _ => "RETRY",
            }
            : "SUCCESS";
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        List<Task> loops;
        lock (_gate)
        {
            loops = [.. _subscriptions.Values.Select(s => s.Running).OfType<Task>()];
        }
        try
        {
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException)
        {
        }
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private sealed class SubscriptionLoop(SidecarSubscription subscription)
    {
        public SidecarSubscription Subscription { get; set; } = subscription;

        /// <summary>The index of the next message of the topic to deliver.</summary>
        public int Next { get; private set; }

        /// <summary>Attempts at the current message.</summary>
        public int Attempt { get; set; }

        public Task? Running { get; set; }

        public void Advance()
        {
            Next++;
            Attempt = 0;
        }
    }
}
