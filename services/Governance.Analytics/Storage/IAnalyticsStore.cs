namespace Governance.Analytics.Storage;

/// <summary>
/// One incident as the analytics store keeps it: the facts (IncidentFacts serialized as protobuf) of its highest
/// version seen, and the log position of the event that brought them.
/// </summary>
public sealed record StoredIncident(string IncidentId, long Version, long Position, ReadOnlyMemory<byte> Facts);

/// <summary>Everything in an analytics store: the highest log position applied, and every incident.</summary>
public sealed record StoredAnalytics(long Position, IReadOnlyList<StoredIncident> Incidents)
{
    public static readonly StoredAnalytics Empty = new(0, []);
}

/// <summary>
/// Where the analytics projection keeps what it has applied, so a restart does not need the incident log replayed.
/// SQLite now (<see cref="SqliteAnalyticsStore"/>); PostgreSQL is meant to implement the same. The projection is its
/// only writer, one commit at a time.
/// </summary>
public interface IAnalyticsStore : IAsyncDisposable
{
    /// <summary>Where the store is, for logs and errors.</summary>
    string Description { get; }

    /// <summary>
    /// Opens the store for this process alone (a second opener, such as an offline rebuild, is refused while it is
    /// open) and reads everything in it.
    /// </summary>
    Task<StoredAnalytics> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes the incidents (replacing the stored row of each, unless the stored version is already higher) and the
    /// applied position, all or nothing.
    /// </summary>
    Task CommitAsync(IReadOnlyList<StoredIncident> incidents, long position, CancellationToken cancellationToken);
}
