using System.Collections.Immutable;
using System.Diagnostics;
using System.Threading.Channels;
using Google.Protobuf;
using Governance.Analytics.Hosting;
using Governance.Analytics.Rates;
using Governance.Analytics.Storage;
using Governance.Contracts.V1;
using Governance.PubSub;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Governance.Analytics.Projection;

/// <summary>What one commit applied, told to subscribers right after its snapshot is published.</summary>
/// <param name="Position">The snapshot's position after the commit.</param>
/// <param name="IncidentIds">The incidents whose facts the commit changed, each once.</param>
/// <param name="CommittedAt">When the commit became durable and visible, by the projection's clock.</param>
/// <param name="Snapshot">The snapshot the commit published.</param>
public sealed record AnalyticsCommit(long Position, IReadOnlyList<string> IncidentIds, DateTimeOffset CommittedAt, AnalyticsSnapshot Snapshot);

/// <summary>What a batch handed to <see cref="IncidentFactsProjection.ApplyBatchAsync"/> did.</summary>
/// <param name="Applied">Events newer than what was stored (the incident's facts moved to them).</param>
/// <param name="Duplicates">Events at or below the version already stored, or already in the same commit: no change.</param>
/// <param name="Invalid">Events that can never be applied (the reasons a delivery would be dropped); skipped.</param>
public readonly record struct ApplyResult(int Applied, int Duplicates, int Invalid);

/// <summary>
/// The analytics projection: per incident, the facts of the highest incident_version seen, kept in its own store and
/// published as immutable snapshots. Idempotent and order-insensitive by construction: an event at or below the
/// stored version changes nothing, so a redelivered, replayed or late event is a SUCCESS without change.
/// </summary>
/// <remarks>
/// Deliveries (<see cref="HandleAsync"/>) and replay batches (<see cref="ApplyBatchAsync"/>) are queued; one writer
/// takes everything queued (up to Analytics:MaxEventsPerCommit events), writes it in one store transaction, then
/// publishes the next snapshot and only then completes each call: SUCCESS means durable and visible. A failed commit
/// completes its calls with RETRY (or the exception, for a batch) and changes nothing in memory. Readers take
/// <see cref="Current"/> without a lock; the writer never changes a published snapshot.
/// </remarks>
public sealed class IncidentFactsProjection : ICloudEventHandler, IAnalyticsView, IHostedService, IAsyncDisposable
{
    private readonly IAnalyticsStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<IncidentFactsProjection> _logger;
    private readonly int _maxEventsPerCommit;
    private readonly Channel<Pending> _queue = System.Threading.Channels.Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _subscribersGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Written by the writer alone (and by StartAsync before the writer starts).
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private ImmutableArray<Action<AnalyticsCommit>> _subscribers = [];
    private volatile AnalyticsSnapshot _snapshot = AnalyticsSnapshot.Empty;
    private TaskCompletionSource _advanced = NewSignal();
    private Task? _writer;
    private int _state; // 0 new, 1 started, 2 stopped

    public IncidentFactsProjection(IAnalyticsStore store, IOptions<AnalyticsOptions> options, TimeProvider time, ILogger<IncidentFactsProjection> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        options.Value.Validate();
        _maxEventsPerCommit = options.Value.MaxEventsPerCommit;
    }

    public AnalyticsSnapshot Current => _snapshot;

    /// <summary>Completes once the store is loaded and the writer runs.</summary>
    public Task Started => _started.Task;

