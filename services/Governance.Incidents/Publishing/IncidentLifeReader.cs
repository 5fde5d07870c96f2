using System.Runtime.CompilerServices;
using Governance.Domain;
using Governance.Domain.Incidents;
using Governance.EventStore;
using Governance.Incidents.Storage;
using Governance.Incidents.Worklists;
using C = Governance.Contracts.V1;

namespace Governance.Incidents.Publishing;

/// <summary>An incident-life event read from the log, with the traceparent of the call that caused it.</summary>
public sealed record IncidentLifeRecord(C.IncidentLifeEvent Event, string? TraceParent);

/// <summary>
/// One page of the incident category of the log: the published events it held (in log order) and the position of the
/// last record read, whether or not that record was published. <see cref="StoppedShort"/> says the page ends before
/// a record that cannot be read (the next read starts at it, and fails): such a page is short without being the end
/// of the log.
/// </summary>
public sealed record IncidentLifePage(long LastPosition, int RecordsRead, IReadOnlyList<IncidentLifeRecord> Events, bool StoppedShort = false);

/// <summary>A stored incident event that cannot be read or mapped: publishing past it would lose a number.</summary>
public sealed class IncidentLifeReadException(long position, string streamId, string type, Exception inner)
    : Exception($"The incident event at position {position} ({type} on {streamId}) cannot be turned into an incident-life event: {inner.Message}", inner)
{
    public long Position { get; } = position;

    public string StreamId { get; } = streamId;

    public string Type { get; } = type;
}

/// <summary>
/// Turns the incident category of the global log into incident-life events: each stored event is folded onto the
/// incident as it stood at the previous version and mapped by <see cref="IncidentLifeMapper"/>. The relay publishes
/// what it yields; an offline rebuild of a consumer replays it from position 0 with exactly the same code. Recent
/// states stay in a bounded cache; a miss (or a state of another version) reads the stream up to the version before.
/// One reader is used by one loop at a time.
/// </summary>
public sealed class IncidentLifeReader
{
    private static readonly string Category = IncidentProjection.Category;

    private readonly IEventStore _store;
    private readonly LruCache<string, Incident> _states;

    /// <param name="store">The incident service's event store.</param>
    /// <param name="stateCacheCapacity">How many incidents' latest states stay in memory between pages.</param>
    public IncidentLifeReader(IEventStore store, int stateCacheCapacity = 10_000)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegative(stateCacheCapacity);
        _store = store;
        _states = new LruCache<string, Incident>(stateCacheCapacity);
    }

    /// <summary>
    /// Up to <paramref name="maxCount"/> incident records after <paramref name="afterPosition"/>, mapped. A record that
    /// cannot be read, folded or mapped ends the page just before it (<see cref="IncidentLifePage.StoppedShort"/>);
    /// when it is the first record, <see cref="IncidentLifeReadException"/> is thrown, so a caller never moves past it.
    /// </summary>
    public async Task<IncidentLifePage> ReadPageAsync(long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var page = await _store.ReadCategoryAsync(Category, afterPosition, maxCount, cancellationToken).ConfigureAwait(false);
        var events = new List<IncidentLifeRecord>(page.Count);
        for (var i = 0; i < page.Count; i++)
        {
            var recorded = page[i];
            try
            {
                if (await MapAsync(recorded, cancellationToken).ConfigureAwait(false) is { } record)
                {
                    events.Add(record);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (i == 0)
                {
                    throw new IncidentLifeReadException(recorded.Position, recorded.StreamId, recorded.Type, e);
                }
                // What comes before it is sound and goes out; the next page starts at it and fails there.
                return new IncidentLifePage(page[i - 1].Position, i, events, StoppedShort: true);
            }
        }
        return new IncidentLifePage(page.Count == 0 ? afterPosition : page[^1].Position, page.Count, events);
    }

    /// <summary>Every page after <paramref name="afterPosition"/> up to the end of the log as it is when each page is read.</summary>
    public async IAsyncEnumerable<IncidentLifePage> ReadAllAsync(long afterPosition, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var position = afterPosition;
        while (true)
        {
            var page = await ReadPageAsync(position, pageSize, cancellationToken).ConfigureAwait(false);
            if (page.RecordsRead == 0)
            {
                yield break;
            }
            yield return page;
            position = page.LastPosition;
            if (page.RecordsRead < pageSize && !page.StoppedShort)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// The events of every page after <paramref name="afterPosition"/> as batches, pages without a published event
    /// left out: what a consumer's offline rebuild replays (from position 0).
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<C.IncidentLifeEvent>> ReadEventBatchesAsync(long afterPosition, int pageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in ReadAllAsync(afterPosition, pageSize, cancellationToken).ConfigureAwait(false))
        {
            if (page.Events.Count > 0)
            {
                yield return [.. page.Events.Select(r => r.Event)];
            }
        }
    }

    private async Task<IncidentLifeRecord?> MapAsync(RecordedEvent recorded, CancellationToken cancellationToken)
    {
        var @event = EventSerializer.Deserialize(recorded.Type, recorded.Data.Span) as IIncidentEvent
            ?? throw new InvalidDataException($"{recorded.Type} is not an incident event, yet it is stored on {recorded.StreamId}.");
        var incidentId = IncidentProjection.IncidentIdOf(recorded.StreamId);
        var before = recorded.Version == 1 ? null : await StateAtAsync(incidentId, recorded.Version - 1, cancellationToken).ConfigureAwait(false);
        var after = IncidentDecider.Apply(before, @event);
        _states.Set(incidentId, after);
        var message = IncidentLifeMapper.Map(after, @event, recorded);
        return message is null ? null : new IncidentLifeRecord(message, EventSerializer.DeserializeMetadata(recorded.Metadata.Span).TraceParent);
    }

    private async Task<Incident> StateAtAsync(string incidentId, long version, CancellationToken cancellationToken)
    {
        if (_states.TryGet(incidentId, out var cached) && cached.Version == version)
        {
            return cached;
        }
        var stream = await _store.ReadStreamAsync(StreamNames.Incident(incidentId), 1, checked((int)version), cancellationToken).ConfigureAwait(false);
        if (stream.Count != version)
        {
            throw new InvalidDataException($"Incident {incidentId} has {stream.Count} events before version {version + 1}; expected {version}.");
        }
        return IncidentDecider.Fold(stream.Select(r => (IIncidentEvent)EventSerializer.Deserialize(r.Type, r.Data.Span)))!;
    }
}
