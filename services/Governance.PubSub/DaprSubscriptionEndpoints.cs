using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Governance.PubSub;

/// <summary>
/// The app side of Dapr's subscriber contract (docs.dapr.io/reference/api/pubsub_api, "Optional Application (User
/// Code) Routes"): GET /dapr/subscribe lists the programmatic subscriptions, and each route takes the CloudEvents the
/// sidecar delivers (<c>application/cloudevents+json</c>) and answers HTTP 200 with <c>{"status":"SUCCESS"}</c>,
/// <c>"RETRY"</c> or <c>"DROP"</c>. Dapr retries any other status except 404, which it drops, so a 401 for a wrong
/// token is retried rather than lost. DROP goes to the subscription's deadLetterTopic (since dapr/dapr#7097).
/// </summary>
public static class DaprSubscriptionEndpoints
{
    public const string SubscribePath = "/dapr/subscribe";

    private const string LoggerCategory = "Governance.PubSub.DaprSubscriptions";

    /// <summary>
    /// Maps the subscription list and one POST route per subscription, in Dapr mode only. In embedded mode nothing is
    /// mapped: no sidecar calls, and a route that takes CloudEvents from anyone who can reach the port would let them
    /// write into the subscribers' numbers.
    /// </summary>
    public static IEndpointRouteBuilder MapDaprSubscriptions(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Decided from the raw setting, not the validated options: a bad setting must stop the host when it starts,
        // with the validator's message, not while its routes are being mapped. The routes are known from the
        // registrations; everything that depends on options is resolved on the first call.
        var configuration = endpoints.ServiceProvider.GetRequiredService<IConfiguration>();
        if (PubSubOptions.ParseMode(configuration[$"{PubSubOptions.SectionName}:{nameof(PubSubOptions.Mode)}"]) != PubSubMode.Dapr)
        {
            return endpoints;
        }
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory);
        endpoints.MapGet(SubscribePath, async context =>
        {
            var options = context.RequestServices.GetRequiredService<IOptions<PubSubOptions>>().Value;
            if (!await AuthorizedAsync(context, options.AppApiToken).ConfigureAwait(false))
            {
                return;
            }
            var list = SubscriptionList(context.RequestServices.GetRequiredService<CloudEventSubscriptions>().All);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(list, context.RequestAborted).ConfigureAwait(false);
        });
        foreach (var route in endpoints.ServiceProvider.GetServices<CloudEventSubscriptionRegistration>().Select(r => r.Route).Distinct(StringComparer.Ordinal))
        {
            endpoints.MapPost(route, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<PubSubOptions>>().Value;
                var subscription = context.RequestServices.GetRequiredService<CloudEventSubscriptions>().All.Single(s => s.Route == route);
                return DeliverAsync(context, subscription, options.AppApiToken, logger);
            });
        }
        return endpoints;
    }

    /// <summary>The programmatic-subscription JSON: pubsubname, topic, routes.default and deadLetterTopic of each.</summary>
    internal static byte[] SubscriptionList(IReadOnlyList<CloudEventSubscription> subscriptions)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var subscription in subscriptions)
            {
                writer.WriteStartObject();
                writer.WriteString("pubsubname", subscription.PubSubName);
                writer.WriteString("topic", subscription.Topic);
                writer.WriteStartObject("routes");
                writer.WriteString("default", subscription.Route);
                writer.WriteEndObject();
                if (subscription.DeadLetterTopic is { } deadLetter)
                {
                    writer.WriteString("deadLetterTopic", deadLetter);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return buffer.ToArray();
    }

    private static async Task DeliverAsync(HttpContext context, CloudEventSubscription subscription, string? appApiToken, ILogger logger)
    {
        if (!await AuthorizedAsync(context, appApiToken).ConfigureAwait(false))
        {
            return;
        }
        var body = await ReadBodyAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = CloudEventJson.Deserialize(body) with { Topic = subscription.Topic };
        }
        catch (FormatException e)
        {
            // It can never succeed: retrying would only block the events behind it.
            logger.LogWarning("Dapr delivery to {Route} is not a readable CloudEvent and is dropped: {Reason}", subscription.Route, e.Message);
            PubSubTelemetry.Dropped.Add(1, PubSubTelemetry.TopicTag(subscription.Topic));
            await AnswerAsync(context, DeliveryOutcome.Drop).ConfigureAwait(false);
            return;
        }
        DeliveryOutcome outcome;
        try
        {
            outcome = await subscription.Handler.HandleAsync(cloudEvent, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The sidecar gave up on this delivery; it will deliver again.
            return;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Subscriber {Route} failed on {EventId} ({Type}); asking Dapr to deliver it again", subscription.Route, cloudEvent.Id, cloudEvent.Type);
            outcome = DeliveryOutcome.Retry;
        }
        if (outcome == DeliveryOutcome.Drop)
        {
            logger.LogWarning("Subscriber {Route} dropped {EventId} ({Type}); Dapr sends it to {DeadLetterTopic}",
                subscription.Route, cloudEvent.Id, cloudEvent.Type, subscription.DeadLetterTopic ?? "no dead-letter topic");
            PubSubTelemetry.Dropped.Add(1, PubSubTelemetry.TopicTag(subscription.Topic));
        }
        await AnswerAsync(context, outcome).ConfigureAwait(false);
    }

    private static async Task<bool> AuthorizedAsync(HttpContext context, string? appApiToken)
    {
        if (appApiToken is null)
        {
            return true;
        }
        var presented = context.Request.Headers[PubSubOptions.ApiTokenHeader].ToString();
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(appApiToken)))
        {
            return true;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(
            $"This app takes calls only from its Dapr sidecar: send the app API token (APP_API_TOKEN) in the {PubSubOptions.ApiTokenHeader} header.",
            context.RequestAborted).ConfigureAwait(false);
        return false;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // The declared length only sizes the first buffer, and not beyond 1 MiB: a header can claim anything.
        using var buffer = new MemoryStream(request.ContentLength is { } length and > 0 ? (int)Math.Min(length, 1 << 20) : 4096);
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static Task AnswerAsync(HttpContext context, DeliveryOutcome outcome)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        var status = outcome switch
        {
            DeliveryOutcome.Success => "SUCCESS",
            DeliveryOutcome.Drop => "DROP",
            _ => "RETRY",
        };
        return context.Response.WriteAsync($$"""{"status":"{{status}}"}""", context.RequestAborted);
    }
}
