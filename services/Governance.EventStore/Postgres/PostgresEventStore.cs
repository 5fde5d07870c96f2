using Npgsql;
using NpgsqlTypes;

namespace Governance.EventStore;

/// <summary>Settings of <see cref="PostgresEventStore"/>.</summary>
public sealed class PostgresEventStoreOptions
{
    /// <summary>An Npgsql connection string (Host, Port, Database, Username, Password ...).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>How often a waiter looks for appends made by other replicas.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>
/// The event store on PostgreSQL. UNFINISHED (issue 5): one transaction per append, no group commit yet, no
/// LISTEN/NOTIFY wake-up (waiters poll), and not wired into the services' configuration.
/// </summary>
/// <remarks>
/// The global position has no gaps a reader can see. Every append first locks the one row of <c>log_head</c>
/// (<c>FOR UPDATE</c>), takes the positions after it, inserts, moves the head and commits. PostgreSQL makes a commit
/// visible before it releases the transaction's locks, so the next append can take its positions only once every
/// lower position is visible: a reader paging by position never meets an event committed later below one it has
/// already read.
/// </remarks>
public sealed class PostgresEventStore : IEventStore
{
    // Any constant: the migration lock that makes two replicas starting at once create the schema once.
    private const long MigrationLockKey = 0x476F76_4C6F67; // "GovLog"
    private const int SchemaVersion = 1;
    private const string UniqueViolation = "23505";

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

    private const string Columns = "position, stream_id, version, event_id, type, data, metadata, recorded_at";

    private readonly PostgresEventStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly NpgsqlDataSource _dataSource;
    private readonly Lock _gate = new();
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _drained;
    private int _inFlight;
    private bool _disposed;
    private bool _initialized;

    public PostgresEventStore(PostgresEventStoreOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString);
        _options = new PostgresEventStoreOptions { ConnectionString = options.ConnectionString, PollInterval = options.PollInterval };
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
        _initialized = true;
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
        Enter();
        try
        {
            // From here the append is made or refused whole: cancelling half-way would leave the caller guessing.
            var result = await AppendOnceAsync(streamId, StreamName.Category(streamId), expectedVersion, events).ConfigureAwait(false);
            Signal();
            return result;
        }
        finally
        {
            Leave();
        }
    }

    private async Task<AppendResult> AppendOnceAsync(string streamId, string category, long expectedVersion, IReadOnlyList<EventData> events)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);
        long head;
        await using (var lockHead = new NpgsqlCommand("SELECT position FROM log_head WHERE id = 1 FOR UPDATE;", connection, transaction))
        {
            head = (long)(await lockHead.ExecuteScalarAsync().ConfigureAwait(false))!;
        }
        long version;
        await using (var current = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1;", connection, transaction))
        {
            current.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
            version = (long)(await current.ExecuteScalarAsync().ConfigureAwait(false))!;
        }
        if (expectedVersion != ExpectedVersion.Any && expectedVersion != version)
        {
            throw new WrongExpectedVersionException(streamId, expectedVersion, version);
        }
        var recordedAt = Microseconds(_time.GetUtcNow());
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                var insert = new NpgsqlBatchCommand($"INSERT INTO events ({Columns}, category) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);");
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = head + 1 + i });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
                insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version + 1 + i });
                insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = e.EventId });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.Type });
                insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = e.Data.ToArray(), NpgsqlDbType = NpgsqlDbType.Bytea });
                insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = e.Metadata.ToArray(), NpgsqlDbType = NpgsqlDbType.Bytea });
                insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = recordedAt });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = category });
                batch.BatchCommands.Add(insert);
            }
            var move = new NpgsqlBatchCommand("UPDATE log_head SET position = $1 WHERE id = 1;");
            move.Parameters.Add(new NpgsqlParameter<long> { TypedValue = head + events.Count });
            batch.BatchCommands.Add(move);
            try
            {
                await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == UniqueViolation && e.ConstraintName == "events_event_id")
            {
                throw new DuplicateEventIdException(streamId, await StoredDuplicateAsync(events).ConfigureAwait(false));
            }
        }
        await transaction.CommitAsync().ConfigureAwait(false);
        return new AppendResult(version + events.Count, head + 1, head + events.Count);
    }

    /// <summary>Which of the events is already stored (asked after the failed transaction, on a new connection).</summary>
    private async Task<Guid> StoredDuplicateAsync(IReadOnlyList<EventData> events)
    {
        await using var command = _dataSource.CreateCommand("SELECT event_id FROM events WHERE event_id = ANY($1) LIMIT 1;");
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. events.Select(e => e.EventId)] });
        return await command.ExecuteScalarAsync().ConfigureAwait(false) is Guid id ? id : events[0].EventId;
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
            // Appends through this instance wake it at once; another replica's within a poll interval.
            await Task.WhenAny(appended, Task.Delay(_options.PollInterval, ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task drained;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inFlight == 0)
            {
                _drained.TrySetResult();
            }
            drained = _drained.Task;
        }
        // Appends already taken up are let finish, so their callers learn the real outcome.
        await drained.ConfigureAwait(false);
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

    private void Enter()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfNotReady();
            _inFlight++;
        }
    }

    private void Leave()
    {
        lock (_gate)
        {
            if (--_inFlight == 0 && _drained is { } drained)
            {
                drained.TrySetResult();
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