    public async Task WaitForPositionAfterAsync(long position, CancellationToken cancellationToken)
    {
        while (true)
        {
            // The signal is taken before the position is read: a commit in between completes the signal taken.
            var advanced = Volatile.Read(ref _advanced).Task;
            if (_snapshot.Position > position)
            {
                return;
            }
            await advanced.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task WaitForChangeAsync(AnalyticsSnapshot seen, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seen);
        while (true)
        {
            // As above: the signal first, then the snapshot.
            var advanced = Volatile.Read(ref _advanced).Task;
            if (!ReferenceEquals(_snapshot, seen))
            {
                return;
            }
            await advanced.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Calls <paramref name="onCommit"/> after every commit that changed something, on the writer's thread, before
    /// the next commit starts: keep it short (hand the notice on to a channel). Dispose the result to unsubscribe.
    /// </summary>
    public IDisposable Subscribe(Action<AnalyticsCommit> onCommit)
    {
        ArgumentNullException.ThrowIfNull(onCommit);
        lock (_subscribersGate)
        {
            _subscribers = _subscribers.Add(onCommit);
        }
        return new Subscription(this, onCommit);
    }

    public async Task<DeliveryOutcome> HandleAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        using var activity = AnalyticsTelemetry.StartProjection(cloudEvent);
        var outcome = await HandleDeliveryAsync(cloudEvent, cancellationToken).ConfigureAwait(false);
        AnalyticsTelemetry.EndProjection(activity, outcome);
        return outcome;
    }

    private async Task<DeliveryOutcome> HandleDeliveryAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        var lifeEvent = IncidentLifeEvents.Parse(cloudEvent, out var problem);
        if (lifeEvent is null)
        {
            _logger.LogWarning("Analytics: dropping CloudEvent {Id} ({Type}) because {Problem}", cloudEvent.Id, cloudEvent.Type, problem);
            return DeliveryOutcome.Drop;
        }
        var pending = new Pending([lifeEvent]);
        if (!_queue.Writer.TryWrite(pending))
        {
            // Stopping: the broker delivers it again to whoever runs next.
            return DeliveryOutcome.Retry;
        }
        try
        {
            var (applied, _) = await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (applied > 0)
            {
                AnalyticsTelemetry.RecordLag(lifeEvent, _time.GetUtcNow());
            }
            return DeliveryOutcome.Success;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return DeliveryOutcome.Retry;
        }
    }

    /// <summary>
    /// Applies a batch of events (a replay or rebuild from the incident log) through the same fold and group commit
    /// as deliveries. Completes once the batch is durable and in <see cref="Current"/>; throws what the store threw.
    /// Events a delivery would drop are skipped and counted. The projection keeps the facts objects it is handed, so
    /// the caller must not change them afterwards.
    /// </summary>
    public async Task<ApplyResult> ApplyBatchAsync(IReadOnlyList<IncidentLifeEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var valid = new List<IncidentLifeEvent>(events.Count);
        foreach (var lifeEvent in events)
        {
            if (lifeEvent is not null && IncidentLifeEvents.ProblemOf(lifeEvent) is null)
            {
                valid.Add(lifeEvent);
            }
        }
        var invalid = events.Count - valid.Count;
        if (valid.Count == 0)
        {
            return new ApplyResult(0, 0, invalid);
        }
        var pending = new Pending(valid);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The analytics projection has stopped; it applies nothing more.");
        }
        var (applied, duplicates) = await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new ApplyResult(applied, duplicates, invalid);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The analytics projection has already been started.");
        }
        var watch = Stopwatch.StartNew();
        StoredAnalytics stored;
        try
        {
            stored = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
            var builder = IncidentTable.Empty.ToBuilder();
            foreach (var row in stored.Incidents)
            {
                var facts = IncidentFacts.Parser.ParseFrom(row.Facts.Span);
                if (!string.Equals(facts.IncidentId, row.IncidentId, StringComparison.Ordinal) || facts.Version != row.Version)
                {
                    throw new InvalidDataException(
                        $"{_store.Description} holds under incident {row.IncidentId} v{row.Version} the facts of {facts.IncidentId} v{facts.Version}; rebuild it.");
                }
                _entries.Add(row.IncidentId, new Entry(builder.Add(facts), row.Version));
            }
            Publish(new AnalyticsSnapshot(stored.Position, builder.ToTable()));
        }
        catch (Exception e)
        {
            Volatile.Write(ref _state, 2);
            _queue.Writer.TryComplete();
            FailQueued(new InvalidOperationException("The analytics projection did not start.", e));
            await _store.DisposeAsync().ConfigureAwait(false);
            _started.TrySetException(e);
            throw;
        }
        _logger.LogInformation("Analytics: loaded {Count} incidents at log position {Position} from {Store} in {Elapsed} ms",
            stored.Incidents.Count, stored.Position, _store.Description, watch.ElapsedMilliseconds);
        _writer = Task.Run(() => WriteLoopAsync(_stopping.Token), CancellationToken.None);
        _started.TrySetResult();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            _queue.Writer.TryComplete();
            FailQueued(new InvalidOperationException("The analytics projection is not running."));
            return;
        }
        // What is queued is still committed; a host that will not wait cancels the writer instead.
        _queue.Writer.TryComplete();
        using (cancellationToken.Register(() => _stopping.Cancel()))
        {
            await _writer!.ConfigureAwait(false);
        }
        await _store.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task WriteLoopAsync(CancellationToken stopping)
    {
        var batch = new List<Pending>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                batch.Clear();
                var events = 0;
                while (events < _maxEventsPerCommit && _queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                    events += pending.Events.Count;
                }
                await CommitAsync(batch, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped without waiting: what is still queued gets RETRY, and the broker delivers it again later.
        }
        var stopped = new OperationCanceledException("The analytics projection stopped before committing this event.");
        foreach (var pending in batch)
        {
            pending.Done.TrySetException(stopped);
        }
        FailQueued(stopped);
    }

    private void FailQueued(Exception reason)
    {
        while (_queue.Reader.TryRead(out var left))
        {
            left.Done.TrySetException(reason);
        }
    }

    private async Task CommitAsync(List<Pending> batch, CancellationToken stopping)
    {
        // The newest event per incident across the whole batch, against what is already stored.
        var newest = new Dictionary<string, IncidentLifeEvent>(StringComparer.Ordinal);
        var counts = new (int Applied, int Duplicates)[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            foreach (var lifeEvent in batch[i].Events)
            {
                var id = lifeEvent.IncidentId;
                var known = newest.TryGetValue(id, out var inBatch) ? inBatch.IncidentVersion
                    : _entries.TryGetValue(id, out var entry) ? entry.Version
                    : 0;
                if (lifeEvent.IncidentVersion > known)
                {
                    newest[id] = lifeEvent;
                    counts[i].Applied++;
                }
                else
                {
                    counts[i].Duplicates++;
                }
            }
        }

        if (newest.Count > 0)
        {
            var current = _snapshot;
            var position = current.Position;
            var rows = new List<StoredIncident>(newest.Count);
            foreach (var lifeEvent in newest.Values)
            {
                position = Math.Max(position, lifeEvent.Position);
                rows.Add(new StoredIncident(lifeEvent.IncidentId, lifeEvent.IncidentVersion, lifeEvent.Position, lifeEvent.Incident.ToByteArray()));
            }
            try
            {
                await _store.CommitAsync(rows, position, stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                _logger.LogWarning(e, "Analytics: committing {Count} incidents to {Store} failed; their deliveries get RETRY", rows.Count, _store.Description);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(e);
                }
                return;
            }

            var builder = current.Incidents is IncidentTable table ? table.ToBuilder() : IncidentTable.Empty.ToBuilder();
            var ids = new string[newest.Count];
            var n = 0;
            foreach (var (id, lifeEvent) in newest)
            {
                ids[n++] = id;
                if (_entries.TryGetValue(id, out var entry))
                {
                    builder.Set(entry.Slot, lifeEvent.Incident);
                    _entries[id] = entry with { Version = lifeEvent.IncidentVersion };
                }
                else
                {
                    _entries.Add(id, new Entry(builder.Add(lifeEvent.Incident), lifeEvent.IncidentVersion));
                }
            }
            var snapshot = new AnalyticsSnapshot(position, builder.ToTable());
            Publish(snapshot);
            Notify(new AnalyticsCommit(position, ids, _time.GetUtcNow(), snapshot));
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(counts[i]);
        }
    }

    private void Publish(AnalyticsSnapshot snapshot)
    {
        _snapshot = snapshot;
        Interlocked.Exchange(ref _advanced, NewSignal()).TrySetResult();
    }

    private void Notify(AnalyticsCommit commit)
    {
        foreach (var subscriber in _subscribers)
        {
            try
            {
                subscriber(commit);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Analytics: a commit subscriber failed at position {Position}", commit.Position);
            }
        }
    }

    private void Unsubscribe(Action<AnalyticsCommit> onCommit)
    {
        lock (_subscribersGate)
        {
            _subscribers = _subscribers.Remove(onCommit);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly record struct Entry(int Slot, long Version);

    private sealed class Pending(IReadOnlyList<IncidentLifeEvent> events)
    {
        public IReadOnlyList<IncidentLifeEvent> Events { get; } = events;

        public TaskCompletionSource<(int Applied, int Duplicates)> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Subscription(IncidentFactsProjection owner, Action<AnalyticsCommit> onCommit) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(onCommit);
            }
        }
    }
}
