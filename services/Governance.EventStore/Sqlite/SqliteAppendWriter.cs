using Microsoft.Data.Sqlite;

namespace Governance.EventStore;

/// <summary>
/// Owns the single write connection. Commits a batch of appends in one transaction and one sync
/// (group commit); each append is judged on its own, so a conflicting append fails alone.
/// Used only from the writer thread.
/// </summary>
internal sealed class SqliteAppendWriter : IDisposable
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintUnique = 2067;

    // Bounded so a long-running process that touches millions of streams keeps a small footprint;
    // dropping the lot is cheap because a miss costs one index lookup.
    private const int MaxCachedStreams = 16_384;

    private readonly SqliteConnection _connection;
    private readonly bool _cacheVersions;
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private long _seenDataVersion = long.MinValue;

    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _dataVersion;
    private readonly SqliteCommand _head;
    private readonly SqliteCommand _savepoint;
    private readonly SqliteCommand _releaseSavepoint;
    private readonly SqliteCommand _rollbackToSavepoint;

    private readonly SqliteCommand _streamVersion;
    private readonly SqliteParameter _streamVersionStream;

    private readonly SqliteCommand _insert;
    private readonly SqliteParameter _position;
    private readonly SqliteParameter _streamId;
    private readonly SqliteParameter _version;
    private readonly SqliteParameter _category;
    private readonly SqliteParameter _eventId;
    private readonly SqliteParameter _type;
    private readonly SqliteParameter _data;
    private readonly SqliteParameter _metadata;
    private readonly SqliteParameter _recordedAt;

    private SqliteAppendWriter(SqliteConnection connection, bool cacheVersions)
    {
        _connection = connection;
        _cacheVersions = cacheVersions;

        _begin = SqliteSchema.Prepare(connection, "BEGIN IMMEDIATE;");
        _commit = SqliteSchema.Prepare(connection, "COMMIT;");
        _dataVersion = SqliteSchema.Prepare(connection, "PRAGMA data_version;");
        _head = SqliteSchema.Prepare(connection, "SELECT coalesce(max(position), 0) FROM events;");
        _savepoint = SqliteSchema.Prepare(connection, "SAVEPOINT append_one;");
        _releaseSavepoint = SqliteSchema.Prepare(connection, "RELEASE append_one;");
        _rollbackToSavepoint = SqliteSchema.Prepare(connection, "ROLLBACK TO append_one;");

        _streamVersion = connection.CreateCommand();
        _streamVersion.CommandText = "SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $stream_id;";
        _streamVersionStream = _streamVersion.Parameters.Add("$stream_id", SqliteType.Text);
        _streamVersion.Prepare();

        _insert = connection.CreateCommand();
        _insert.CommandText = """
            INSERT INTO events (position, stream_id, version, category, event_id, type, data, metadata, recorded_at)
            VALUES ($position, $stream_id, $version, $category, $event_id, $type, $data, $metadata, $recorded_at);
            """;
        _position = _insert.Parameters.Add("$position", SqliteType.Integer);
        _streamId = _insert.Parameters.Add("$stream_id", SqliteType.Text);
        _version = _insert.Parameters.Add("$version", SqliteType.Integer);
        _category = _insert.Parameters.Add("$category", SqliteType.Text);
        _eventId = _insert.Parameters.Add("$event_id", SqliteType.Blob);
        _type = _insert.Parameters.Add("$type", SqliteType.Text);
        _data = _insert.Parameters.Add("$data", SqliteType.Blob);
        _metadata = _insert.Parameters.Add("$metadata", SqliteType.Blob);
        _recordedAt = _insert.Parameters.Add("$recorded_at", SqliteType.Integer);
        _insert.Prepare();
    }

    public static SqliteAppendWriter Open(string connectionString, SqliteEventStoreOptions options)
    {
        var connection = SqliteSchema.OpenConnection(connectionString, options.BusyTimeout);
        try
        {
            SqliteSchema.ConfigureWriter(connection, options.Durable);
            SqliteSchema.Migrate(connection);
            return new SqliteAppendWriter(connection, options.CacheStreamVersions);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public long ReadHeadPosition() => (long)_head.ExecuteScalar()!;

    /// <summary>
    /// Writes the batch in one transaction and returns the new head position. Per-append outcomes
    /// (result or rejection) are left on each <see cref="PendingAppend"/> for the caller to publish
    /// after this returns. If this throws, nothing of the batch was committed.
    /// </summary>
    public long WriteBatch(List<PendingAppend> batch, long recordedAtMicros)
    {
        // BEGIN IMMEDIATE takes the file's write lock up front, so another process's writer waits
        // for us (and we for it) instead of both reading a version and racing to write it.
        _begin.ExecuteNonQuery();
        try
        {
            ForgetVersionsIfOthersWrote();
            var head = ReadHeadPosition();
            foreach (var append in batch)
            {
                head = WriteOne(append, head, recordedAtMicros);
            }

            _commit.ExecuteNonQuery();
            return head;
        }
        catch
        {
            _versions.Clear();
            SqliteSchema.TryRollback(_connection);
            throw;
        }
    }

    private long WriteOne(PendingAppend append, long head, long recordedAtMicros)
    {
        var current = CurrentVersion(append.StreamId);
        if (append.ExpectedVersion != ExpectedVersion.Any && append.ExpectedVersion != current)
        {
            append.Rejection = new WrongExpectedVersionException(append.StreamId, append.ExpectedVersion, current);
            return head;
        }

        var events = append.Events;
        // A failed single-row insert leaves nothing behind (SQLite aborts just that statement), so
        // only multi-event appends pay for a savepoint to be undone as a whole.
        var guarded = events.Length > 1;
        if (guarded)
        {
            _savepoint.ExecuteNonQuery();
        }

        var index = 0;
        try
        {
            _streamId.Value = append.StreamId;
            _category.Value = append.Category;
            _recordedAt.Value = recordedAtMicros;
            for (; index < events.Length; index++)
            {
                var e = events[index];
                _position.Value = head + 1 + index;
                _version.Value = current + 1 + index;
                _eventId.Value = SqliteSchema.EventIdBytes(e.EventId);
                _type.Value = e.Type;
                _data.Value = e.Data;
                _metadata.Value = e.Metadata;
                _insert.ExecuteNonQuery();
            }

            if (guarded)
            {
                _releaseSavepoint.ExecuteNonQuery();
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint && ex.SqliteExtendedErrorCode == SqliteConstraintUnique)
        {
            if (guarded)
            {
                _rollbackToSavepoint.ExecuteNonQuery();
                _releaseSavepoint.ExecuteNonQuery();
            }

            _versions.Remove(append.StreamId);
            if (ex.Message.Contains("events.event_id", StringComparison.Ordinal))
            {
                append.Rejection = new DuplicateEventIdException(append.StreamId, events[index].EventId);
            }
            else if (ex.Message.Contains("events.version", StringComparison.Ordinal))
            {
                // Only reachable if the version we checked was stale; the unique key is the last line of defence.
                append.Rejection = new WrongExpectedVersionException(append.StreamId, append.ExpectedVersion, QueryVersion(append.StreamId));
            }
            else
            {
                throw;
            }

            return head;
        }

        var next = current + events.Length;
        if (_cacheVersions)
        {
            if (_versions.Count >= MaxCachedStreams)
            {
                _versions.Clear();
            }

            _versions[append.StreamId] = next;
        }

        append.Result = new AppendResult(next, head + 1, head + events.Length);
        return head + events.Length;
    }

    private long CurrentVersion(string streamId)
        => _cacheVersions && _versions.TryGetValue(streamId, out var cached) ? cached : QueryVersion(streamId);

    private long QueryVersion(string streamId)
    {
        _streamVersionStream.Value = streamId;
        return (long)_streamVersion.ExecuteScalar()!;
    }

    /// <summary>
    /// PRAGMA data_version changes only when another connection (another process, or another store
    /// instance) committed to the file, so the cache is trusted exactly while nobody else writes.
    /// </summary>
    private void ForgetVersionsIfOthersWrote()
    {
        if (!_cacheVersions)
        {
            return;
        }

        var dataVersion = (long)_dataVersion.ExecuteScalar()!;
        if (dataVersion != _seenDataVersion)
        {
            _versions.Clear();
            _seenDataVersion = dataVersion;
        }
    }

    public void Dispose()
    {
        _insert.Dispose();
        _streamVersion.Dispose();
        _begin.Dispose();
        _commit.Dispose();
        _dataVersion.Dispose();
        _head.Dispose();
        _savepoint.Dispose();
        _releaseSavepoint.Dispose();
        _rollbackToSavepoint.Dispose();
        _connection.Dispose();
    }
}
