using Microsoft.Extensions.Logging;

namespace Governance.PubSub;

/// <summary>
/// The in-process broker of embedded mode: a published event goes to every subscription of its topic, through the
/// same handler the Dapr route calls, and is settled by the subscriber's answer as Dapr would settle it. RETRY (or a
/// handler that throws) is delivered again after a backoff, for as long as it takes: there is no retry limit, because
/// giving up would lose a number. DROP goes to the subscription's dead-letter topic. A batch is handed over
/// concurrently, so a subscriber that commits in groups can take it in one transaction; subscribers are idempotent by
/// incident version, so the order inside a batch does not matter, and the next batch waits until this one is settled.
/// </summary>
public sealed class EmbeddedBroker(CloudEventSubscriptions subscriptions, ILogger<EmbeddedBroker> logger) : IEventPublisher
{
    internal static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(20);
    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    private long _dropped;
    private long _redeliveries;

    /// <summary>Events a subscriber dropped since start (each went to the dead-letter topic, if the subscription names one).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Deliveries repeated after RETRY or a handler failure since start.</summary>
    public long Redeliveries => Interlocked.Read(ref _redeliveries);

    public Task PublishAsync(string topic, IReadOnlyList<CloudEvent> events, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }
        var targets = subscriptions.For(topic);
        PubSubTelemetry.Published.Add(events.Count, new("mode", "embedded"), new("topic", topic));
        if (targets.Count == 0)
        {
            // Like a broker topic nobody subscribes to: accepted, delivered to no one. The log stays the source of truth.
            logger.LogDebug("Embedded pub/sub: {Count} events on {Topic}, which has no subscribers", events.Count, topic);
            return Task.CompletedTask;
        }
        var deliveries = new List<Task>(events.Count * targets.Count);
        foreach (var cloudEvent in events)
        {
            var delivered = cloudEvent with { Topic = topic };
            foreach (var subscription in targets)
            {
                deliveries.Add(DeliverAsync(subscription, delivered, cancellationToken));
            }
        }
        return Task.WhenAll(deliveries);
    }

    private async Task DeliverAsync(CloudEventSubscription subscription, CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            DeliveryOutcome outcome;
            try
            {
                outcome = await subscription.Handler.HandleAsync(cloudEvent, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                // A subscriber that throws could not process the event now: Dapr's route answers RETRY for it too.
                if (IsWorthLogging(attempt))
                {
                    logger.LogWarning(e, "Embedded pub/sub: {Route} failed on {EventId} ({Type}), attempt {Attempt}; delivering it again",
                        subscription.Route, cloudEvent.Id, cloudEvent.Type, attempt);
                }
                outcome = DeliveryOutcome.Retry;
            }
            switch (outcome)
            {
                case DeliveryOutcome.Success:
                    return;
                case DeliveryOutcome.Drop:
                    await DeadLetterAsync(subscription, cloudEvent, cancellationToken).ConfigureAwait(false);
                    return;
                case DeliveryOutcome.Retry:
                    Interlocked.Increment(ref _redeliveries);
                    PubSubTelemetry.Redeliveries.Add(1, PubSubTelemetry.TopicTag(cloudEvent.Topic));
                    if (IsWorthLogging(attempt))
                    {
                        logger.LogInformation("Embedded pub/sub: {Route} asked for {EventId} ({Type}) again, attempt {Attempt}",
                            subscription.Route, cloudEvent.Id, cloudEvent.Type, attempt);
                    }
                    // Real time, not an injected clock: this paces a retry loop, it is not a domain deadline.
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    delay = delay * 2 < MaxRetryDelay ? delay * 2 : MaxRetryDelay;
                    break;
                default:
                    throw new InvalidOperationException($"Subscriber {subscription.Route} answered {(int)outcome}, which is not a delivery outcome.");
            }
        }
    }

    private async Task DeadLetterAsync(CloudEventSubscription subscription, CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _dropped);
        PubSubTelemetry.Dropped.Add(1, PubSubTelemetry.TopicTag(cloudEvent.Topic));
        if (subscription.DeadLetterTopic is not { } deadLetterTopic)
        {
            logger.LogWarning("Embedded pub/sub: {Route} dropped {EventId} ({Type}) and names no dead-letter topic; the event is gone from this subscriber",
                subscription.Route, cloudEvent.Id, cloudEvent.Type);
            return;
        }
        logger.LogWarning("Embedded pub/sub: {Route} dropped {EventId} ({Type}); it goes to the dead-letter topic {DeadLetterTopic}",
            subscription.Route, cloudEvent.Id, cloudEvent.Type, deadLetterTopic);
        var dead = cloudEvent with { Topic = deadLetterTopic };
        await Task.WhenAll(subscriptions.For(deadLetterTopic).Select(s => DeliverAsync(s, dead, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>The first, the tenth, the hundredth... attempt: a subscriber stuck for hours leaves a handful of lines, not thousands.</summary>
    private static bool IsWorthLogging(int attempt)
    {
        for (var power = 1; power <= attempt; power *= 10)
        {
            if (power == attempt)
            {
                return true;
            }
        }
        return false;
    }
}
