using System.Globalization;
using Governance.EventStore;
using Microsoft.Data.Sqlite;
using static Governance.EventStore.SqliteStatements;

namespace Governance.Analytics.Storage;

/// <summary>Where a <see cref="SqliteAnalyticsStore"/> keeps its file and its lock.</summary>
public sealed class SqliteAnalyticsStoreOptions
{
    public const string DatabaseFileName = "analytics.db";
    public const string LockFileName = "analytics.lock";

    /// <summary>The SQLite file.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>
    /// The lock file held (opened with FileShare.None) while the store is open, so an offline rebuild refuses to run
    /// under a live host and a second host refuses to share the store; null for a store whose caller already holds
    /// the lock of its folder (the rebuild's new file).
    /// </summary>
    public string? LockPath { get; init; }

    /// <summary>
    /// synchronous=FULL when true: a commit is on disk when CommitAsync returns, so the SUCCESS the projection then
    /// answers holds even through a power cut. False (NORMAL) for a file being rebuilt, which is thrown away if
    /// anything goes wrong and synced once at the end.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>The store of the data folder: analytics.db, locked by analytics.lock beside it.</summary>
    public static SqliteAnalyticsStoreOptions InDirectory(string directory) => new()
    {
        DatabasePath = Path.Combine(Path.GetFullPath(directory), DatabaseFileName),
        LockPath = Path.Combine(Path.GetFullPath(directory), LockFileName),
    };
}

