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

/// <summary>
/// What one commit applied, told to subscribers right after its snapshot is published: a commit of this replica's, or
/// what it read of other replicas' commits from a shared store.
/// </summary>
/// <param name="Position">The snapshot's position after the commit.</param>
/// <param name="IncidentIds">The incidents whose facts the commit changed, each once.</param>
/// <param name="CommittedAt">When the commit became durable and visible here, by the projection's clock.</param>
/// <param name="Snapshot">The snapshot the commit published.</param>
public sealed record AnalyticsCommit(long Position, IReadOnlyList<string> IncidentIds, DateTimeOffset CommittedAt, AnalyticsSnapshot Snapshot);

/// <summary>What a batch handed to <see cref="IncidentFactsProjection.ApplyBatchAsync"/> did.</summary>
/// <param name="Applied">Events newer than what was stored (the incident's facts moved to them).</param>
/// <param name="Duplicates">
/// Events at or below the version already stored (here, or by another replica in a shared store), or already in the
/// same commit: no change.
/// </param>
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
/// <para>
/// Several replicas may share one store (PostgreSQL), each delivered part of the incident life. A poller reads what
/// was committed after the last change sequence this replica has (every Analytics:Store:PollInterval) and hands it to
/// the writer, which merges it by the same rule as deliveries (a higher version wins), so snapshots, waiters and
/// subscribers see every replica's events. A commit of its own numbered one past that sequence moves the sequence
/// itself (nobody committed in between), so a replica alone on the store never reads its own rows back.
/// </para>
/// </remarks>
public sealed class IncidentFactsProjection : ICloudEventHandler, IAnalyticsView, IHostedService, IAsyncDisposable
{
    private readonly IAnalyticsStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<IncidentFactsProjection> _logger;
    private readonly int _maxEventsPerCommit;
    private readonly TimeSpan _pollInterval;
    private readonly Channel<Pending> _queue = System.Threading.Channels.Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _subscribersGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _pollStopping = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Written by the writer alone (and by StartAsync before the writer starts).
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private ImmutableArray<Action<AnalyticsCommit>> _subscribers = [];
    private volatile AnalyticsSnapshot _snapshot = AnalyticsSnapshot.Empty;
    private TaskCompletionSource _advanced = NewSignal();
    private long _sequence; // the store's change sequence merged up to; read by the poller
    private Task? _writer;
    private Task? _poller;
    private int _state; // 0 new, 1 started, 2 stopped

