using Governance.EventStore;
using Governance.Analytics.Hosting;
using Governance.Analytics.Projection;
using Governance.Contracts.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Governance.Analytics.Storage;

/// <summary>What a rebuild wrote.</summary>
/// <param name="Position">The log position of the rebuilt store.</param>
/// <param name="Incidents">How many incidents it holds.</param>
/// <param name="Events">How many events were read.</param>
/// <param name="Invalid">How many of them a live delivery would have dropped too (skipped the same way).</param>
/// <param name="BackupPath">Where the replaced store went, or null when there was none.</param>
public sealed record RebuildResult(long Position, int Incidents, long Events, long Invalid, string? BackupPath);

/// <summary>
/// Builds the analytics store of a data folder afresh from the incident log (from position 0), through the same
/// projection fold the live service runs, so the result equals what live delivery of the same events gives. Offline:
/// it holds analytics.lock throughout, so it refuses to start under a live host and a host cannot start under it.
/// The new file is built beside the old one and swapped in only once complete; the old one is kept as
/// analytics.db.bak (with its WAL files, if any, renamed alike so the backup stays whole).
/// SQLite only: the PostgreSQL store (<see cref="PostgresAnalyticsStore"/>) has no file to swap and no lock every
/// replica honours, so rebuilding it is not implemented (the rebuild-analytics command refuses it).
/// </summary>
public static class AnalyticsRebuild
{
    public const string BackupSuffix = ".bak";
    private const string RebuildSuffix = ".rebuild";

    /// <param name="dataDirectory">The folder of analytics.db (Analytics:DataDirectory).</param>
    /// <param name="batches">The incident log as IncidentLifeEvents, in batches, from position 0.</param>
    /// <param name="cancellationToken">Stops the rebuild; the old store is then left as it was.</param>
    /// <param name="logger">Progress, optionally.</param>
    public static async Task<RebuildResult> RebuildAsync(string dataDirectory, IAsyncEnumerable<IReadOnlyList<IncidentLifeEvent>> batches,
        CancellationToken cancellationToken, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentNullException.ThrowIfNull(batches);
        logger ??= NullLogger.Instance;
        var live = SqliteAnalyticsStoreOptions.InDirectory(dataDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(live.DatabasePath)!);
        using var directoryLock = SqliteAnalyticsStore.AcquireLock(live.LockPath!, "rebuild the analytics store");

        var building = live.DatabasePath + RebuildSuffix;
        SqliteFiles.Delete(building);
        long events = 0;
        long invalid = 0;
        AnalyticsSnapshot built;
        try
        {
            var store = new SqliteAnalyticsStore(new SqliteAnalyticsStoreOptions { DatabasePath = building, LockPath = null, Durable = false });
            var projection = new IncidentFactsProjection(store, Options.Create(new AnalyticsOptions()), TimeProvider.System,
                NullLogger<IncidentFactsProjection>.Instance);
            await using (projection.ConfigureAwait(false))
            {
                await projection.StartAsync(cancellationToken).ConfigureAwait(false);
                // One batch commits while the next is read: the log is read on one core and written on the other.
                // Order between batches does not matter (the highest incident version wins); the end waits for both.
                Task<ApplyResult>? committing = null;
                try
                {
                    await foreach (var batch in batches.WithCancellation(cancellationToken).ConfigureAwait(false))
                    {
                        var previous = committing;
                        committing = projection.ApplyBatchAsync(batch, cancellationToken);
                        events += batch.Count;
                        if (previous is not null)
                        {
                            invalid += (await previous.ConfigureAwait(false)).Invalid;
                        }
                    }
                    if (committing is { } last)
                    {
                        committing = null;
                        invalid += (await last.ConfigureAwait(false)).Invalid;
                    }
                }
                finally
                {
                    // A failed read or commit leaves a commit in flight: it is let finish (or fail) before the projection stops.
                    if (committing is not null)
                    {
                        await committing.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
                    }
                }
                built = projection.Current;
                await projection.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            Seal(building);
        }
        catch
        {
            SqliteFiles.Delete(building);
            throw;
        }

        string? backup = null;
        if (File.Exists(live.DatabasePath))
        {
            backup = live.DatabasePath + BackupSuffix;
            SqliteFiles.Delete(backup);
            // The WAL of a store that was not closed cleanly holds committed pages; it moves with its file.
            foreach (var companion in SqliteFiles.Companions)
            {
                if (File.Exists(live.DatabasePath + companion))
                {
                    File.Move(live.DatabasePath + companion, backup + companion);
                }
            }
            File.Move(live.DatabasePath, backup);
        }
        File.Move(building, live.DatabasePath);
        logger.LogInformation("Analytics: rebuilt {Path} from {Events} events: {Incidents} incidents at log position {Position}",
            live.DatabasePath, events, built.Incidents.Count, built.Position);
        return new RebuildResult(built.Position, built.Incidents.Count, events, invalid, backup);
    }

    /// <summary>
    /// Checkpoints the new file into a single self-contained file (rollback-journal mode, no WAL beside it), synced to
    /// disk, so the rename that swaps it in moves everything it holds. The store switches back to WAL when it opens.
    /// </summary>
    private static void Seal(string path)
    {
        using var connection = SqliteFiles.Open(path, SqliteOpenMode.ReadWrite);
        SqliteStatements.Execute(connection, "PRAGMA synchronous = FULL;");
        SqliteStatements.Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        SqliteStatements.Execute(connection, "PRAGMA journal_mode = DELETE;");
    }
}
