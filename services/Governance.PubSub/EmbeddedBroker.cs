using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
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

    /// <summary>How long a delivery may keep being refused before the broker's health check reports it.</summary>
    internal static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<long, RefusedDelivery> _refused = new();

    /// <summary>
    /// The wall clock of <see cref="Refused"/> and its health check. Real time, not the host's TimeProvider (which a
    /// test may hold still): it says how long a subscriber has been behind, not when something is due.
    /// </summary>
    internal Func<DateTimeOffset> WallClock { get; init; } = () => DateTimeOffset.UtcNow;

    private long _deliveries;
    private long _dropped;
    private long _redeliveries;

    /// <summary>
    /// The deliveries a subscriber has refused (RETRY or a failure) and not yet taken, oldest first. While one is
    /// here the publisher's call, and so the relay, waits for it: every subscriber's figures are behind the log.
    /// </summary>
    public IReadOnlyList<RefusedDelivery> Refused => [.. _refused.Values.OrderBy(r => r.FirstRefusedAt)];

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
        if (PubSubTelemetry.Source.HasListeners())
        {
            return Task.WhenAll(events.Select(e => PublishTracedAsync(topic, e, targets, cancellationToken)));
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

    /// <summary>
    /// One event under its producer span, which lasts until every subscriber settled it (as a broker's accept would)
    /// and is the current span while the subscribers' handlers run, as the delivery request is in Dapr mode.
    /// </summary>
    private async Task PublishTracedAsync(string topic, CloudEvent cloudEvent, IReadOnlyList<CloudEventSubscription> targets, CancellationToken cancellationToken)
    {
        using var activity = PubSubTelemetry.StartPublish(topic, "embedded", cloudEvent with { Topic = topic }, out var delivered);
        try
        {
            await Task.WhenAll(targets.Select(s => DeliverAsync(s, delivered, cancellationToken))).ConfigureAwait(false);
        }
        catch (Exception e) when (activity is not null)
        {
            activity.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    private async Task DeliverAsync(CloudEventSubscription subscription, CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        var delivery = Interlocked.Increment(ref _deliveries);
        try
        {
            await DeliverUntilSettledAsync(delivery, subscription, cloudEvent, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _refused.TryRemove(delivery, out _);
        }
    }

    private async Task DeliverUntilSettledAsync(long delivery, CloudEventSubscription subscription, CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            string? reason = null;
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
                reason = e.Message;
            }
            switch (outcome)
            {
                case DeliveryOutcome.Success:
                    return;
                case DeliveryOutcome.Drop:
                    await DeadLetterAsync(subscription, cloudEvent, cancellationToken).ConfigureAwait(false);
                    return;
                case DeliveryOutcome.Retry:
                    reason ??= "the subscriber answered RETRY";
                    _refused.AddOrUpdate(delivery,
                        _ => new RefusedDelivery(subscription.Route, cloudEvent.Id, cloudEvent.Type, WallClock(), attempt, reason),
                        (_, r) => r with { Attempts = attempt, LastReason = reason });
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

/// <summary>A delivery refused since <paramref name="FirstRefusedAt"/>, <paramref name="Attempts"/> times so far.</summary>
/// <param name="Route">The subscription's route.</param>
/// <param name="EventId">The CloudEvent's id.</param>
/// <param name="Type">The CloudEvent's type.</param>
/// <param name="FirstRefusedAt">When it was first refused.</param>
/// <param name="Attempts">How many deliveries were refused.</param>
/// <param name="LastReason">The last failure's message, or that the subscriber answered RETRY.</param>
public sealed record RefusedDelivery(string Route, string EventId, string Type, DateTimeOffset FirstRefusedAt, int Attempts, string? LastReason);

/// <summary>
/// /health for embedded mode: Degraded while a subscriber has kept refusing a delivery for longer than
/// <see cref="EmbeddedBroker.StuckAfter"/>, because its figures (and, through the waiting relay, every subscriber's)
/// stop following the log. In Dapr mode the sidecar delivers and this reports nothing.
/// </summary>
internal sealed class EmbeddedBrokerHealthCheck(EmbeddedBroker broker, Microsoft.Extensions.Options.IOptions<PubSubOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (options.Value.ResolvedMode != PubSubMode.Embedded)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Dapr mode: the sidecar delivers events."));
        }
        var refused = broker.Refused;
        if (refused.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Every delivery was taken."));
        }
        var oldest = refused[0];
        var since = broker.WallClock() - oldest.FirstRefusedAt;
        var description = $"{refused.Count} deliveries are being retried; the oldest, {oldest.EventId} ({oldest.Type}) to {oldest.Route}, " +
            $"was refused {oldest.Attempts} times in {since.TotalSeconds:0} s ({oldest.LastReason}).";
        return Task.FromResult(since >= EmbeddedBroker.StuckAfter
            ? HealthCheckResult.Degraded(description + " Subscribers' figures are behind the log until it is taken.")
            : HealthCheckResult.Healthy(description));
    }
}
