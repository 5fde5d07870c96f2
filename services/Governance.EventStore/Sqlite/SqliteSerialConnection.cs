using Microsoft.Data.Sqlite;

namespace Governance.EventStore;

/// <summary>
/// The one long-lived connection of a small SQLite file a service keeps beside the event store (the deadline index,
/// the relay checkpoint), used by one statement at a time: a SQLite connection is not safe for concurrent use, and
/// these files see a few statements a second. Opening, every use and disposal take turns.
/// </summary>
/// <param name="description">What the file is, for the error of a use before opening ("the relay checkpoint x.db").</param>
public sealed class SqliteSerialConnection(string description) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;
    private bool _disposed;

    /// <summary>Opens the connection with <paramref name="open"/>, unless it is open already.</summary>
    /// <param name="open">Opens (and migrates, or starts afresh) the file; runs alone.</param>
    /// <param name="cancellationToken">Stops waiting for a statement in progress.</param>
    public async Task OpenAsync(Func<SqliteConnection> open, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(open);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _connection ??= open();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> on the open connection, alone.</summary>
    public async Task<T> RunAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var connection = _connection ?? throw new InvalidOperationException($"{char.ToUpperInvariant(description[0])}{description[1..]} is not open; call OpenAsync first.");
            return work(connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the connection once the statement in progress, if any, is done.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            _connection?.Dispose();
            _connection = null;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>
/// A small SQLite file a service keeps beside the event store (the deadline index, the relay checkpoint, the analytics
/// store): opening its one connection, switching it to WAL, and deleting it with the companions SQLite keeps beside it.
/// </summary>
public static class SqliteFiles
{
    /// <summary>
    /// An open connection of its own to <paramref name="path"/>, not pooled (a pool would keep the file open after
    /// disposal and stand in the way of a rebuild or a file swap), waiting up to 30 s for another process's lock.
    /// </summary>
    public static SqliteConnection Open(string path, SqliteOpenMode mode = SqliteOpenMode.ReadWriteCreate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            SqliteStatements.Execute(connection, "PRAGMA busy_timeout = 30000;");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Switches the file to WAL, or says that <paramref name="description"/> could not be.</summary>
    /// <param name="connection">An open connection to the file.</param>
    /// <param name="description">The file for the error, e.g. "The relay checkpoint /data/relay.db".</param>
    public static void UseWal(SqliteConnection connection, string description)
    {
        if (SqliteStatements.Scalar(connection, "PRAGMA journal_mode = WAL;") is not string mode || !mode.Equals("wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{description} could not be switched to WAL mode.");
        }
    }

    /// <summary>The files SQLite may keep beside a database file: its WAL, shared-memory index and rollback journal.</summary>
    public static readonly IReadOnlyList<string> Companions = ["-wal", "-shm", "-journal"];

    /// <summary>Deletes a database file and its companions; missing ones are no error.</summary>
    public static void Delete(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        File.Delete(path);
        foreach (var suffix in Companions)
        {
            File.Delete(path + suffix);
        }
    }
}
