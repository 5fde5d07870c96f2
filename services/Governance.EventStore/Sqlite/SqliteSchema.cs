using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Governance.EventStore;

internal static class SqliteSchema
{
    /// <summary>Bumped with every migration; stored in PRAGMA user_version.</summary>
    public const int CurrentVersion = 1;

    // Positions are the rowid: assigned by the single writer as max + 1 inside a write lock, so
    // commit order and position order agree and a tailing reader never sees a gap fill in later.
    // Events are never deleted, so a position is never reused.
    // Timestamps are microseconds since the Unix epoch (UTC), the precision PostgreSQL keeps too.
    private const string CreateV1 = """
        CREATE TABLE IF NOT EXISTS events (
            position    INTEGER PRIMARY KEY,
            stream_id   TEXT    NOT NULL,
            version     INTEGER NOT NULL CHECK (version >= 1),
            category    TEXT    NOT NULL,
            event_id    BLOB    NOT NULL,
            type        TEXT    NOT NULL,
            data        BLOB    NOT NULL,
            metadata    BLOB    NOT NULL,
            recorded_at INTEGER NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX IF NOT EXISTS events_stream_version ON events (stream_id, version);
        CREATE UNIQUE INDEX IF NOT EXISTS events_event_id ON events (event_id);
        CREATE INDEX IF NOT EXISTS events_category_position ON events (category, position);
        """;

    public static string ConnectionString(SqliteEventStoreOptions options) => new SqliteConnectionStringBuilder
    {
        DataSource = options.DataSource,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        // The store keeps its own long-lived connections (each with prepared statements), so the
        // provider's pool would only hold file handles open after disposal.
        Pooling = false,
        DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
    }.ToString();

    public static SqliteConnection OpenConnection(string connectionString, TimeSpan busyTimeout)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            // SQLite's own busy handler retries in small steps; the provider's retry loop alone sleeps much longer.
            SqliteStatements.Execute(connection, $"PRAGMA busy_timeout = {((long)busyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)};");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public static void ConfigureWriter(SqliteConnection connection, bool durable)
    {
        var mode = SqliteStatements.Scalar(connection, "PRAGMA journal_mode = WAL;") as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"The database could not be switched to WAL mode (journal_mode is '{mode}').");
        }

        // In WAL mode FULL syncs the log on every commit (durable across power loss); NORMAL syncs
        // only at checkpoints (durable across a process crash, not a power cut).
        SqliteStatements.Execute(connection, durable ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;");
        // Without a limit the log file stays at its high-water mark after a checkpoint.
        SqliteStatements.Execute(connection, "PRAGMA journal_size_limit = 67108864;");
        UseMemoryMap(connection);
    }

    public static void ConfigureReader(SqliteConnection connection)
    {
        SqliteStatements.Execute(connection, "PRAGMA query_only = ON;");
        UseMemoryMap(connection);
    }

    // Reads through a memory map cost no system call per page, which matters on virtual machines where every
    // syscall is expensive; the writer reads index pages this way too. Writes still go through the WAL, so
    // durability is unchanged. (A larger page cache was measured too and was slower: SQLite walks the whole
    // cache when it resets it, so 64 MiB cost 6% of the host's CPU under load.)
    private static void UseMemoryMap(SqliteConnection connection) => SqliteStatements.Execute(connection, "PRAGMA mmap_size = 268435456;");

    /// <summary>Creates or migrates the schema under a write lock, so concurrent initialisers (other processes) are safe.</summary>
    public static void Migrate(SqliteConnection connection)
    {
        SqliteStatements.Execute(connection, "BEGIN IMMEDIATE;");
        try
        {
            var version = Convert.ToInt32(SqliteStatements.Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
            if (version > CurrentVersion)
            {
                throw new InvalidOperationException(
                    $"The event store file has schema version {version}, newer than this code knows ({CurrentVersion}). Upgrade the application.");
            }

            if (version < 1)
            {
                SqliteStatements.Execute(connection, CreateV1);
            }

            if (version != CurrentVersion)
            {
                SqliteStatements.Execute(connection, $"PRAGMA user_version = {CurrentVersion.ToString(CultureInfo.InvariantCulture)};");
            }

            SqliteStatements.Execute(connection, "COMMIT;");
        }
        catch
        {
            TryRollback(connection);
            throw;
        }
    }

    public static void TryRollback(SqliteConnection connection)
    {
        try
        {
            SqliteStatements.Execute(connection, "ROLLBACK;");
        }
        catch (SqliteException)
        {
            // SQLite already rolled back on its own (some I/O and disk-full errors do that); nothing left to undo.
        }
    }

    public static SqliteCommand Prepare(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Prepare();
        return command;
    }

    /// <summary>
    /// Event ids are stored in RFC 4122 (big-endian) byte order, as PostgreSQL's uuid is: then
    /// time-ordered ids (Guid.CreateVersion7) sort by time and land at the right edge of the
    /// unique index instead of dirtying a random page per event.
    /// </summary>
    public static byte[] EventIdBytes(Guid id)
    {
        var bytes = new byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return bytes;
    }

    public static long ToUnixMicroseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    public static DateTimeOffset FromUnixMicroseconds(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);
}
