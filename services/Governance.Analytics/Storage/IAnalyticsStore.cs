namespace Governance.Analytics.Storage;

/// <summary>
/// One incident as the analytics store keeps it: the facts (IncidentFacts serialized as protobuf) of its highest
/// version seen, and the log position of the event that brought them.
/// </summary>
public sealed record StoredIncident(string IncidentId, long Version, long Position, ReadOnlyMemory<byte> Facts);

/// <summary>Everything in an analytics store: the highest log position applied, and every incident.</summary>
/// <param name="Position">The highest log position any writer applied.</param>
/// <param name="Incidents">Every incident, at its highest version stored.</param>
/// <param name="Sequence">
/// The change sequence the read is complete up to: <see cref="IAnalyticsStore.ReadChangesAsync"/> after it brings
/// everything committed since.
/// </param>
public sealed record StoredAnalytics(long Position, IReadOnlyList<StoredIncident> Incidents, long Sequence = 0)
{
    public static readonly StoredAnalytics Empty = new(0, []);
}

/// <summary>What one <see cref="IAnalyticsStore.CommitAsync"/> did.</summary>
/// <param name="Sequence">
/// The change sequence number of the commit. Commits are numbered 1, 2, 3 ... without gaps across every writer of the
/// store, so a commit numbered one past the last sequence its writer has read means nobody else committed in between.
/// </param>
/// <param name="Refused">
/// The incidents the store kept as they were because it already held a version at least as high (written by another
/// replica, which the caller has not read yet).
/// </param>
public sealed record StoredCommit(long Sequence, IReadOnlySet<string> Refused);

/// <summary>A page of what was committed after a change sequence.</summary>
/// <param name="Sequence">The page holds every row committed up to this sequence; read again after it for more.</param>
/// <param name="Position">
/// The store's position as of <paramref name="Sequence"/> when the page reaches the store's head; 0 while
/// <paramref name="More"/>, because the page then does not yet hold everything that position covers.
/// </param>
/// <param name="Incidents">The rows changed after the sequence asked for, each at its current version.</param>
/// <param name="More">True when more was committed than one page holds.</param>
public sealed record StoredChanges(long Sequence, long Position, IReadOnlyList<StoredIncident> Incidents, bool More)
{
    public static StoredChanges Nothing(long sequence, long position) => new(sequence, position, [], false);
}

/// <summary>
/// Where the analytics projection keeps what it has applied, so a restart does not need the incident log replayed.
/// <see cref="SqliteAnalyticsStore"/> is a file for one process; <see cref="PostgresAnalyticsStore"/> is shared by
/// every replica of the service, each committing what the broker delivered to it and reading what the others
/// committed through <see cref="ReadChangesAsync"/>. Each projection commits one batch at a time.
/// </summary>
public interface IAnalyticsStore : IAsyncDisposable
{
    /// <summary>Where the store is, for logs and errors.</summary>
    string Description { get; }

    /// <summary>
    /// Opens the store and reads everything in it. The SQLite store is opened for this process alone (a second
    /// opener, such as an offline rebuild, is refused while it is open); the PostgreSQL one is shared by replicas.
    /// </summary>
    Task<StoredAnalytics> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes the incidents (replacing the stored row of each, unless the stored version is already as high) and the
    /// applied position (the stored one stays if it is higher), all or nothing, as the next change sequence number.
    /// </summary>
    Task<StoredCommit> CommitAsync(IReadOnlyList<StoredIncident> incidents, long position, CancellationToken cancellationToken);

    /// <summary>
    /// The rows committed, by any writer of the store, after change sequence <paramref name="afterSequence"/>, in
    /// pages of whole commits of about <paramref name="maxRows"/> rows (a bigger commit comes whole). A row changed
    /// twice comes once, at its current version. A store no other writer can open returns no rows: whatever was
    /// committed since it opened came through its own commits, which the caller has.
    /// </summary>
    Task<StoredChanges> ReadChangesAsync(long afterSequence, int maxRows, CancellationToken cancellationToken);
}
