using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Governance.PubSub;

/// <summary>
/// Publishes through the Dapr sidecar's HTTP API (docs.dapr.io/reference/api/pubsub_api):
/// <c>POST {endpoint}/v1.0/publish/{pubsub}/{topic}</c> with the event as our own CloudEvent
/// (<c>application/cloudevents+json</c>), so Dapr keeps its id, source, type, time and traceparent and only adds what is
/// missing. The subject goes out as <c>metadata.partitionKey</c>, which Kafka (and other partitioned components) use
/// to keep one incident's events on one partition, in order. Events of one subject are sent one after the other;
/// different subjects go in parallel, at most <see cref="MaxConcurrentRequests"/> at a time.
/// </summary>
public sealed class DaprPublisher : IEventPublisher, IDisposable
{
    /// <summary>Enough to hide the round trip to the sidecar; more only queues inside it.</summary>
    public const int MaxConcurrentRequests = 16;

    private static readonly MediaTypeHeaderValue CloudEventContentType = new(CloudEventJson.MediaType);

    private readonly HttpClient _http;
    private readonly PubSubOptions _options;
    private readonly ILogger<DaprPublisher> _logger;

    public DaprPublisher(IOptions<PubSubOptions> options, ILogger<DaprPublisher> logger)
    {
        _options = options.Value;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler
        {
            // The sidecar is next to the app; an HTTP_PROXY meant for the outside world must not be put between them.
            UseProxy = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        })
        {
            BaseAddress = _options.DaprEndpoint,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Where the sidecar is, as resolved from settings.</summary>
    public Uri Endpoint => _http.BaseAddress!;

    public async Task PublishAsync(string topic, IReadOnlyList<CloudEvent> events, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }
        // GroupBy keeps first-seen order, and each group's events in their order.
        var bySubject = events.GroupBy(e => e.Subject ?? e.Id, StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(bySubject,
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentRequests, CancellationToken = cancellationToken },
            async (group, token) =>
            {
                foreach (var cloudEvent in group)
                {
                    await PublishOneAsync(topic, cloudEvent, token).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        PubSubTelemetry.Published.Add(events.Count, new("mode", "dapr"), new("topic", topic));
    }

    private async Task PublishOneAsync(string topic, CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        using var activity = PubSubTelemetry.StartPublish(topic, "dapr", cloudEvent, out cloudEvent);
        var path = $"v1.0/publish/{Uri.EscapeDataString(_options.Name)}/{Uri.EscapeDataString(topic)}";
        if (cloudEvent.Subject is { Length: > 0 } subject)
        {
            path += "?metadata.partitionKey=" + Uri.EscapeDataString(subject);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(CloudEventJson.Serialize(cloudEvent)) { Headers = { ContentType = CloudEventContentType } },
        };
        if (_options.DaprApiToken is { } token)
        {
            request.Headers.TryAddWithoutValidation(PubSubOptions.ApiTokenHeader, token);
        }
        // The sidecar starts its own spans from the request's trace context, not from the event's attribute: both name
        // the same span, so Dapr's spans and the delivery to subscribers stay in the event's trace.
        if (cloudEvent.TraceParent is { } traceParent)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceParent);
            if (!string.IsNullOrEmpty(cloudEvent.TraceState))
            {
                request.Headers.TryAddWithoutValidation("tracestate", cloudEvent.TraceState);
            }
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
        using (response)
        {
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            // 204 is "message delivered" in the current reference; releases before 1.0 answered 200 for the same.
            if (response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK)
            {
                return;
            }
            activity?.SetStatus(ActivityStatusCode.Error);
            var body = await ReadSomeAsync(response, cancellationToken).ConfigureAwait(false);
            _logger.LogDebug("Dapr refused {EventId}: {Status} {Body}", cloudEvent.Id, (int)response.StatusCode, body);
            throw new DaprPublishException(
                $"The Dapr sidecar at {Endpoint} refused to publish {cloudEvent.Id} ({cloudEvent.Type}) to {_options.Name}/{topic}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}. {body}",
                response.StatusCode);
        }
    }

    /// <summary>Enough of an error body to say what is wrong (Dapr sends a small JSON with errorCode and message).</summary>
    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        const int Limit = 4096;
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[Limit];
            var read = 0;
            while (read < Limit)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                read += n;
            }
            return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The sidecar answered a publish with something other than success; the caller publishes again.</summary>
public sealed class DaprPublishException(string message, HttpStatusCode statusCode) : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = statusCode;
}
