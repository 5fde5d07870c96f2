using Microsoft.Data.Sqlite;
using Xunit;

namespace Governance.EventStore.Tests;

public sealed class SqliteEventStoreTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private static EventData NewEvent(string type = "SomethingHappened") => new(Guid.NewGuid(), type, Guid.NewGuid().ToByteArray(), new byte[] { 7 });

    [Fact]
    public async Task A_reopened_file_has_every_event_and_appends_continue_from_it()
    {
        var written = new List<RecordedEvent>();
        await using (var store = _database.OpenStore())
        {
            await store.InitializeAsync();
            await store.AppendAsync("grid-1", ExpectedVersion.NoStream, [NewEvent(), NewEvent()]);
            await store.AppendAsync("incident-1", ExpectedVersion.NoStream, [NewEvent()]);
            await store.AppendAsync("grid-1", 2, [NewEvent()]);
            written.AddRange(await store.ReadAllAsync(0, 100));
        }

        await using var reopened = _database.OpenStore();
        await reopened.InitializeAsync();

        var read = await reopened.ReadAllAsync(0, 100);
        Assert.Equal(
            written.Select(e => (e.Position, e.StreamId, e.Version, e.EventId, e.Type, e.RecordedAt, Convert.ToHexString(e.Data.Span), Convert.ToHexString(e.Metadata.Span))),
            read.Select(e => (e.Position, e.StreamId, e.Version, e.EventId, e.Type, e.RecordedAt, Convert.ToHexString(e.Data.Span), Convert.ToHexString(e.Metadata.Span))));
        Assert.Equal(3, await reopened.GetStreamVersionAsync("grid-1"));
        Assert.Equal(4, await reopened.GetHeadPositionAsync());

        await Assert.ThrowsAsync<WrongExpectedVersionException>(() => reopened.AppendAsync("grid-1", 2, [NewEvent()]));
        var next = await reopened.AppendAsync("grid-1", 3, [NewEvent()]);
        Assert.Equal(4, next.NextExpectedVersion);
        Assert.Equal(5, next.FirstPosition);
    }

    [Fact]
    public async Task Recorded_time_comes_from_the_time_provider_in_utc()
    {
        var now = new DateTimeOffset(2025, 3, 14, 9, 26, 53, 589, 793, TimeSpan.FromHours(8));
        await using var store = _database.OpenStore(time: new FixedTime(now));
        await store.InitializeAsync();

        await store.AppendAsync("grid-1", ExpectedVersion.Any, [NewEvent()]);

        var e = Assert.Single(await store.ReadAllAsync(0, 10));
        Assert.Equal(now, e.RecordedAt);
        Assert.Equal(TimeSpan.Zero, e.RecordedAt.Offset);
    }

    [Fact]
    public async Task Concurrent_appends_share_transactions()
    {
        await using var store = _database.OpenStore();
        await store.InitializeAsync();

        var appends = Enumerable.Range(0, 64)
            .Select(i => store.AppendAsync($"incident-{i}", ExpectedVersion.NoStream, [NewEvent()]))
            .ToArray();
        await Task.WhenAll(appends);

        Assert.Equal(64, store.AppendsCommitted);
        Assert.True(store.TransactionsCommitted < 64, $"64 appends took {store.TransactionsCommitted} transactions");
    }

    [Fact]
    public async Task In_one_batch_a_conflicting_append_fails_alone_and_the_others_commit()
    {
        await using var store = _database.OpenStore();
        await store.InitializeAsync();
        await store.AppendAsync("grid-existing", ExpectedVersion.NoStream, [NewEvent()]);
        var before = store.TransactionsCommitted;

        Task<AppendResult>[] batch;
        Task<AppendResult> warmUp;
        await using (var blocker = await WriteLockAsync())
        {
            // The writer takes this one and then waits for the lock; everything after it queues up.
            warmUp = store.AppendAsync("grid-warm", ExpectedVersion.NoStream, [NewEvent()]);
            await Task.Delay(200);
            batch =
            [
                store.AppendAsync("grid-a", ExpectedVersion.NoStream, [NewEvent()]),
                store.AppendAsync("grid-a", ExpectedVersion.NoStream, [NewEvent()]),   // loses to the one above
                store.AppendAsync("grid-a", 1, [NewEvent(), NewEvent()]),              // sees the version written earlier in the batch
                store.AppendAsync("grid-existing", 5, [NewEvent()]),                   // too high
                store.AppendAsync("grid-existing", 1, [NewEvent()]),
                store.AppendAsync("grid-b", ExpectedVersion.Any, [NewEvent()]),
            ];
            Assert.DoesNotContain(batch, t => t.IsCompleted);
        }

        await warmUp.WaitAsync(Patience);
        await Task.WhenAll(batch.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(Patience);

        Assert.Equal(1, (await batch[0]).NextExpectedVersion);
        Assert.Equal(1, (await Assert.ThrowsAsync<WrongExpectedVersionException>(() => batch[1])).ActualVersion);
        Assert.Equal(3, (await batch[2]).NextExpectedVersion);
        Assert.Equal(1, (await Assert.ThrowsAsync<WrongExpectedVersionException>(() => batch[3])).ActualVersion);
        Assert.Equal(2, (await batch[4]).NextExpectedVersion);
        Assert.Equal(1, (await batch[5]).NextExpectedVersion);
        Assert.InRange(store.TransactionsCommitted - before, 1, 2);
        Assert.Equal(3, await store.GetStreamVersionAsync("grid-a"));
        Assert.Equal(2, store.AppendsRejected);
    }

    [Fact]
    public async Task When_the_transaction_fails_every_append_in_it_fails_with_the_cause_and_nothing_is_written()
    {
        await using var store = _database.OpenStore();
        await store.InitializeAsync();
        await ExecuteAsync("""
            CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.type = 'Poison'
            BEGIN SELECT RAISE(ABORT, 'simulated storage failure'); END;
            """);

        Task<AppendResult>[] batch;
        Task<AppendResult> warmUp;
        await using (var blocker = await WriteLockAsync())
        {
            warmUp = store.AppendAsync("grid-warm", ExpectedVersion.NoStream, [NewEvent()]);
            await Task.Delay(200);
            batch =
            [
                store.AppendAsync("grid-a", ExpectedVersion.NoStream, [NewEvent()]),
                store.AppendAsync("grid-b", ExpectedVersion.NoStream, [NewEvent(), NewEvent()]),
                store.AppendAsync("grid-c", ExpectedVersion.NoStream, [NewEvent("Poison")]),
                store.AppendAsync("grid-d", ExpectedVersion.Any, [NewEvent()]),
            ];
        }

        await Task.WhenAll(batch.Append(warmUp).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(Patience);

        var causes = batch.Select(t => Assert.IsType<SqliteException>(t.Exception?.InnerException)).ToArray();
        Assert.All(causes, c => Assert.Same(causes[0], c));
        Assert.Contains("simulated storage failure", causes[0].Message, StringComparison.Ordinal);
        foreach (var stream in new[] { "grid-a", "grid-b", "grid-c", "grid-d" })
        {
            Assert.Equal(0, await store.GetStreamVersionAsync(stream));
        }

        // The writer carries on after a failed transaction.
        await ExecuteAsync("DROP TRIGGER poison;");
        Assert.Equal(1, (await store.AppendAsync("grid-a", ExpectedVersion.NoStream, [NewEvent()])).NextExpectedVersion);
        Assert.Equal(1, (await store.AppendAsync("grid-c", ExpectedVersion.NoStream, [NewEvent("Poison")])).NextExpectedVersion);
    }

    [Fact]
    public async Task An_append_cancelled_while_queued_is_not_written()
    {
        await using var store = _database.OpenStore();
        await store.InitializeAsync();
        using var cts = new CancellationTokenSource();

        Task<AppendResult> cancelled;
        Task<AppendResult> alsoCancelled;
        await using (var blocker = await WriteLockAsync())
        {
            _ = store.AppendAsync("grid-warm", ExpectedVersion.NoStream, [NewEvent()]);
            await Task.Delay(200);
            cancelled = store.AppendAsync("grid-a", ExpectedVersion.NoStream, [NewEvent()], cts.Token);
            alsoCancelled = store.AppendAsync("grid-b", ExpectedVersion.NoStream, [NewEvent()], cts.Token);
            await cts.CancelAsync();
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Patience));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => alsoCancelled.WaitAsync(Patience));
        Assert.Equal(0, await store.GetStreamVersionAsync("grid-a"));
        Assert.Equal(0, await store.GetStreamVersionAsync("grid-b"));
    }

    [Fact]
    public async Task A_stale_version_cache_cannot_write_a_duplicate_version()
    {
        await using var mine = _database.OpenStore(cacheVersions: true);
        await using var other = _database.OpenStore(cacheVersions: false);
        await mine.InitializeAsync();
        await other.InitializeAsync();

        // Interleave so that "mine" has a cached version every time "other" moves the stream on.
        var expected = 0L;
        for (var round = 0; round < 20; round++)
        {
            var writer = round % 3 == 0 ? other : mine;
            expected = (await writer.AppendAsync("incident-1", expected, [NewEvent()])).NextExpectedVersion;
            var ex = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => mine.AppendAsync("incident-1", expected - 1, [NewEvent()]));
            Assert.Equal(expected, ex.ActualVersion);
        }

        Assert.Equal(Enumerable.Range(1, 20).Select(v => (long)v), (await mine.ReadStreamAsync("incident-1")).Select(e => e.Version));
    }

    [Fact]
    public async Task A_second_store_on_the_same_file_interleaving_appends_never_duplicates_and_reports_conflicts()
    {
        await using var a = _database.OpenStore();
        await using var b = _database.OpenStore();
        await a.InitializeAsync();
        await b.InitializeAsync();
        var conflicts = 0;

        // Both sides append blindly from their own last known version; the loser must learn the truth.
        async Task AppendManyAsync(SqliteEventStore store)
        {
            var version = 0L;
            for (var appended = 0; appended < 100;)
            {
                try
                {
                    version = (await store.AppendAsync("incident-contended", version, [NewEvent()])).NextExpectedVersion;
                    appended++;
                }
                catch (WrongExpectedVersionException ex)
                {
                    Interlocked.Increment(ref conflicts);
                    Assert.True(ex.ActualVersion > version);
                    version = ex.ActualVersion;
                }
            }
        }

        await Task.WhenAll(Task.Run(() => AppendManyAsync(a)), Task.Run(() => AppendManyAsync(b)));

        var stream = await a.ReadStreamAsync("incident-contended");
        Assert.Equal(Enumerable.Range(1, 200).Select(v => (long)v), stream.Select(e => e.Version));
        Assert.Equal(200, stream.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(200, a.AppendsCommitted + b.AppendsCommitted);
        Assert.Equal(conflicts, a.AppendsRejected + b.AppendsRejected);
    }

    [Fact]
    public async Task Category_reads_use_the_category_index()
    {
        await using var store = _database.OpenStore();
        await store.InitializeAsync();
        await using var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN SELECT * FROM events WHERE category = 'grid' AND position > 10 ORDER BY position LIMIT 100;";

        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Contains(plan, step => step.Contains("events_category_position", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Using_the_store_before_initialising_it_is_an_error()
    {
        await using var store = _database.OpenStore();

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendAsync("grid-1", ExpectedVersion.Any, [NewEvent()]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.ReadAllAsync(0, 10));
    }

    [Fact]
    public async Task Reads_and_waits_after_disposal_are_refused()
    {
        var store = _database.OpenStore();
        await store.InitializeAsync();
        var waiting = store.WaitForEventsAfterAsync(100, CancellationToken.None);

        await store.DisposeAsync();
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(Patience));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.ReadAllAsync(0, 10));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.InitializeAsync());
    }

    [Fact]
    public void Options_without_a_file_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new SqliteEventStore(new SqliteEventStoreOptions()));
        Assert.Throws<ArgumentException>(() => new SqliteEventStore(new SqliteEventStoreOptions { DataSource = ":memory:" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteEventStore(new SqliteEventStoreOptions { DataSource = "x.db", MaxBatchSize = 0 }));
    }

    [Fact]
    public async Task A_file_from_a_newer_schema_is_refused()
    {
        await ExecuteAsync("PRAGMA user_version = 99;");
        await using var store = _database.OpenStore();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync());
        Assert.Contains("newer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_small_batch_limit_still_commits_everything()
    {
        await using var store = _database.OpenStore(maxBatchSize: 3);
        await store.InitializeAsync();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => store.AppendAsync($"grid-{i}", ExpectedVersion.NoStream, [NewEvent()])));

        Assert.Equal(50, (await store.ReadAllAsync(0, 100)).Count);
        Assert.True(store.TransactionsCommitted >= 17);
    }

    /// <summary>Holds the file's write lock from another connection, as another process would, until disposed.</summary>
    private async Task<SqliteConnection> WriteLockAsync()
    {
        var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "BEGIN IMMEDIATE;";
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }
}