    public IncidentFactsProjection(IAnalyticsStore store, IOptions<AnalyticsOptions> options, TimeProvider time, ILogger<IncidentFactsProjection> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        options.Value.Validate();
        _maxEventsPerCommit = options.Value.MaxEventsPerCommit;
        _pollInterval = options.Value.Store.PollInterval;
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
    /// Calls <paramref name="onCommit"/> after every commit that changed something (this replica's, or other replicas'
    /// read from a shared store), on the writer's thread, before the next commit starts: keep it short (hand the
    /// notice on to a channel). Dispose the result to unsubscribe.
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
                _entries.Add(row.IncidentId, new Entry(builder.Add(Parse(row)), row.Version));
            }
            _sequence = stored.Sequence;
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
        _poller = Task.Run(() => PollLoopAsync(_pollStopping.Token), CancellationToken.None);
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
        // The poller first: it feeds the queue, which is completed next.
        await _pollStopping.CancelAsync().ConfigureAwait(false);
        await _poller!.ConfigureAwait(false);
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
        _pollStopping.Dispose();
    }

    private async Task WriteLoopAsync(CancellationToken stopping)
    {
        var batch = new List<Pending>();
        var merges = new List<Pending>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                batch.Clear();
                merges.Clear();
                var events = 0;
                while (events < _maxEventsPerCommit && _queue.Reader.TryRead(out var pending))
                {
                    if (pending.Changes is not null)
                    {
                        merges.Add(pending);
                        continue;
                    }
                    batch.Add(pending);
                    events += pending.Events.Count;
                }
                // Other replicas' rows first: the batch is then judged against the newest versions known, and fewer of
                // its rows are refused by the store as older than what another replica wrote.
                if (merges.Count > 0)
                {
                    Merge(merges);
                }
                if (batch.Count > 0)
                {
                    await CommitAsync(batch, stopping).ConfigureAwait(false);
                }
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
        // The newest event per incident across the whole batch, against what is already known; for each call, the
        // incidents its events moved forward (they count as applied unless the store refuses the incident).
        var newest = new Dictionary<string, IncidentLifeEvent>(StringComparer.Ordinal);
        var moved = new List<string>?[batch.Count];
        var duplicates = new int[batch.Count];
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
                    (moved[i] ??= []).Add(id);
                }
                else
                {
                    duplicates[i]++;
                }
            }
        }

        IReadOnlySet<string> refused = StoreRows.NoneRefused;
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
            StoredCommit commit;
            try
            {
                commit = await _store.CommitAsync(rows, position, stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                // The commit may still have reached a shared store (a connection lost during COMMIT): its rows then
                // come back through the poller, as another replica's would.
                _logger.LogWarning(e, "Analytics: committing {Count} incidents to {Store} failed; their deliveries get RETRY", rows.Count, _store.Description);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(e);
                }
                return;
            }
            refused = commit.Refused;
            if (commit.Sequence == _sequence + 1)
            {
                _sequence = commit.Sequence;
            }

            // A refused incident keeps what memory has: the store holds a higher version from another replica, which
            // the poller brings.
            var builder = current.Incidents is IncidentTable table ? table.ToBuilder() : IncidentTable.Empty.ToBuilder();
            var ids = new List<string>(newest.Count);
            foreach (var (id, lifeEvent) in newest)
            {
                if (refused.Contains(id))
                {
                    continue;
                }
                ids.Add(id);
                Put(builder, id, lifeEvent.Incident, lifeEvent.IncidentVersion);
            }
            if (ids.Count > 0 || position > current.Position)
            {
                var snapshot = new AnalyticsSnapshot(position, builder.ToTable());
                Publish(snapshot);
                Notify(new AnalyticsCommit(position, ids, _time.GetUtcNow(), snapshot));
            }
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var applied = 0;
            if (moved[i] is { } ids)
            {
                foreach (var id in ids)
                {
                    if (!refused.Contains(id))
                    {
                        applied++;
                    }
                }
                duplicates[i] += ids.Count - applied;
            }
            batch[i].Done.TrySetResult((applied, duplicates[i]));
        }
    }

    /// <summary>
    /// Takes what other replicas committed into memory: a row replaces what is known only with a higher version, as
    /// a delivery would, so the order of merges and deliveries does not matter.
    /// </summary>
    private void Merge(List<Pending> merges)
    {
        var current = _snapshot;
        var position = current.Position;
        IncidentTable.Builder? builder = null;
        var ids = new List<string>();
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pending in merges)
        {
            var changes = pending.Changes!;
            foreach (var row in changes.Incidents)
            {
                if (row.Version <= (_entries.TryGetValue(row.IncidentId, out var entry) ? entry.Version : 0))
                {
                    continue;
                }
                IncidentFacts facts;
                try
                {
                    facts = Parse(row);
                }
                catch (Exception e) when (e is InvalidDataException or InvalidProtocolBufferException)
                {
                    // Refusing the rest would leave this replica behind on everything; this incident waits for its next version.
                    _logger.LogError(e, "Analytics: skipping incident {Id} v{Version} read from {Store}", row.IncidentId, row.Version, _store.Description);
                    continue;
                }
                builder ??= current.Incidents is IncidentTable table ? table.ToBuilder() : IncidentTable.Empty.ToBuilder();
                Put(builder, row.IncidentId, facts, row.Version);
                if (changed.Add(row.IncidentId))
                {
                    ids.Add(row.IncidentId);
                }
            }
            if (!changes.More)
            {
                position = Math.Max(position, changes.Position);
            }
            _sequence = Math.Max(_sequence, changes.Sequence);
        }
        if (builder is not null || position > current.Position)
        {
            var snapshot = new AnalyticsSnapshot(position, builder?.ToTable() ?? current.Incidents);
            Publish(snapshot);
            Notify(new AnalyticsCommit(position, ids, _time.GetUtcNow(), snapshot));
        }
        foreach (var pending in merges)
        {
            pending.Done.TrySetResult((0, 0));
        }
    }

    private void Put(IncidentTable.Builder builder, string id, IncidentFacts facts, long version)
    {
        if (_entries.TryGetValue(id, out var entry))
        {
            builder.Set(entry.Slot, facts);
            _entries[id] = entry with { Version = version };
        }
        else
        {
            _entries.Add(id, new Entry(builder.Add(facts), version));
        }
    }

    /// <summary>
    /// Reads what other replicas committed, until stopped. Only the reading happens here; the merge is the writer's,
    /// which owns the incidents in memory. A failing read is logged once per outage and tried again next interval:
    /// meanwhile this replica still commits and answers with what it has.
    /// </summary>
    private async Task PollLoopAsync(CancellationToken stopping)
    {
        const int MaxRowsPerRead = 5_000;
        using var timer = new PeriodicTimer(_pollInterval, _time);
        var failing = false;
        var wentBack = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    StoredChanges changes;
                    do
                    {
                        var after = Volatile.Read(ref _sequence);
                        changes = await _store.ReadChangesAsync(after, MaxRowsPerRead, stopping).ConfigureAwait(false);
                        if (changes.Sequence < after && !wentBack)
                        {
                            wentBack = true;
                            _logger.LogError("Analytics: the change sequence of {Store} went back from {Had} to {Now}: the database was restored or " +
                                "replaced under this replica, whose view no longer matches it. Restart the replica.", _store.Description, after, changes.Sequence);
                        }
                        if (changes.Incidents.Count == 0 && changes.Sequence <= after && (changes.More || changes.Position <= _snapshot.Position))
                        {
                            break;
                        }
                        var pending = new Pending(changes);
                        if (!_queue.Writer.TryWrite(pending))
                        {
                            return;
                        }
                        await pending.Done.Task.WaitAsync(stopping).ConfigureAwait(false);
                    }
                    while (changes.More);
                    if (failing)
                    {
                        failing = false;
                        _logger.LogInformation("Analytics: reading other replicas' commits from {Store} works again", _store.Description);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
                {
                    if (!failing)
                    {
                        failing = true;
                        _logger.LogWarning(e, "Analytics: reading other replicas' commits from {Store} failed; trying again every {Interval}",
                            _store.Description, _pollInterval);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private IncidentFacts Parse(StoredIncident row)
    {
        var facts = IncidentFacts.Parser.ParseFrom(row.Facts.Span);
        if (!string.Equals(facts.IncidentId, row.IncidentId, StringComparison.Ordinal) || facts.Version != row.Version)
        {
            throw new InvalidDataException(
                $"{_store.Description} holds under incident {row.IncidentId} v{row.Version} the facts of {facts.IncidentId} v{facts.Version}; rebuild it.");
        }
        return facts;
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

    /// <summary>Events to commit, or other replicas' changes to merge (<see cref="Changes"/> set, no events).</summary>
    private sealed class Pending
    {
        public Pending(IReadOnlyList<IncidentLifeEvent> events) => Events = events;

        public Pending(StoredChanges changes)
        {
            Events = [];
            Changes = changes;
        }

        public IReadOnlyList<IncidentLifeEvent> Events { get; }

        public StoredChanges? Changes { get; }

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
