namespace Governance.EventStore;

/// <summary>
/// An append-only store of event streams with optimistic concurrency and one global, ordered log.
/// Versions are 1-based (a stream's version is its event count); positions are 1-based and increase
/// in commit order, so a reader tailing the log by position never skips an event.
/// </summary>
public interface IEventStore : IAsyncDisposable
{
    /// <summary>Creates or migrates the schema. Idempotent; call once before anything else.</summary>
    Task InitializeAsync(CancellationToken ct = default);

    /// <summary>
    /// Appends all <paramref name="events"/> or none. The returned task completes only after the
    /// events are committed (durably, where the store is configured so).
    /// </summary>
    /// <exception cref="WrongExpectedVersionException">The stream is not at <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="DuplicateEventIdException">An event id is already stored.</exception>
    /// <exception cref="ArgumentException"><paramref name="events"/> is empty or an event is malformed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the append was taken up; nothing was written.</exception>
    Task<AppendResult> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken ct = default);

    /// <summary>Events of one stream from <paramref name="fromVersion"/> on, ascending; empty for an unknown stream.</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, int maxCount = int.MaxValue, CancellationToken ct = default);

    /// <summary>The stream's version (its event count); 0 if it does not exist.</summary>
    Task<long> GetStreamVersionAsync(string streamId, CancellationToken ct = default);

    /// <summary>The global log: events with a position greater than <paramref name="afterPosition"/>, ascending.</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int maxCount, CancellationToken ct = default);

    /// <summary>Like <see cref="ReadAllAsync"/>, restricted to streams of one category (see <see cref="StreamName.Category"/>).</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadCategoryAsync(string category, long afterPosition, int maxCount, CancellationToken ct = default);

    /// <summary>The position of the last committed event; 0 when the store is empty.</summary>
    Task<long> GetHeadPositionAsync(CancellationToken ct = default);

    /// <summary>
    /// Completes once the head position is greater than <paramref name="position"/>: at once if it
    /// already is, promptly after an append through this instance, and within a polling interval
    /// after an append by any other writer of the same store.
    /// </summary>
    Task WaitForEventsAfterAsync(long position, CancellationToken ct);
}
