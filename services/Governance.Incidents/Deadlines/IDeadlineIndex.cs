using Governance.Domain.Incidents;

namespace Governance.Incidents.Deadlines;

/// <summary>The alarms one incident owes now, replacing whatever the index held for it.</summary>
public sealed record IncidentAlarms(string IncidentId, IReadOnlyList<DueAlarm> Alarms);

/// <summary>
/// The durable due-time index: a projection of the incident log holding every pending alarm, keyed by (incident,
/// department, kind, level), plus the log position it reflects. Rows and position change in one transaction, so after
/// a crash the index is exactly as of its checkpoint. Being a projection, it may be thrown away and rebuilt from
/// position 0 at any time. SQLite now (<see cref="SqliteDeadlineIndex"/>); a PostgreSQL one belongs beside the
/// production store.
/// </summary>
public interface IDeadlineIndex : IAsyncDisposable
{
    /// <summary>Opens the index, creating it, or rebuilding it empty when it is unreadable. Idempotent.</summary>
    Task OpenAsync(CancellationToken cancellationToken);

    /// <summary>Why the last open started from an empty index although a file was there (corrupt, other schema); else null.</summary>
    string? RebuildReason { get; }

    /// <summary>The log position the rows reflect; 0 for a new index.</summary>
    Task<long> GetCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: replaces the rows of each incident in <paramref name="replaced"/>, marks each of
    /// <paramref name="deferred"/> as to be recomputed later (its rows stay as they were), and moves the checkpoint
    /// to <paramref name="checkpoint"/>, which must not be behind the current one.
    /// </summary>
    Task ApplyAsync(IReadOnlyCollection<IncidentAlarms> replaced, IReadOnlyCollection<string> deferred, long checkpoint, CancellationToken cancellationToken);

    /// <summary>Incidents whose rows could not be recomputed when their events were indexed; retried on every pass.</summary>
    Task<IReadOnlyList<string>> GetDeferredAsync(CancellationToken cancellationToken);

    /// <summary>Pending alarms due at or before <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<DueAlarm>> GetDueAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken);

    /// <summary>The earliest due time after <paramref name="after"/>, or null when nothing else is pending.</summary>
    Task<DateTimeOffset?> GetNextDueAfterAsync(DateTimeOffset after, CancellationToken cancellationToken);

    /// <summary>The pending alarms of one incident.</summary>
    Task<IReadOnlyList<DueAlarm>> GetAlarmsAsync(string incidentId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the row of a fired alarm, only if it still has the due time it was fired for: a row the projection
    /// meanwhile moved (an extension) stays. Returns whether a row was deleted.
    /// </summary>
    Task<bool> RemoveAsync(DueAlarm alarm, CancellationToken cancellationToken);

    /// <summary>Empties the index and sets the checkpoint to 0, so it is rebuilt from the start of the log.</summary>
    Task ResetAsync(CancellationToken cancellationToken);
}
