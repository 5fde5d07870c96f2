using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Governance.EventStore;

/// <summary>
/// A read-only connection with its statements prepared once. WAL lets any number of these read
/// while the writer commits; each SELECT sees one consistent snapshot.
/// </summary>
internal sealed class ReadSession : IDisposable
{
    private const string Columns = "position, stream_id, version, event_id, type, data, metadata, recorded_at";

    private readonly SqliteConnection _connection;

    private readonly SqliteCommand _stream;
    private readonly SqliteParameter _streamId;
    private readonly SqliteParameter _streamFrom;
    private readonly SqliteParameter _streamLimit;

    private readonly SqliteCommand _all;
    private readonly SqliteParameter _allAfter;
    private readonly SqliteParameter _allLimit;

    private readonly SqliteCommand _category;
    private readonly SqliteParameter _categoryName;
    private readonly SqliteParameter _categoryAfter;
    private readonly SqliteParameter _categoryLimit;

    private readonly SqliteCommand _version;
    private readonly SqliteParameter _versionStreamId;

    private readonly SqliteCommand _head;

    private readonly byte[] _eventIdBuffer = new byte[16];

    private ReadSession(SqliteConnection connection)
    {
        _connection = connection;

        _stream = connection.CreateCommand();
        _stream.CommandText = $"SELECT {Columns} FROM events WHERE stream_id = $stream_id AND version >= $from ORDER BY version LIMIT $limit;";
        _streamId = _stream.Parameters.Add("$stream_id", SqliteType.Text);
        _streamFrom = _stream.Parameters.Add("$from", SqliteType.Integer);
        _streamLimit = _stream.Parameters.Add("$limit", SqliteType.Integer);
        _stream.Prepare();

        _all = connection.CreateCommand();
        _all.CommandText = $"SELECT {Columns} FROM events WHERE position > $after ORDER BY position LIMIT $limit;";
        _allAfter = _all.Parameters.Add("$after", SqliteType.Integer);
        _allLimit = _all.Parameters.Add("$limit", SqliteType.Integer);
        _all.Prepare();

        _category = connection.CreateCommand();
        _category.CommandText = $"SELECT {Columns} FROM events WHERE category = $category AND position > $after ORDER BY position LIMIT $limit;";
        _categoryName = _category.Parameters.Add("$category", SqliteType.Text);
        _categoryAfter = _category.Parameters.Add("$after", SqliteType.Integer);
        _categoryLimit = _category.Parameters.Add("$limit", SqliteType.Integer);
        _category.Prepare();

        _version = connection.CreateCommand();
        _version.CommandText = "SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $stream_id;";
        _versionStreamId = _version.Parameters.Add("$stream_id", SqliteType.Text);
        _version.Prepare();

        _head = SqliteSchema.Prepare(connection, "SELECT coalesce(max(position), 0) FROM events;");
    }

    public static ReadSession Open(string connectionString, TimeSpan busyTimeout)
    {
        var connection = SqliteSchema.OpenConnection(connectionString, busyTimeout);
        try
        {
            SqliteSchema.ConfigureReader(connection);
            return new ReadSession(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public List<RecordedEvent> ReadStream(string streamId, long fromVersion, int maxCount)
    {
        _streamId.Value = streamId;
        _streamFrom.Value = fromVersion;
        _streamLimit.Value = maxCount;
        return Materialize(_stream, streamId, maxCount);
    }

    public List<RecordedEvent> ReadAll(long afterPosition, int maxCount)
    {
        _allAfter.Value = afterPosition;
        _allLimit.Value = maxCount;
        return Materialize(_all, knownStreamId: null, maxCount);
    }

    public List<RecordedEvent> ReadCategory(string category, long afterPosition, int maxCount)
    {
        _categoryName.Value = category;
        _categoryAfter.Value = afterPosition;
        _categoryLimit.Value = maxCount;
        return Materialize(_category, knownStreamId: null, maxCount);
    }

    public long StreamVersion(string streamId)
    {
        _versionStreamId.Value = streamId;
        return (long)_version.ExecuteScalar()!;
    }

    public long HeadPosition() => (long)_head.ExecuteScalar()!;

    private List<RecordedEvent> Materialize(SqliteCommand command, string? knownStreamId, int maxCount)
    {
        var events = new List<RecordedEvent>(Math.Min(maxCount, 256));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            events.Add(new RecordedEvent(
                Position: reader.GetInt64(0),
                // A stream read already holds the id; reusing it spares a string per row.
                StreamId: knownStreamId ?? reader.GetString(1),
                Version: reader.GetInt64(2),
                EventId: ReadEventId(reader, 3),
                Type: reader.GetString(4),
                Data: ReadBlob(reader, 5),
                Metadata: ReadBlob(reader, 6),
                RecordedAt: SqliteSchema.FromUnixMicroseconds(reader.GetInt64(7))));
        }

        return events;
    }

    private Guid ReadEventId(SqliteDataReader reader, int ordinal)
    {
        var length = reader.GetBytes(ordinal, 0, _eventIdBuffer, 0, _eventIdBuffer.Length);
        if (length != _eventIdBuffer.Length)
        {
            throw new InvalidDataException($"An event id in the store is {length} bytes long, not 16.");
        }

        return new Guid(_eventIdBuffer, bigEndian: true);
    }

    private static ReadOnlyMemory<byte> ReadBlob(SqliteDataReader reader, int ordinal)
    {
        var bytes = reader.GetFieldValue<byte[]>(ordinal);
        return bytes.Length == 0 ? ReadOnlyMemory<byte>.Empty : bytes;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _all.Dispose();
        _category.Dispose();
        _version.Dispose();
        _head.Dispose();
        _connection.Dispose();
    }
}

/// <summary>
/// A fixed number of <see cref="ReadSession"/>s, opened on first need. Callers beyond that number
/// wait asynchronously, which also bounds how many threads block inside SQLite at once.
/// </summary>
internal sealed class ReadConnectionPool : IDisposable
{
    private readonly string _connectionString;
    private readonly TimeSpan _busyTimeout;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<ReadSession> _idle = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    public ReadConnectionPool(string connectionString, int size, TimeSpan busyTimeout)
    {
        _connectionString = connectionString;
        _busyTimeout = busyTimeout;
        _slots = new SemaphoreSlim(size, size);
    }

    public async ValueTask<T> RunAsync<T, TState>(TState state, Func<ReadSession, TState, T> read, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        ReadSession? session = null;
        try
        {
            if (!_idle.TryTake(out session))
            {
                session = ReadSession.Open(_connectionString, _busyTimeout);
            }

            var result = read(session, state);
            Return(session);
            session = null;
            return result;
        }
        finally
        {
            // A session that threw is not trusted to be in a clean state.
            session?.Dispose();
            _slots.Release();
        }
    }

    private void Return(ReadSession session)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _idle.Add(session);
                return;
            }
        }

        session.Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        while (_idle.TryTake(out var session))
        {
            session.Dispose();
        }
    }
}
