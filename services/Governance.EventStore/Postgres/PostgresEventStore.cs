using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace Governance.EventStore;

/// <summary>Settings of <see cref="PostgresEventStore"/>.</summary>
public sealed class PostgresEventStoreOptions
{
    /// <summary>An Npgsql connection string (Host, Port, Database, Username, Password ...).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// How often a waiter looks at the head by itself. Appends of other replicas wake it through LISTEN/NOTIFY at once;
    /// the poll is the fallback for notifications missed while the listening connection was being re-opened.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether to LISTEN for other replicas' appends (off only to test the poll alone).</summary>
    public bool Listen { get; set; } = true;
}

/// <summary>
/// The event store on PostgreSQL. Group commit: one writer per instance takes every append waiting at that moment
/// (up to 512) into one transaction, one COPY and one sync. Each commit NOTIFYs the channel <see cref="NotifyChannel"/>
/// with the new head, and every instance LISTENs on a connection of its own, so a waiter in one replica wakes as soon
/// as another replica's append is visible.
/// </summary>
/// <remarks>
/// The global position has no gaps a reader can see. Every append first locks the one row of <c>log_head</c>
/// (<c>FOR UPDATE</c>), takes the positions after it, inserts, moves the head and commits. PostgreSQL makes a commit
/// visible before it releases the transaction's locks, so the next append can take its positions only once every
/// lower position is visible: a reader paging by position never meets an event committed later below one it has
/// already read. Under that lock the writer also reads the versions of the batch's streams and which of its event
/// ids are stored, so each append is judged (wrong version, duplicate id) before anything is written, and a refused
/// append never costs the others of its batch their transaction.
/// </remarks>
public sealed class PostgresEventStore : IEventStore
{
    // Any constant: the migration lock that makes two replicas starting at once create the schema once.
    private const long MigrationLockKey = 0x476F76_4C6F67; // "GovLog"
    private const int SchemaVersion = 1;

    private const string Migration = """
        CREATE TABLE IF NOT EXISTS schema_version (id int PRIMARY KEY CHECK (id = 1), version int NOT NULL);
        CREATE TABLE IF NOT EXISTS events (
            position    bigint      PRIMARY KEY,
            stream_id   text        NOT NULL,
            version     bigint      NOT NULL CHECK (version >= 1),
            category    text        NOT NULL,
            event_id    uuid        NOT NULL,
            type        text        NOT NULL,
            data        bytea       NOT NULL,
            metadata    bytea       NOT NULL,
            recorded_at timestamptz NOT NULL,
            CONSTRAINT events_stream_version UNIQUE (stream_id, version),
            CONSTRAINT events_event_id UNIQUE (event_id)
        );
        CREATE INDEX IF NOT EXISTS events_category_position ON events (category, position);
        CREATE TABLE IF NOT EXISTS log_head (id int PRIMARY KEY CHECK (id = 1), position bigint NOT NULL);
        INSERT INTO log_head (id, position) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
        """;

    /// <summary>The LISTEN/NOTIFY channel every commit notifies with its new head position.</summary>
    public const string NotifyChannel = "governance_log";

    private const string Columns = "position, stream_id, version, event_id, type, data, metadata, recorded_at";

    private readonly PostgresEventStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly NpgsqlDataSource _dataSource;
    private const int MaxAppendsPerTransaction = 512;

    private readonly Lock _gate = new();
    private readonly Channel<PostgresAppend> _queue = Channel.CreateUnbounded<PostgresAppend>(new UnboundedChannelOptions { SingleReader = true });
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _writer;
    private Task? _listener;
    private readonly CancellationTokenSource _stopListening = new();
    private bool _disposed;
    private bool _initialized;

