using Microsoft.Data.Sqlite;
using Governance.EventStore;
using static Governance.EventStore.SqliteStatements;

namespace Governance.Incidents.Publishing;

/// <summary>How far each relay has published, one row per relay name; read when a relay takes its lease, written after each page.</summary>
public interface IRelayCheckpoint : IAsyncDisposable
{
    /// <summary>Where it is kept, for logs and health.</summary>
    string Description { get; }

    /// <summary>Why it was started afresh when it was opened, if it was.</summary>
    string? ResetReason { get; }

    Task OpenAsync(CancellationToken cancellationToken);

    /// <summary>The position the relay has published up to; 0 when it never published.</summary>
    Task<long> GetAsync(string relayName, CancellationToken cancellationToken);

    /// <summary>Records that everything up to <paramref name="position"/> was accepted by the broker.</summary>
    Task SetAsync(string relayName, long position, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>
/// The relay checkpoint of the embedded store, in its own SQLite file beside the event store
/// (data/relay.db). Its own file so it never waits for the event store's write lock. Losing it costs only a
/// republish from an earlier position, which consumers absorb (they keep the highest incident version), so an
/// unreadable file is started afresh rather than stopping the relay.
/// </summary>
public sealed class RelayCheckpoint(string path) : IRelayCheckpoint
{
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS relay_checkpoints (
            name       TEXT    PRIMARY KEY,
            position   INTEGER NOT NULL CHECK (position >= 0),
            updated_at INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        """;

    private readonly SqliteSerialConnection _connection = new($"the relay checkpoint {System.IO.Path.GetFullPath(path)}");

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string Description => Path;

    /// <summary>Why the file was started afresh when it was opened, if it was.</summary>
    public string? ResetReason { get; private set; }

    public Task OpenAsync(CancellationToken cancellationToken) => _connection.OpenAsync(() =>
    {
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }
        try
        {
            return OpenFile();
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
        {
            SqliteFiles.Delete(Path);
            var connection = OpenFile();
            ResetReason = $"the file was unreadable ({e.Message})";
            return connection;
        }
    }, cancellationToken);

    private SqliteConnection OpenFile()
    {
        var connection = SqliteFiles.Open(Path);
        try
        {
            SqliteFiles.UseWal(connection, $"The relay checkpoint {Path}");
            // NORMAL, not FULL: a power cut may take the checkpoint back a few pages, and the relay then publishes those
            // pages again. Consumers are idempotent by incident version, so that costs a little traffic and no number;
            // an fsync per page would cost the disk the event store commits to on every publish.
            Execute(connection, "PRAGMA synchronous = NORMAL;");
            Execute(connection, Schema);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The position the relay has published up to; 0 when it never published.</summary>
    public Task<long> GetAsync(string relayName, CancellationToken cancellationToken) => _connection.RunAsync(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT position FROM relay_checkpoints WHERE name = $name;";
        command.Parameters.AddWithValue("$name", relayName);
        return command.ExecuteScalar() is long position ? position : 0L;
    }, cancellationToken);

    /// <summary>Records that everything up to <paramref name="position"/> was accepted by the broker.</summary>
    public Task SetAsync(string relayName, long position, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        return _connection.RunAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO relay_checkpoints (name, position, updated_at) VALUES ($name, $position, $at)
                ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at;
                """;
            command.Parameters.AddWithValue("$name", relayName);
            command.Parameters.AddWithValue("$position", position);
            command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
