using Google.Protobuf;
using Governance.Contracts.V1;
using Governance.EventStore;
using Governance.PubSub;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Governance.Incidents.Publishing;

/// <summary>
/// The outbox relay: tails the incident category of the global log from its stored checkpoint, maps each page with
/// <see cref="IncidentLifeReader"/>, publishes the page's CloudEvents to PubSub:Topic, and moves the checkpoint only
/// once the broker accepted all of them. Delivery is therefore at least once: a crash between the two republishes the
/// page, and consumers keep the highest incident version they saw. A refused publish is retried (with a bounded
/// backoff) for as long as it takes; an event that cannot be read or mapped stops the relay where it is, retrying,
/// logged at Error and reported unhealthy, because skipping it would lose a number from every published rate.
/// It publishes only while this process holds the relay lease (<see cref="LeaseName"/>), so of many replicas on one
/// store exactly one publishes; the others stand by and the first to take the lease after the holder dies resumes from
/// the shared checkpoint.
/// </summary>
public sealed class IncidentLifeRelay(
    IEventStore store,
    IRelayCheckpoint checkpoint,
    IEventPublisher publisher,
    IExclusiveLease lease,
    IOptions<PubSubOptions> pubsub,
    IOptions<RelayOptions> options,
    TimeProvider clock,
    ILogger<IncidentLifeRelay> logger) : BackgroundService
{
    /// <summary>The relay's row in the checkpoint file.</summary>
    public const string RelayName = "incident-life";

    /// <summary>The lease only one replica's relay holds at a time.</summary>
    public const string LeaseName = "relay:incident-life";

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long new events gather before the relay reads them. Under load the log grows with every commit, and a page
    /// per commit costs a log read, a publish and a checkpoint write each time; gathering for a moment turns them into
    /// one page. No dashboard number needs the step sooner than that.
    /// </summary>
    internal static readonly TimeSpan CatchUpCoalescing = TimeSpan.FromMilliseconds(100);

    private readonly RelayOptions _options = options.Value;
    private readonly Lock _gate = new();
    private long _position;
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile RelayStatus _status = new(HealthStatus.Healthy, "The relay has not started yet.");
    private long _head;

    /// <summary>The log position the broker has accepted everything up to (the stored checkpoint).</summary>
    public long Position => Interlocked.Read(ref _position);

    internal RelayStatus Status => _status;

    private volatile bool _holdsLease;

    /// <summary>Whether this process holds the relay lease and publishes.</summary>
    public bool HoldsLease => _holdsLease;

    /// <summary>Log positions behind the head the relay last read: what governance.relay.lag reports.</summary>
    internal long Lag => Math.Max(0, Interlocked.Read(ref _head) - Position);

    /// <summary>Completes once <see cref="Position"/> has reached <paramref name="position"/>.</summary>
    public async Task WaitForPositionAsync(long position, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task advanced;
            lock (_gate)
            {
                if (Position >= position)
                {
                    return;
                }
                advanced = _advanced.Task;
            }
            await advanced.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The CloudEvent of one incident-life event: the domain event's id, the change's type, the protobuf message as data.</summary>
    public static CloudEvent ToCloudEvent(IncidentLifeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var message = record.Event;
        return new CloudEvent
        {
            Id = message.EventId,
            Source = IntegrationTopics.IncidentsSource,
            Type = IntegrationTopics.CloudEventTypeOf(message.ChangeCase),
            Time = message.OccurredAt.ToDateTimeOffset(),
            Subject = message.IncidentId,
            DataContentType = IntegrationTopics.ProtobufContentType,
            Data = message.ToByteArray(),
            // A malformed value (from an old build, or written by hand) would be passed on to every consumer's tracer.
            TraceParent = TraceParents.IsValid(record.TraceParent) ? record.TraceParent : null,
        };
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            _status = new RelayStatus(HealthStatus.Healthy, $"The relay is turned off here ({RelayOptions.SectionName}:Enabled = false).");
            logger.LogInformation("Relay: turned off ({Section}:Enabled = false); incident-life events are not published by this process", RelayOptions.SectionName);
            return;
        }
        // Start serving first; catching up on a long log is background work.
        await Task.Yield();
        _status = StandingBy();
        await lease.RunWhileHeldAsync(LeaseName, RunAsync,
            onHeld: () =>
            {
                _holdsLease = true;
                logger.LogInformation("Relay: this replica holds the relay lease ({Lease}) and publishes", lease.Description);
            },
            onReleased: lost =>
            {
                _holdsLease = false;
                _status = StandingBy();
                if (lost)
                {
                    // Another replica may hold it already; publishing on would only duplicate its pages.
                    logger.LogWarning("Relay: lost the relay lease (its database session broke); standing by from position {Position}", Position);
                }
            }, stoppingToken).ConfigureAwait(false);
    }

    private RelayStatus StandingBy() =>
        new(HealthStatus.Healthy, $"Standing by for the relay lease ({lease.Description}): another replica publishes meanwhile.");

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var topic = pubsub.Value.Topic;
        var position = await RetryAsync(async () =>
        {
            await checkpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (checkpoint.ResetReason is { } reason)
            {
                logger.LogWarning("Relay: the checkpoint {Path} was started afresh because {Reason}; the log is published again from the start", checkpoint.Description, reason);
            }
            var stored = await checkpoint.GetAsync(RelayName, cancellationToken).ConfigureAwait(false);
            var head = await store.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
            if (stored > head)
            {
                // The event store was replaced (a deleted data folder, a restored backup) under a surviving checkpoint.
                logger.LogWarning("Relay: the checkpoint is at position {Checkpoint} but the log ends at {Head}; publishing again from the start", stored, head);
                stored = 0;
                await checkpoint.SetAsync(RelayName, 0, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }
            logger.LogInformation("Relay: publishing incident life to {Topic} from position {Position} (log head {Head})", topic, stored, head);
            return stored;
        }, e => new RelayStatus(HealthStatus.Unhealthy, $"The relay checkpoint {checkpoint.Description} cannot be opened: {e.Message}"),
           (e, delay) => logger.LogError(e, "Relay: the checkpoint {Path} cannot be opened; trying again in {Delay}", checkpoint.Description, delay),
           cancellationToken).ConfigureAwait(false);
        Advance(position);
        using var lag = IncidentsTelemetry.TrackRelay(this);

        var reader = new IncidentLifeReader(store, _options.StateCacheCapacity);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var from = position;
            var (head, page) = await RetryAsync(async () =>
            {
                // The head is read first: positions are assigned in commit order, so once a page comes back short every
                // incident event up to this head has been seen, and the relay may claim the head itself.
                var h = await store.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
                return (h, await reader.ReadPageAsync(from, _options.BatchSize, cancellationToken).ConfigureAwait(false));
            }, e => e is IncidentLifeReadException r
                ? new RelayStatus(HealthStatus.Unhealthy, $"The relay is stopped at position {from}: {r.Message} Nothing after it is published until this build can read it.")
                : new RelayStatus(HealthStatus.Degraded, $"The relay cannot read the log after position {from}: {e.Message}"),
               (e, delay) => logger.LogError(e, "Relay: stopped after position {Position}, retrying in {Delay}: {Reason}", from, delay, e.Message),
               cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _head, head);
            var target = page.RecordsRead < _options.BatchSize && !page.StoppedShort ? Math.Max(page.LastPosition, head) : page.LastPosition;
            if (target <= position)
            {
                _status = new RelayStatus(HealthStatus.Healthy, $"Published up to position {position}.");
                await store.WaitForEventsAfterAsync(position, cancellationToken).ConfigureAwait(false);
                // Real time, not the injected clock: this is about the machine's load, not about when things are due.
                await Task.Delay(CatchUpCoalescing, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (page.Events.Count > 0)
            {
                // Each event keeps the traceparent of the call that caused it; the publisher makes a producer span per
                // event as a child of it (PubSubTelemetry.StartPublish says why not one span per page).
                var events = page.Events.Select(ToCloudEvent).ToList();
                await RetryAsync(async () =>
                {
                    await publisher.PublishAsync(topic, events, cancellationToken).ConfigureAwait(false);
                    return 0;
                }, e => new RelayStatus(HealthStatus.Degraded, $"The broker does not accept events after position {from}: {e.Message}"),
                   (e, delay) => logger.LogWarning("Relay: publishing {Count} events after position {Position} failed ({Reason}); trying again in {Delay}",
                       events.Count, from, e.Message, delay),
                   cancellationToken).ConfigureAwait(false);
                IncidentsTelemetry.RecordRelayed(page.Events, clock.GetUtcNow());
            }
            await RetryAsync(async () =>
            {
                await checkpoint.SetAsync(RelayName, target, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                return 0;
            }, e => new RelayStatus(HealthStatus.Degraded, $"The relay checkpoint {checkpoint.Description} cannot be written: {e.Message}"),
               (e, delay) => logger.LogError(e, "Relay: the checkpoint {Path} cannot be written; trying again in {Delay}", checkpoint.Description, delay),
               cancellationToken).ConfigureAwait(false);
            position = target;
            _status = new RelayStatus(HealthStatus.Healthy, $"Published up to position {position}.");
            Advance(position);
        }
    }

    /// <summary>
    /// Runs <paramref name="step"/> until it succeeds, waiting 100 ms, then twice as long each time up to
    /// PubSub:Relay:MaxRetryDelay. Real time, not the injected clock: this paces retries, it is not a domain deadline.
    /// </summary>
    private async Task<T> RetryAsync<T>(Func<Task<T>> step, Func<Exception, RelayStatus> statusOf, Action<Exception, TimeSpan> log, CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay < _options.MaxRetryDelay ? FirstRetryDelay : _options.MaxRetryDelay;
        while (true)
        {
            try
            {
                return await step().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _status = statusOf(e);
                log(e, delay);
            }
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 < _options.MaxRetryDelay ? delay * 2 : _options.MaxRetryDelay;
        }
    }

    private void Advance(long position)
    {
        lock (_gate)
        {
            Interlocked.Exchange(ref _position, position);
            var advanced = _advanced;
            _advanced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            advanced.TrySetResult();
        }
    }
}

/// <summary>What the relay's health check reports.</summary>
internal sealed record RelayStatus(HealthStatus Health, string Description);

/// <summary>
/// Unhealthy when an event cannot be published at all (the relay is stopped on it), degraded while the broker or the
/// checkpoint refuses; the incident service still serves either way.
/// </summary>
internal sealed class RelayHealthCheck(IncidentLifeRelay relay) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = relay.Status;
        return Task.FromResult(new HealthCheckResult(status.Health, status.Description));
    }
}
