using Governance.Domain;
using Governance.EventStore;

namespace Governance.Incidents.Storage;

/// <summary>Reads and appends domain events of one stream, translating to and from the store's bytes.</summary>
public sealed class DomainStreams(IEventStore store)
{
    private long _lastAppendedPosition;

    public IEventStore Store => store;

    /// <summary>The global position of the last event this process appended: what its own readers must have seen.</summary>
    public long LastAppendedPosition => Volatile.Read(ref _lastAppendedPosition);

    public Task<(IReadOnlyList<IDomainEvent> Events, long Version)> ReadAsync(string streamId, CancellationToken cancellationToken) =>
        ReadAsync(streamId, 1, cancellationToken);

    /// <summary>The stream's events from <paramref name="fromVersion"/> on, and the version of the last one read (0 when none).</summary>
    public async Task<(IReadOnlyList<IDomainEvent> Events, long Version)> ReadAsync(string streamId, long fromVersion, CancellationToken cancellationToken)
    {
        var recorded = await store.ReadStreamAsync(streamId, fromVersion, int.MaxValue, cancellationToken).ConfigureAwait(false);
        var events = new IDomainEvent[recorded.Count];
        for (var i = 0; i < recorded.Count; i++)
        {
            events[i] = EventSerializer.Deserialize(recorded[i].Type, recorded[i].Data.Span);
        }
        return (events, recorded.Count == 0 ? 0 : recorded[^1].Version);
    }

    /// <summary>Appends with optimistic concurrency; a stale <paramref name="expectedVersion"/> throws <see cref="WrongExpectedVersionException"/>.</summary>
    public Task<AppendResult> AppendAsync<TEvent>(string streamId, long expectedVersion, IReadOnlyList<TEvent> events, EventMetadata metadata, CancellationToken cancellationToken)
        where TEvent : IDomainEvent
    {
        return AppendTracedAsync(streamId, expectedVersion, events, metadata, cancellationToken);
    }

    private async Task<AppendResult> AppendTracedAsync<TEvent>(string streamId, long expectedVersion, IReadOnlyList<TEvent> events, EventMetadata metadata, CancellationToken cancellationToken)
        where TEvent : IDomainEvent
    {
        using var activity = IncidentsTelemetry.Source.StartActivity("append");
        activity?.SetTag("governance.stream", streamId);
        activity?.SetTag("governance.events", events.Count);
        var metadataBytes = EventSerializer.SerializeMetadata(metadata);
        var data = new EventData[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            data[i] = new EventData(Guid.CreateVersion7(), DomainEventTypes.NameOf(events[i]), EventSerializer.Serialize(events[i]), metadataBytes);
        }
        var result = await store.AppendAsync(streamId, expectedVersion, data, cancellationToken).ConfigureAwait(false);
        for (var seen = LastAppendedPosition; result.LastPosition > seen; seen = LastAppendedPosition)
        {
            if (Interlocked.CompareExchange(ref _lastAppendedPosition, result.LastPosition, seen) == seen)
            {
                break;
            }
        }
        activity?.SetTag("governance.position", result.LastPosition);
        return result;
    }
}
