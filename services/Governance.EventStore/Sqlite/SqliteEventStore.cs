using System.Threading.Channels;

namespace Governance.EventStore;

/// <summary>
/// The embedded event store: one SQLite file in WAL mode. Appends from all callers go through one
/// writer thread that commits whatever is waiting in a single transaction (group commit), so many
/// concurrent appenders share each sync. Reads run on a pool of read connections, concurrently with
/// the writer. Several instances (or processes) may use the same file: writes are serialised by
/// SQLite's write lock and the (stream_id, version) key.
/// </summary>
public sealed class SqliteEventStore : IEventStore
{
    private readonly SqliteEventStoreOptions _options;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly Channel<PendingAppend> _queue;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly TaskCompletionSource _writerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SqliteAppendWriter? _writer;
    private ReadConnectionPool? _readers;
    private Thread? _writerThread;
    private volatile bool _initialized;
    private volatile bool _disposed;

    private Exception? _writerFault;
    private TaskCompletionSource _headAdvanced = NewSignal();
    private long _knownHead;

    private long _transactionsCommitted;
    private long _appendsCommitted;
    private long _eventsCommitted;
    private long _appendsRejected;

    public SqliteEventStore(SqliteEventStoreOptions options)
        : this(options, TimeProvider.System)
    {
    }