    public PostgresEventStore(PostgresEventStoreOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString);
        _options = new PostgresEventStoreOptions { ConnectionString = options.ConnectionString, PollInterval = options.PollInterval, Listen = options.Listen };
        _time = time ?? TimeProvider.System;
        _dataSource = NpgsqlDataSource.Create(_options.ConnectionString);
    }

    public async Task InitializeAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLockKey});", ct).ConfigureAwait(false);
        await ExecuteAsync(connection, Migration, ct).ConfigureAwait(false);
        await using (var version = new NpgsqlCommand("SELECT version FROM schema_version WHERE id = 1;", connection))
        {
            if (await version.ExecuteScalarAsync(ct).ConfigureAwait(false) is int stored && stored > SchemaVersion)
            {
                throw new InvalidOperationException($"The event store's schema is version {stored}; this build knows up to {SchemaVersion}. Run a newer build.");
            }
        }
        await ExecuteAsync(connection, $"INSERT INTO schema_version (id, version) VALUES (1, {SchemaVersion}) ON CONFLICT (id) DO UPDATE SET version = excluded.version;", ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_initialized)
            {
                _initialized = true;
                _writer = Task.Run(WriteAsync, CancellationToken.None);
                if (_options.Listen)
                {
                    _listener = Task.Run(() => ListenAsync(_stopListening.Token), CancellationToken.None);
                }
            }
        }
    }

    public async Task<AppendResult> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedVersion, ExpectedVersion.Any);
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }
        var ids = new HashSet<Guid>();
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            if (e.EventId == Guid.Empty)
            {
                throw new ArgumentException("An event needs a non-empty EventId.", nameof(events));
            }
            ArgumentException.ThrowIfNullOrEmpty(e.Type, nameof(events));
            if (!ids.Add(e.EventId))
            {
                throw new DuplicateEventIdException(streamId, e.EventId);
            }
        }
        ct.ThrowIfCancellationRequested();
        var pending = new PostgresAppend(streamId, StreamName.Category(streamId), expectedVersion, events);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfNotReady();
            // Once queued it is made or refused whole: cancelling then would leave the caller guessing.
            _queue.Writer.TryWrite(pending);
        }
        return await pending.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>The writer: every append queued at that moment goes into one transaction, until the store is disposed.</summary>
    private async Task WriteAsync()
    {
        var batch = new List<PostgresAppend>(MaxAppendsPerTransaction);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxAppendsPerTransaction && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
            try
            {
                await CommitAsync(batch).ConfigureAwait(false);
                Signal();
            }
            catch (Exception e)
            {
                // Nothing of the batch is stored (the transaction rolled back): each caller learns it and may retry.
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(new InvalidOperationException($"The append to '{pending.StreamId}' was not stored: {e.Message}", e));
                }
            }
        }
    }

    private async Task CommitAsync(List<PostgresAppend> batch)
    {
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        long head;
        await using (var lockHead = new NpgsqlCommand("SELECT position FROM log_head WHERE id = 1 FOR UPDATE;", connection, transaction))
        {
            head = (long)(await lockHead.ExecuteScalarAsync().ConfigureAwait(false))!;
        }
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var current = new NpgsqlCommand("SELECT stream_id, max(version) FROM events WHERE stream_id = ANY($1) GROUP BY stream_id;", connection, transaction))
        {
            current.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. batch.Select(p => p.StreamId).Distinct(StringComparer.Ordinal)] });
            await using var reader = await current.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                versions[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        var ids = new HashSet<Guid>();
        await using (var stored = new NpgsqlCommand("SELECT event_id FROM events WHERE event_id = ANY($1);", connection, transaction))
        {
            stored.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. batch.SelectMany(p => p.Events.Select(e => e.EventId))] });
            await using var reader = await stored.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                ids.Add(reader.GetGuid(0));
            }
        }

        // Judged in queue order, as if one after the other; the positions follow the same order.
        var accepted = new List<(PostgresAppend Append, AppendResult Result)>(batch.Count);
        var refused = new List<(PostgresAppend Append, Exception Reason)>();
        var position = head;
        foreach (var pending in batch)
        {
            var version = versions.GetValueOrDefault(pending.StreamId);
            if (pending.ExpectedVersion != ExpectedVersion.Any && pending.ExpectedVersion != version)
            {
                refused.Add((pending, new WrongExpectedVersionException(pending.StreamId, pending.ExpectedVersion, version)));
                continue;
            }
            if (pending.Events.FirstOrDefault(e => ids.Contains(e.EventId)) is { } duplicate)
            {
                refused.Add((pending, new DuplicateEventIdException(pending.StreamId, duplicate.EventId)));
                continue;
            }
            foreach (var e in pending.Events)
            {
                ids.Add(e.EventId);
            }
            var count = pending.Events.Count;
            versions[pending.StreamId] = version + count;
            accepted.Add((pending, new AppendResult(version + count, position + 1, position + count)));
            position += count;
        }

        if (accepted.Count > 0)
        {
            var recordedAt = Microseconds(_time.GetUtcNow());
            var copy = await connection.BeginBinaryImportAsync(
                "COPY events (position, stream_id, version, event_id, type, data, metadata, recorded_at, category) FROM STDIN (FORMAT BINARY)").ConfigureAwait(false);
            await using (copy.ConfigureAwait(false))
            {
                foreach (var (pending, result) in accepted)
                {
                    var firstVersion = result.NextExpectedVersion - pending.Events.Count + 1;
                    for (var i = 0; i < pending.Events.Count; i++)
                    {
                        var e = pending.Events[i];
                        await copy.StartRowAsync().ConfigureAwait(false);
                        await copy.WriteAsync(result.FirstPosition + i, NpgsqlDbType.Bigint).ConfigureAwait(false);
                        await copy.WriteAsync(pending.StreamId, NpgsqlDbType.Text).ConfigureAwait(false);
                        await copy.WriteAsync(firstVersion + i, NpgsqlDbType.Bigint).ConfigureAwait(false);
                        await copy.WriteAsync(e.EventId, NpgsqlDbType.Uuid).ConfigureAwait(false);
                        await copy.WriteAsync(e.Type, NpgsqlDbType.Text).ConfigureAwait(false);
                        await copy.WriteAsync(e.Data, NpgsqlDbType.Bytea).ConfigureAwait(false);
                        await copy.WriteAsync(e.Metadata, NpgsqlDbType.Bytea).ConfigureAwait(false);
                        await copy.WriteAsync(recordedAt, NpgsqlDbType.TimestampTz).ConfigureAwait(false);
                        await copy.WriteAsync(pending.Category, NpgsqlDbType.Text).ConfigureAwait(false);
                    }
                }
                await copy.CompleteAsync().ConfigureAwait(false);
            }
            // The notification is sent at commit, after the events are visible, and only if the transaction commits.
            await using var move = new NpgsqlCommand(
                $"WITH moved AS (UPDATE log_head SET position = $1 WHERE id = 1 RETURNING position) SELECT pg_notify('{NotifyChannel}', position::text) FROM moved;",
                connection, transaction);
            move.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
            await move.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        await transaction.CommitAsync().ConfigureAwait(false);
        foreach (var (pending, reason) in refused)
        {
            pending.Completion.TrySetException(reason);
        }
        foreach (var (pending, result) in accepted)
        {
            pending.Completion.TrySetResult(result);
        }
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, int maxCount = int.MaxValue, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentOutOfRangeException.ThrowIfLessThan(fromVersion, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        return await ReadAsync($"SELECT {Columns} FROM events WHERE stream_id = $1 AND version >= $2 ORDER BY version LIMIT $3;", ct,
            new NpgsqlParameter<string> { TypedValue = streamId }, new NpgsqlParameter<long> { TypedValue = fromVersion },
            new NpgsqlParameter<long> { TypedValue = maxCount }).ConfigureAwait(false);
    }

    public async Task<long> GetStreamVersionAsync(string streamId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ThrowIfNotReady();
        await using var command = _dataSource.CreateCommand("SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1;");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int maxCount, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        return await ReadAsync($"SELECT {Columns} FROM events WHERE position > $1 ORDER BY position LIMIT $2;", ct,
            new NpgsqlParameter<long> { TypedValue = afterPosition }, new NpgsqlParameter<long> { TypedValue = maxCount }).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadCategoryAsync(string category, long afterPosition, int maxCount, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(category);
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        return await ReadAsync($"SELECT {Columns} FROM events WHERE category = $1 AND position > $2 ORDER BY position LIMIT $3;", ct,
            new NpgsqlParameter<string> { TypedValue = category }, new NpgsqlParameter<long> { TypedValue = afterPosition },
            new NpgsqlParameter<long> { TypedValue = maxCount }).ConfigureAwait(false);
    }

    public async Task<long> GetHeadPositionAsync(CancellationToken ct = default)
    {
        ThrowIfNotReady();
        await using var command = _dataSource.CreateCommand("SELECT position FROM log_head WHERE id = 1;");
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    public async Task WaitForEventsAfterAsync(long position, CancellationToken ct)
    {
        while (true)
        {
            Task appended;
            lock (_gate)
            {
                appended = _appended.Task;
            }
            if (await GetHeadPositionAsync(ct).ConfigureAwait(false) > position)
            {
                return;
            }
            // Appends through this instance wake it at once, another replica's through its notification.
            await Task.WhenAny(appended, Task.Delay(_options.PollInterval, ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task? writer;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            // Appends already queued are written, so their callers learn the real outcome; later ones are refused.
            _queue.Writer.TryComplete();
            writer = _writer;
        }
        if (writer is not null)
        {
            await writer.ConfigureAwait(false);
        }
        await _stopListening.CancelAsync().ConfigureAwait(false);
        if (_listener is not null)
        {
            await _listener.ConfigureAwait(false);
        }
        _stopListening.Dispose();
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<RecordedEvent>> ReadAsync(string sql, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        ThrowIfNotReady();
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.AddRange(parameters);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var events = new List<RecordedEvent>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            events.Add(new RecordedEvent(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetInt64(2),
                reader.GetGuid(3),
                reader.GetString(4),
                reader.GetFieldValue<byte[]>(5),
                reader.GetFieldValue<byte[]>(6),
                reader.GetFieldValue<DateTimeOffset>(7)));
        }
        return events;
    }

    /// <summary>
    /// Holds a connection of its own in LISTEN and wakes the waiters on every notification. A broken connection is
    /// opened again after a second; meanwhile the waiters' poll covers what was missed.
    /// </summary>
    private async Task ListenAsync(CancellationToken stopping)
    {
        // Not from the pool: a LISTEN belongs to its session, and this one lives as long as the store.
        var connectionString = new NpgsqlConnectionStringBuilder(_options.ConnectionString) { Pooling = false, KeepAlive = 10 }.ConnectionString;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, _) => Signal();
                await connection.OpenAsync(stopping).ConfigureAwait(false);
                await ExecuteAsync(connection, $"LISTEN {NotifyChannel};", stopping).ConfigureAwait(false);
                // Appends made while no connection listened are not notified: wake the waiters to look for themselves.
                Signal();
                while (true)
                {
                    await connection.WaitAsync(stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.IO.IOException or TimeoutException or InvalidOperationException)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Signal()
    {
        TaskCompletionSource appended;
        lock (_gate)
        {
            appended = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        appended.TrySetResult();
    }

    private void ThrowIfNotReady()
    {
        if (!_initialized)
        {
            throw new InvalidOperationException("The event store is not initialised; call InitializeAsync first.");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>PostgreSQL keeps microseconds; the recorded time is cut there, so what is read equals what was written.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % 10), TimeSpan.Zero);
}

/// <summary>One append waiting for the writer.</summary>
internal sealed class PostgresAppend(string streamId, string category, long expectedVersion, IReadOnlyList<EventData> events)
{
    public string StreamId { get; } = streamId;

    public string Category { get; } = category;

    public long ExpectedVersion { get; } = expectedVersion;

    public IReadOnlyList<EventData> Events { get; } = events;

    public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