/// <summary>
/// The analytics store as an SQLite file of its own (WAL): one row per incident with the protobuf bytes of its latest
/// facts, and the applied log position, written together in one transaction per commit. It is a projection: it can
/// always be rebuilt from the incident log from position 0 (see <see cref="AnalyticsRebuild"/>), which is also the way
/// out of a file of another schema version. One connection, used by the projection's writer one call at a time.
/// </summary>
/// <remarks>
/// The file is held by one process, so it has no other writer whose commits a projection must read: the change
/// sequence lives in memory (the commits since this open, numbered 1, 2, 3 ...) and <see cref="ReadChangesAsync"/>
/// answers without touching the file. Keeping a sequence column in the file would cost a schema version, and with it
/// a rebuild of every store, for nothing a single process can use.
/// </remarks>
public sealed class SqliteAnalyticsStore(SqliteAnalyticsStoreOptions options) : IAnalyticsStore
{
    /// <summary>The schema this code writes; a file of another version is refused, to be rebuilt.</summary>
    public const int SchemaVersion = 1;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL) STRICT;
        CREATE TABLE IF NOT EXISTS incidents (
            incident_id TEXT    NOT NULL PRIMARY KEY,
            version     INTEGER NOT NULL,
            position    INTEGER NOT NULL,
            facts       BLOB    NOT NULL
        ) STRICT;
        CREATE TABLE IF NOT EXISTS meta (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL) STRICT;
        INSERT OR IGNORE INTO meta (id, position) VALUES (1, 0);
        """;

    // The WHERE keeps the store itself monotonic per incident, whatever a caller hands it.
    private const string Upsert = """
        INSERT INTO incidents (incident_id, version, position, facts) VALUES ($id, $version, $position, $facts)
        ON CONFLICT (incident_id) DO UPDATE SET version = excluded.version, position = excluded.position, facts = excluded.facts
        WHERE excluded.version > incidents.version;
        """;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SqliteAnalyticsStoreOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private FileStream? _lock;
    private SqliteConnection? _connection;
    private SqliteCommand? _upsert;
    private SqliteCommand? _movePosition;
    private bool _disposed;
    private long _sequence;
    private long _position;

    public string DatabasePath => _options.DatabasePath;

    public string Description => $"SQLite {DatabasePath}";

    public async Task<StoredAnalytics> OpenAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is not null)
            {
                throw new InvalidOperationException($"The analytics store {DatabasePath} is already open.");
            }
            var directory = Path.GetDirectoryName(DatabasePath);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
            _lock = _options.LockPath is { } lockPath ? AcquireLock(lockPath, "open the analytics store") : null;
            try
            {
                _connection = SqliteFiles.Open(DatabasePath, SqliteOpenMode.ReadWriteCreate);
                Prepare(_connection, _options.Durable);
                _upsert = Command(_connection, Upsert, "$id", "$version", "$position", "$facts");
                _movePosition = Command(_connection, "UPDATE meta SET position = max(position, $position) WHERE id = 1;", "$position");
                var stored = Read(_connection);
                Volatile.Write(ref _sequence, 0);
                Volatile.Write(ref _position, stored.Position);
                return stored;
            }
            catch
            {
                CloseUnlocked();
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<StoredCommit> CommitAsync(IReadOnlyList<StoredIncident> incidents, long position, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var connection = _connection ?? throw new InvalidOperationException($"The analytics store {DatabasePath} is not open; call OpenAsync first.");
            using var transaction = connection.BeginTransaction(deferred: false);
            var upsert = _upsert!;
            upsert.Transaction = transaction;
            // Refused: no row changed, the stored version being as high. The same incident twice in one call is judged
            // as the store ends up: written if either copy was.
            HashSet<string>? refused = null;
            HashSet<string>? written = null;
            foreach (var incident in incidents)
            {
                upsert.Parameters[0].Value = incident.IncidentId;
                upsert.Parameters[1].Value = incident.Version;
                upsert.Parameters[2].Value = incident.Position;
                upsert.Parameters[3].Value = StoreRows.AsArray(incident.Facts);
                if (upsert.ExecuteNonQuery() > 0)
                {
                    (written ??= new HashSet<string>(StringComparer.Ordinal)).Add(incident.IncidentId);
                    refused?.Remove(incident.IncidentId);
                }
                else if (written is null || !written.Contains(incident.IncidentId))
                {
                    (refused ??= new HashSet<string>(StringComparer.Ordinal)).Add(incident.IncidentId);
                }
            }
            _movePosition!.Transaction = transaction;
            _movePosition.Parameters[0].Value = position;
            _movePosition.ExecuteNonQuery();
            transaction.Commit();
            Volatile.Write(ref _position, Math.Max(_position, position));
            var sequence = Interlocked.Increment(ref _sequence);
            return new StoredCommit(sequence, (IReadOnlySet<string>?)refused ?? StoreRows.NoneRefused);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Nobody else can write the file while it is open, so there is never anything here the caller did not commit
    /// itself: the answer is the sequence and position of this instance's own commits.
    /// </summary>
    public Task<StoredChanges> ReadChangesAsync(long afterSequence, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Task.FromResult(StoredChanges.Nothing(Volatile.Read(ref _sequence), Volatile.Read(ref _position)));
    }

    /// <summary>
    /// Reads a store file without opening it for writing or taking its lock: to compare a rebuilt store with the live
    /// one, or two stores with each other.
    /// </summary>
    public static StoredAnalytics ReadFile(string databasePath)
    {
        if (!File.Exists(databasePath))
        {
            throw new FileNotFoundException($"There is no analytics store at {databasePath}.", databasePath);
        }
        using var connection = SqliteFiles.Open(databasePath, SqliteOpenMode.ReadOnly);
        CheckSchema(connection, databasePath);
        return Read(connection);
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            CloseUnlocked();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Takes the lock file for this process alone. FileShare.None is an exclusive flock on Linux and a share-mode lock
    /// on Windows, so another process (or another opener in this one) gets an IOException until it is closed; a
    /// process that dies releases it with its handles.
    /// </summary>
    internal static FileStream AcquireLock(string lockPath, string purpose)
    {
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"Cannot {purpose}: {lockPath} is held by another process or host that has the analytics store open. " +
                "Stop it first (an offline rebuild must not run under a live host).", e);
        }
    }

    private void CloseUnlocked()
    {
        _upsert?.Dispose();
        _movePosition?.Dispose();
        _connection?.Dispose();
        _lock?.Dispose();
        _upsert = null;
        _movePosition = null;
        _connection = null;
        _lock = null;
    }

    private void Prepare(SqliteConnection connection, bool durable)
    {
        CheckSchema(connection, DatabasePath);
        SqliteFiles.UseWal(connection, $"The analytics store {DatabasePath}");
        // FULL for the live store: the projection answers SUCCESS only after a commit, and the broker never delivers
        // an event it was told SUCCESS for again, so a commit lost to a power cut would be an incident missing from
        // the rates until someone rebuilt the store. Group commit makes the fsync one per batch, not per event.
        // NORMAL is acceptable only for a file that can be rebuilt anyway and is not yet acknowledging anything: the
        // rebuild's new file (a crash there throws the file away and the rebuild starts again from position 0).
        Execute(connection, durable ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
        Execute(connection, "BEGIN IMMEDIATE;");
        Execute(connection, Schema);
        Execute(connection, $"INSERT OR IGNORE INTO schema_version (id, version) VALUES (1, {SchemaVersion.ToString(CultureInfo.InvariantCulture)});");
        Execute(connection, "COMMIT;");
    }

    private static void CheckSchema(SqliteConnection connection, string path)
    {
        var hasVersionTable = Convert.ToInt64(
            Scalar(connection, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version';"), CultureInfo.InvariantCulture) > 0;
        if (hasVersionTable)
        {
            var version = Scalar(connection, "SELECT version FROM schema_version WHERE id = 1;");
            if (version is long v && v != SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"The analytics store {path} has schema version {v}; this build reads version {SchemaVersion}. " +
                    "It is a projection: rebuild it from the incident log with the host stopped.");
            }
            return;
        }
        var tables = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_schema;"), CultureInfo.InvariantCulture);
        if (tables > 0)
        {
            throw new InvalidOperationException(
                $"{path} is an SQLite file but not an analytics store (it has no schema_version table); point Analytics:DataDirectory elsewhere.");
        }
    }

    private static StoredAnalytics Read(SqliteConnection connection)
    {
        var hasMeta = Convert.ToInt64(
            Scalar(connection, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta';"), CultureInfo.InvariantCulture) > 0;
        if (!hasMeta)
        {
            return StoredAnalytics.Empty;
        }
        var position = Convert.ToInt64(Scalar(connection, "SELECT position FROM meta WHERE id = 1;") ?? 0L, CultureInfo.InvariantCulture);
        var incidents = new List<StoredIncident>();
        using var command = Command(connection, "SELECT incident_id, version, position, facts FROM incidents ORDER BY rowid;");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            incidents.Add(new StoredIncident(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3)));
        }
        return new StoredAnalytics(position, incidents);
    }

}