    public SqliteEventStore(SqliteEventStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        // A private copy: later changes to the caller's object must not reach a running store.
        _options = new SqliteEventStoreOptions
        {
            DataSource = options.DataSource,
            Durable = options.Durable,
            MaxBatchSize = options.MaxBatchSize,
            ReadConnections = options.ReadConnections,
            PollInterval = options.PollInterval,
            BusyTimeout = options.BusyTimeout,
            CacheStreamVersions = options.CacheStreamVersions,
        };
        _connectionString = SqliteSchema.ConnectionString(_options);
        _time = timeProvider;
        _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions
        {
            SingleReader = true,
            SingleWriter = false,
            // The only continuation is the idle writer thread's wake-up; running it inline on the
            // appender saves a thread-pool hop, which is slow exactly when the pool is busiest.
            AllowSynchronousContinuations = true,
        });
    }

    /// <summary>Transactions the writer of this instance has committed (each is one sync).</summary>
    public long TransactionsCommitted => Interlocked.Read(ref _transactionsCommitted);

    /// <summary>Appends of this instance that committed.</summary>
    public long AppendsCommitted => Interlocked.Read(ref _appendsCommitted);

    /// <summary>Events of this instance that committed.</summary>
    public long EventsCommitted => Interlocked.Read(ref _eventsCommitted);

    /// <summary>Appends of this instance rejected for a version conflict or a duplicate event id.</summary>
    public long AppendsRejected => Interlocked.Read(ref _appendsRejected);

    public async Task InitializeAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_initialized)
        {
            return;
        }

        await _lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_initialized)
            {
                return;
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(_options.DataSource));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            _writer = SqliteAppendWriter.Open(_connectionString, _options);
            _knownHead = _writer.ReadHeadPosition();
            _readers = new ReadConnectionPool(_connectionString, _options.ReadConnections, _options.BusyTimeout);
            // A dedicated thread: the writer blocks in SQLite (and in fsync) by design, and should
            // neither occupy a thread-pool thread nor wait behind pool work on a small machine.
            _writerThread = new Thread(RunWriter)
            {
                IsBackground = true,
                Name = "Governance.EventStore writer",
            };
            _writerThread.Start();
            _initialized = true;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public Task<AppendResult> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedVersion, ExpectedVersion.Any);
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }

        ThrowIfNotReady();
        if (ct.IsCancellationRequested)
        {
            return Task.FromCanceled<AppendResult>(ct);
        }

        var prepared = new PreparedEvent[events.Count];
        for (var i = 0; i < prepared.Length; i++)
        {
            prepared[i] = PreparedEvent.From(events[i]);
        }

        var pending = new PendingAppend(streamId, StreamName.Category(streamId), expectedVersion, prepared);
        pending.RegisterCancellation(ct);
        if (!_queue.Writer.TryWrite(pending))
        {
            pending.TryTake();
            var fault = Volatile.Read(ref _writerFault);
            throw fault is null
                ? new ObjectDisposedException(nameof(SqliteEventStore))
                : new InvalidOperationException("The event store's writer has stopped; see the inner exception.", fault);
        }

        return pending.Task;
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, int maxCount = int.MaxValue, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var readers = Readers();
        if (maxCount == 0)
        {
            return [];
        }

        return await readers.RunAsync(
            (streamId, Math.Max(fromVersion, 1), maxCount),
            static (session, s) => session.ReadStream(s.streamId, s.Item2, s.maxCount),
            ct).ConfigureAwait(false);
    }

    public async Task<long> GetStreamVersionAsync(string streamId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        return await Readers().RunAsync(streamId, static (session, id) => session.StreamVersion(id), ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int maxCount, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var readers = Readers();
        if (maxCount == 0)
        {
            return [];
        }

        return await readers.RunAsync(
            (after: Math.Max(afterPosition, 0), maxCount),
            static (session, s) => session.ReadAll(s.after, s.maxCount),
            ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadCategoryAsync(string category, long afterPosition, int maxCount, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(category);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var readers = Readers();
        if (maxCount == 0)
        {
            return [];
        }

        return await readers.RunAsync(
            (category, after: Math.Max(afterPosition, 0), maxCount),
            static (session, s) => session.ReadCategory(s.category, s.after, s.maxCount),
            ct).ConfigureAwait(false);
    }

    public async Task<long> GetHeadPositionAsync(CancellationToken ct = default)
    {
        var head = await Readers().RunAsync(0, static (session, _) => session.HeadPosition(), ct).ConfigureAwait(false);
        NoteHead(head);
        return head;
    }

    public async Task WaitForEventsAfterAsync(long position, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            ThrowIfNotReady();
            // Take the signal before looking at the head, so a commit in between is not missed.
            var advanced = Volatile.Read(ref _headAdvanced).Task;
            if (Volatile.Read(ref _knownHead) > position)
            {
                return;
            }

            // The file, not just this instance, decides: other processes may have appended.
            if (await GetHeadPositionAsync(ct).ConfigureAwait(false) > position)
            {
                return;
            }

            // Polling is about noticing other processes on the real clock, so it does not use the TimeProvider.
            using var pollCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var poll = Task.Delay(_options.PollInterval, pollCancel.Token);
            await Task.WhenAny(advanced, poll).ConfigureAwait(false);
            await pollCancel.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops taking appends, commits every append already queued, then closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _queue.Writer.TryComplete();
            if (_writerThread is not null)
            {
                await _writerStopped.Task.ConfigureAwait(false);
            }

            _readers?.Dispose();
            _writer?.Dispose();
            // Wake waiters so they observe the disposal instead of polling a closed store.
            Interlocked.Exchange(ref _headAdvanced, NewSignal()).TrySetResult();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private void RunWriter()
    {
        var writer = _writer!;
        var reader = _queue.Reader;
        var batch = new List<PendingAppend>(Math.Min(_options.MaxBatchSize, 1024));
        try
        {
            while (WaitForWork(reader))
            {
                // Everything that queued up while the previous batch was syncing goes into this one.
                while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var pending))
                {
                    if (pending.TryTake())
                    {
                        batch.Add(pending);
                    }
                }

                if (batch.Count > 0)
                {
                    CommitBatch(writer, batch);
                    batch.Clear();
                }
            }
        }
        catch (Exception ex)
        {
            // Not expected (CommitBatch reports its own failures). Refuse further appends and fail
            // everyone waiting, rather than leave them hanging on a writer that is gone.
            Volatile.Write(ref _writerFault, ex);
            _queue.Writer.TryComplete(ex);
            foreach (var pending in batch)
            {
                pending.Fail(ex);
            }

            while (reader.TryRead(out var pending))
            {
                pending.Fail(ex);
            }
        }
        finally
        {
            _writerStopped.TrySetResult();
        }
    }

    private static bool WaitForWork(ChannelReader<PendingAppend> reader)
    {
        var wait = reader.WaitToReadAsync();
        // Blocking is fine here: this is the writer's own thread, and appenders signal the channel from theirs.
        return wait.IsCompleted ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    private void CommitBatch(SqliteAppendWriter writer, List<PendingAppend> batch)
    {
        long head;
        try
        {
            head = writer.WriteBatch(batch, SqliteSchema.ToUnixMicroseconds(_time.GetUtcNow()));
        }
        catch (Exception ex)
        {
            // Nothing of the batch is committed, so every append in it fails with the cause.
            foreach (var pending in batch)
            {
                pending.Fail(ex);
            }

            return;
        }

        long appends = 0, events = 0, rejected = 0;
        foreach (var pending in batch)
        {
            if (pending.Rejection is null)
            {
                appends++;
                events += pending.Events.Length;
            }
            else
            {
                rejected++;
            }
        }

        Interlocked.Increment(ref _transactionsCommitted);
        Interlocked.Add(ref _appendsCommitted, appends);
        Interlocked.Add(ref _eventsCommitted, events);
        Interlocked.Add(ref _appendsRejected, rejected);

        NoteHead(head);
        foreach (var pending in batch)
        {
            pending.Complete();
        }
    }

    /// <summary>Raises the known head (never lowers it) and wakes waiters when it moved.</summary>
    private void NoteHead(long head)
    {
        var known = Volatile.Read(ref _knownHead);
        while (head > known)
        {
            var seen = Interlocked.CompareExchange(ref _knownHead, head, known);
            if (seen == known)
            {
                Interlocked.Exchange(ref _headAdvanced, NewSignal()).TrySetResult();
                return;
            }

            known = seen;
        }
    }

    private ReadConnectionPool Readers()
    {
        ThrowIfNotReady();
        return _readers!;
    }

    private void ThrowIfNotReady()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_initialized)
        {
            throw new InvalidOperationException("Call InitializeAsync before using the event store.");
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
