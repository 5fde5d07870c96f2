using System.Text;
using Xunit;

namespace Governance.EventStore.Conformance;

/// <summary>
/// The behaviour every <see cref="IEventStore"/> must have. A store project derives this class once,
/// supplying fresh, empty storage per test; xUnit runs every test below against it.
/// </summary>
public abstract class EventStoreConformanceTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly List<IEventStore> _secondInstances = [];

    /// <summary>The store under test: fresh and empty, already initialised.</summary>
    protected IEventStore Store { get; private set; } = null!;

    /// <summary>A store over new, empty storage. The suite calls <see cref="IEventStore.InitializeAsync"/> on it.</summary>
    protected abstract Task<IEventStore> CreateStoreAsync();

    /// <summary>
    /// Another, independent store instance over the same storage as the one from <see cref="CreateStoreAsync"/>,
    /// as a second replica or process would open it. The suite initialises and disposes it.
    /// </summary>
    protected abstract Task<IEventStore> OpenSecondInstanceAsync();

    /// <summary>Removes the storage after every store on it is disposed (files, schemas).</summary>
    protected virtual Task DeleteStorageAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _secondInstances)
        {
            await instance.DisposeAsync();
        }

        await Store.DisposeAsync();
        await DeleteStorageAsync();
    }

    protected async Task<IEventStore> SecondInstanceAsync()
    {
        var instance = await OpenSecondInstanceAsync();
        _secondInstances.Add(instance);
        await instance.InitializeAsync();
        return instance;
    }

    protected static EventData NewEvent(string type = "SomethingHappened", int dataSize = 24, byte[]? metadata = null)
    {
        var data = new byte[dataSize];
        Random.Shared.NextBytes(data);
        return new EventData(Guid.NewGuid(), type, data, metadata ?? Encoding.UTF8.GetBytes("{\"traceparent\":\"00-x\"}"));
    }

    protected static EventData[] NewEvents(int count) => Enumerable.Range(0, count).Select(_ => NewEvent()).ToArray();

    // ---- appending and expected versions ----

    [ConformanceFact]
    public async Task Appending_to_a_new_stream_with_NoStream_starts_it_at_version_1()
    {
        var e = NewEvent();

        var result = await Store.AppendAsync("incident-1", ExpectedVersion.NoStream, [e]);

        Assert.Equal(1, result.NextExpectedVersion);
        Assert.Equal(1, result.FirstPosition);
        Assert.Equal(1, result.LastPosition);
        var read = Assert.Single(await Store.ReadStreamAsync("incident-1"));
        Assert.Equal(1, read.Version);
        Assert.Equal(1, read.Position);
        Assert.Equal("incident-1", read.StreamId);
        Assert.Equal(e.EventId, read.EventId);
        Assert.Equal(e.Type, read.Type);
        Assert.Equal(1, await Store.GetStreamVersionAsync("incident-1"));
    }

    [ConformanceFact]
    public async Task Appending_with_Any_creates_a_stream_and_extends_it()
    {
        var first = await Store.AppendAsync("grid-7", ExpectedVersion.Any, [NewEvent()]);
        var second = await Store.AppendAsync("grid-7", ExpectedVersion.Any, NewEvents(2));

        Assert.Equal(1, first.NextExpectedVersion);
        Assert.Equal(3, second.NextExpectedVersion);
        Assert.Equal([1L, 2L, 3L], (await Store.ReadStreamAsync("grid-7")).Select(e => e.Version));
    }

    [ConformanceFact]
    public async Task Appending_with_the_current_version_extends_the_stream()
    {
        var first = await Store.AppendAsync("grid-7", ExpectedVersion.NoStream, NewEvents(2));
        var second = await Store.AppendAsync("grid-7", first.NextExpectedVersion, [NewEvent()]);

        Assert.Equal(3, second.NextExpectedVersion);
        Assert.Equal(3, await Store.GetStreamVersionAsync("grid-7"));
    }

    [ConformanceTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(100)]
    public async Task An_expected_version_other_than_the_actual_one_is_rejected_with_the_actual_version_and_writes_nothing(long expected)
    {
        await Store.AppendAsync("incident-9", ExpectedVersion.NoStream, NewEvents(3));
        var head = await Store.GetHeadPositionAsync();

        var ex = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => Store.AppendAsync("incident-9", expected, NewEvents(2)));

        Assert.Equal("incident-9", ex.StreamId);
        Assert.Equal(expected, ex.ExpectedVersion);
        Assert.Equal(3, ex.ActualVersion);
        Assert.Equal(3, await Store.GetStreamVersionAsync("incident-9"));
        Assert.Equal(head, await Store.GetHeadPositionAsync());
        Assert.Equal(3, (await Store.ReadAllAsync(0, 100)).Count);
    }

    [ConformanceFact]
    public async Task NoStream_is_rejected_when_the_stream_exists()
    {
        await Store.AppendAsync("department-fire", ExpectedVersion.NoStream, [NewEvent()]);

        var ex = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendAsync("department-fire", ExpectedVersion.NoStream, [NewEvent()]));

        Assert.Equal(ExpectedVersion.NoStream, ex.ExpectedVersion);
        Assert.Equal(1, ex.ActualVersion);
        Assert.Single(await Store.ReadStreamAsync("department-fire"));
    }

    [ConformanceFact]
    public async Task A_version_expected_of_a_missing_stream_is_rejected_with_actual_version_0()
    {
        var ex = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => Store.AppendAsync("incident-missing", 2, [NewEvent()]));

        Assert.Equal(0, ex.ActualVersion);
        Assert.Empty(await Store.ReadStreamAsync("incident-missing"));
    }

    [ConformanceFact]
    public async Task A_multi_event_append_is_written_whole_contiguously_in_its_stream_and_in_order()
    {
        await Store.AppendAsync("grid-1", ExpectedVersion.NoStream, [NewEvent()]);
        var events = NewEvents(5);

        var result = await Store.AppendAsync("incident-1", ExpectedVersion.NoStream, events);

        var read = await Store.ReadStreamAsync("incident-1");
        Assert.Equal(5, result.NextExpectedVersion);
        Assert.Equal(events.Select(e => e.EventId), read.Select(e => e.EventId));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], read.Select(e => e.Version));
        Assert.Equal(result.FirstPosition, read[0].Position);
        Assert.Equal(result.LastPosition, read[^1].Position);
        Assert.True(read.Zip(read.Skip(1)).All(p => p.First.Position < p.Second.Position));
    }

    [ConformanceFact]
    public async Task A_failing_multi_event_append_writes_none_of_its_events()
    {
        var existing = NewEvent();
        await Store.AppendAsync("incident-1", ExpectedVersion.NoStream, [existing]);
        var head = await Store.GetHeadPositionAsync();

        var ex = await Assert.ThrowsAsync<DuplicateEventIdException>(
            () => Store.AppendAsync("incident-2", ExpectedVersion.NoStream, [NewEvent(), NewEvent(), existing]));

        Assert.Equal(existing.EventId, ex.EventId);
        Assert.Equal(0, await Store.GetStreamVersionAsync("incident-2"));
        Assert.Empty(await Store.ReadStreamAsync("incident-2"));
        Assert.Equal(head, await Store.GetHeadPositionAsync());
        Assert.Single(await Store.ReadAllAsync(0, 100));

        // The stream is still usable from where it was.
        var retry = await Store.AppendAsync("incident-2", ExpectedVersion.NoStream, NewEvents(2));
        Assert.Equal(2, retry.NextExpectedVersion);
    }

    [ConformanceFact]
    public async Task Appending_an_event_id_that_is_already_stored_is_a_duplicate_not_a_version_conflict()
    {
        var e = NewEvent();
        await Store.AppendAsync("incident-1", ExpectedVersion.NoStream, [e]);

        var ex = await Assert.ThrowsAsync<DuplicateEventIdException>(() => Store.AppendAsync("incident-1", 1, [e]));

        Assert.Equal(e.EventId, ex.EventId);
        Assert.Equal(1, await Store.GetStreamVersionAsync("incident-1"));
    }

    [ConformanceFact]
    public async Task An_event_id_repeated_within_one_append_is_a_duplicate()
    {
        var e = NewEvent();

        await Assert.ThrowsAsync<DuplicateEventIdException>(() => Store.AppendAsync("incident-1", ExpectedVersion.Any, [e, e]));

        Assert.Equal(0, await Store.GetHeadPositionAsync());
    }

    [ConformanceFact]
    public async Task An_append_without_events_is_rejected()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.AppendAsync("incident-1", ExpectedVersion.Any, []));

        Assert.Equal(0, await Store.GetHeadPositionAsync());
    }

    [ConformanceFact]
    public async Task An_append_cancelled_before_it_is_made_writes_nothing()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Store.AppendAsync("incident-1", ExpectedVersion.Any, [NewEvent()], cts.Token));

        Assert.Equal(0, await Store.GetStreamVersionAsync("incident-1"));
    }

    // ---- reading streams ----

    [ConformanceFact]
    public async Task A_stream_reads_from_a_version_up_to_maxCount()
    {
        await Store.AppendAsync("grid-3", ExpectedVersion.NoStream, NewEvents(10));

        Assert.Equal([4L, 5L, 6L], (await Store.ReadStreamAsync("grid-3", fromVersion: 4, maxCount: 3)).Select(e => e.Version));
        Assert.Equal([9L, 10L], (await Store.ReadStreamAsync("grid-3", fromVersion: 9, maxCount: 10)).Select(e => e.Version));
        Assert.Equal(Enumerable.Range(1, 10).Select(v => (long)v), (await Store.ReadStreamAsync("grid-3")).Select(e => e.Version));
        Assert.Empty(await Store.ReadStreamAsync("grid-3", fromVersion: 11));
        Assert.Empty(await Store.ReadStreamAsync("grid-3", fromVersion: 1, maxCount: 0));
    }

    [ConformanceFact]
    public async Task An_unknown_stream_reads_empty_at_version_0()
    {
        await Store.AppendAsync("grid-3", ExpectedVersion.NoStream, NewEvents(2));

        Assert.Empty(await Store.ReadStreamAsync("grid-4"));
        Assert.Equal(0, await Store.GetStreamVersionAsync("grid-4"));
    }

    [ConformanceFact]
    public async Task Streams_do_not_see_each_others_events()
    {
        await Store.AppendAsync("grid-1", ExpectedVersion.NoStream, NewEvents(2));
        await Store.AppendAsync("grid-10", ExpectedVersion.NoStream, NewEvents(3));
        await Store.AppendAsync("grid-1", 2, NewEvents(1));

        Assert.All(await Store.ReadStreamAsync("grid-1"), e => Assert.Equal("grid-1", e.StreamId));
        Assert.Equal(3, (await Store.ReadStreamAsync("grid-1")).Count);
        Assert.Equal(3, (await Store.ReadStreamAsync("grid-10")).Count);
    }

    // ---- the global log ----

    [ConformanceFact]
    public async Task The_global_log_holds_every_event_in_append_order_with_strictly_increasing_positions()
    {
        var appended = new List<(string Stream, Guid Id)>();
        for (var i = 0; i < 12; i++)
        {
            var stream = $"incident-{i % 3}";
            var events = NewEvents(1 + (i % 2));
            await Store.AppendAsync(stream, ExpectedVersion.Any, events);
            appended.AddRange(events.Select(e => (stream, e.EventId)));
        }

        var log = await Store.ReadAllAsync(0, int.MaxValue);

        Assert.Equal(appended, log.Select(e => (e.StreamId, e.EventId)));
        Assert.Equal(1, log[0].Position);
        Assert.True(log.Zip(log.Skip(1)).All(p => p.First.Position < p.Second.Position));
        Assert.Equal(log[^1].Position, await Store.GetHeadPositionAsync());
    }

    [ConformanceFact]
    public async Task The_global_log_pages_by_position_and_maxCount()
    {
        for (var i = 0; i < 10; i++)
        {
            await Store.AppendAsync($"grid-{i % 4}", ExpectedVersion.Any, [NewEvent()]);
        }

        var all = await Store.ReadAllAsync(0, 100);
        var page = await Store.ReadAllAsync(all[3].Position, 4);

        Assert.Equal(all.Skip(4).Take(4).Select(e => e.EventId), page.Select(e => e.EventId));
        Assert.Empty(await Store.ReadAllAsync(all[^1].Position, 10));
        Assert.Empty(await Store.ReadAllAsync(0, 0));

        var paged = new List<RecordedEvent>();
        var after = 0L;
        while (true)
        {
            var next = await Store.ReadAllAsync(after, 3);
            if (next.Count == 0)
            {
                break;
            }

            Assert.True(next.Count <= 3);
            paged.AddRange(next);
            after = next[^1].Position;
        }

        Assert.Equal(all.Select(e => e.Position), paged.Select(e => e.Position));
    }

    [ConformanceFact]
    public async Task Positions_returned_by_appends_increase_across_streams()
    {
        var results = new List<AppendResult>();
        for (var i = 0; i < 8; i++)
        {
            results.Add(await Store.AppendAsync($"department-{i % 3}", ExpectedVersion.Any, NewEvents(1 + (i % 3))));
        }

        Assert.All(results, r => Assert.True(r.FirstPosition <= r.LastPosition));
        Assert.True(results.Zip(results.Skip(1)).All(p => p.First.LastPosition < p.Second.FirstPosition));
    }

    [ConformanceFact]
    public async Task A_category_read_returns_only_that_categorys_streams_in_position_order()
    {
        await Store.AppendAsync("grid-1", ExpectedVersion.Any, [NewEvent()]);
        await Store.AppendAsync("incident-1", ExpectedVersion.Any, [NewEvent()]);
        await Store.AppendAsync("gridx-1", ExpectedVersion.Any, [NewEvent()]);
        await Store.AppendAsync("grid-2", ExpectedVersion.Any, NewEvents(2));
        await Store.AppendAsync("grid-1-a", ExpectedVersion.Any, [NewEvent()]);
        await Store.AppendAsync("grid", ExpectedVersion.Any, [NewEvent()]);
        await Store.AppendAsync("grid-1", ExpectedVersion.Any, [NewEvent()]);

        var grid = await Store.ReadCategoryAsync("grid", 0, 100);

        Assert.Equal(["grid-1", "grid-2", "grid-2", "grid-1-a", "grid", "grid-1"], grid.Select(e => e.StreamId));
        Assert.True(grid.Zip(grid.Skip(1)).All(p => p.First.Position < p.Second.Position));
        Assert.Equal(["incident-1"], (await Store.ReadCategoryAsync("incident", 0, 100)).Select(e => e.StreamId));
        Assert.Empty(await Store.ReadCategoryAsync("department", 0, 100));

        var page = await Store.ReadCategoryAsync("grid", grid[1].Position, 2);
        Assert.Equal(grid.Skip(2).Take(2).Select(e => e.Position), page.Select(e => e.Position));
    }

    [ConformanceFact]
    public void The_category_is_the_stream_id_before_its_first_dash()
    {
        Assert.Equal("grid", StreamName.Category("grid-330282001001001"));
        Assert.Equal("incident", StreamName.Category("incident-0b6f-44aa"));
        Assert.Equal("grid", StreamName.Category("grid"));
        Assert.Equal("department-fire", StreamName.For("department", "fire"));
    }

    [ConformanceFact]
    public async Task The_head_position_is_0_when_empty_and_then_the_last_events_position()
    {
        Assert.Equal(0, await Store.GetHeadPositionAsync());

        var first = await Store.AppendAsync("grid-1", ExpectedVersion.Any, NewEvents(3));
        Assert.Equal(first.LastPosition, await Store.GetHeadPositionAsync());

        var second = await Store.AppendAsync("incident-1", ExpectedVersion.Any, [NewEvent()]);
        Assert.Equal(second.LastPosition, await Store.GetHeadPositionAsync());
    }

    // ---- concurrency ----

    [ConformanceFact]
    public async Task Concurrent_appenders_on_one_stream_that_retry_on_conflict_leave_exactly_one_event_each()
    {
        const int appenders = 64;
        var ids = new Guid[appenders];
        var conflicts = 0;

        await Task.WhenAll(Enumerable.Range(0, appenders).Select(i => Task.Run(async () =>
        {
            var e = NewEvent();
            ids[i] = e.EventId;
            while (true)
            {
                var version = await Store.GetStreamVersionAsync("incident-hot");
                try
                {
                    await Store.AppendAsync("incident-hot", version, [e]);
                    return;
                }
                catch (WrongExpectedVersionException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));

        var stream = await Store.ReadStreamAsync("incident-hot");
        Assert.Equal(Enumerable.Range(1, appenders).Select(v => (long)v), stream.Select(e => e.Version));
        Assert.Equal(ids.Order(), stream.Select(e => e.EventId).Order());
        Assert.Equal(appenders, await Store.GetStreamVersionAsync("incident-hot"));
        Assert.Equal(appenders, (await Store.ReadAllAsync(0, int.MaxValue)).Count);
    }

    [ConformanceFact]
    public async Task Concurrent_appenders_on_distinct_streams_all_land_with_unique_increasing_positions()
    {
        const int appenders = 48;
        const int appendsEach = 15;

        await Task.WhenAll(Enumerable.Range(0, appenders).Select(i => Task.Run(async () =>
        {
            var version = ExpectedVersion.NoStream;
            for (var n = 0; n < appendsEach; n++)
            {
                version = (await Store.AppendAsync($"grid-{i}", version, [NewEvent()])).NextExpectedVersion;
            }
        })));

        var log = await Store.ReadAllAsync(0, int.MaxValue);
        Assert.Equal(appenders * appendsEach, log.Count);
        Assert.True(log.Zip(log.Skip(1)).All(p => p.First.Position < p.Second.Position));
        Assert.Equal(log.Count, log.Select(e => e.EventId).Distinct().Count());
        for (var i = 0; i < appenders; i++)
        {
            var stream = await Store.ReadStreamAsync($"grid-{i}");
            Assert.Equal(Enumerable.Range(1, appendsEach).Select(v => (long)v), stream.Select(e => e.Version));
        }
    }

    [ConformanceFact]
    public async Task Two_instances_on_the_same_storage_appending_to_one_stream_never_duplicate_a_version()
    {
        var other = await SecondInstanceAsync();
        const int appenders = 32;
        var conflicts = 0;

        await Task.WhenAll(Enumerable.Range(0, appenders).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? Store : other;
            var e = NewEvent();
            while (true)
            {
                var version = await store.GetStreamVersionAsync("incident-shared");
                try
                {
                    await store.AppendAsync("incident-shared", version, [e]);
                    return;
                }
                catch (WrongExpectedVersionException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));

        var mine = await Store.ReadStreamAsync("incident-shared");
        var theirs = await other.ReadStreamAsync("incident-shared");
        Assert.Equal(Enumerable.Range(1, appenders).Select(v => (long)v), mine.Select(e => e.Version));
        Assert.Equal(mine.Select(e => (e.Position, e.EventId)), theirs.Select(e => (e.Position, e.EventId)));
        Assert.Equal(appenders, mine.Select(e => e.EventId).Distinct().Count());
    }

    [ConformanceFact]
    public async Task A_write_by_another_instance_is_seen_by_the_next_append_here()
    {
        var other = await SecondInstanceAsync();
        await Store.AppendAsync("incident-1", ExpectedVersion.NoStream, [NewEvent()]);
        await other.AppendAsync("incident-1", 1, [NewEvent()]);

        var ex = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => Store.AppendAsync("incident-1", 1, [NewEvent()]));
        Assert.Equal(2, ex.ActualVersion);

        var result = await Store.AppendAsync("incident-1", 2, [NewEvent()]);
        Assert.Equal(3, result.NextExpectedVersion);
        Assert.Equal([1L, 2L, 3L], (await other.ReadStreamAsync("incident-1")).Select(e => e.Version));
    }

    // ---- waiting for new events ----

    [ConformanceFact]
    public async Task Waiting_for_events_after_an_older_position_completes_at_once()
    {
        await Store.AppendAsync("grid-1", ExpectedVersion.Any, NewEvents(2));

        await Store.WaitForEventsAfterAsync(1, CancellationToken.None).WaitAsync(Patience);
        await Store.WaitForEventsAfterAsync(0, CancellationToken.None).WaitAsync(Patience);
    }

    [ConformanceFact]
    public async Task Waiting_for_events_completes_when_an_event_is_appended()
    {
        await Store.AppendAsync("grid-1", ExpectedVersion.Any, [NewEvent()]);
        var head = await Store.GetHeadPositionAsync();

        var waiting = Store.WaitForEventsAfterAsync(head, CancellationToken.None);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        await Store.AppendAsync("grid-2", ExpectedVersion.Any, [NewEvent()]);

        await waiting.WaitAsync(Patience);
        Assert.True(await Store.GetHeadPositionAsync() > head);
    }

    [ConformanceFact]
    public async Task Waiting_for_events_sees_an_append_by_another_instance()
    {
        var other = await SecondInstanceAsync();

        var waiting = Store.WaitForEventsAfterAsync(0, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        await other.AppendAsync("incident-elsewhere", ExpectedVersion.NoStream, [NewEvent()]);

        await waiting.WaitAsync(Patience);
    }

    [ConformanceFact]
    public async Task Waiting_for_events_honours_cancellation()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));

        var waiting = Store.WaitForEventsAfterAsync(0, cts.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience));
    }

    // ---- payloads ----

    [ConformanceFact]
    public async Task Data_and_metadata_bytes_round_trip_exactly()
    {
        var big = new byte[1024 * 1024];
        Random.Shared.NextBytes(big);
        var everyByte = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var events = new[]
        {
            new EventData(Guid.NewGuid(), "WithEmptyMetadata", everyByte, ReadOnlyMemory<byte>.Empty),
            new EventData(Guid.NewGuid(), "WithMetadata", new byte[] { 0, 1, 0 }, everyByte),
            new EventData(Guid.NewGuid(), "Empty", ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty),
            new EventData(Guid.NewGuid(), "OneMebibyte", big, new byte[] { 42 }),
            // A slice of a larger array, so a store cannot get away with sending the whole array.
            new EventData(Guid.NewGuid(), "Slice", everyByte.AsMemory(10, 20), everyByte.AsMemory(200, 3)),
        };

        await Store.AppendAsync("incident-payloads", ExpectedVersion.NoStream, events);

        var read = await Store.ReadStreamAsync("incident-payloads");
        Assert.Equal(events.Length, read.Count);
        for (var i = 0; i < events.Length; i++)
        {
            Assert.Equal(events[i].EventId, read[i].EventId);
            Assert.Equal(events[i].Type, read[i].Type);
            Assert.True(events[i].Data.Span.SequenceEqual(read[i].Data.Span), $"data of {events[i].Type}");
            Assert.True(events[i].Metadata.Span.SequenceEqual(read[i].Metadata.Span), $"metadata of {events[i].Type}");
        }

        var fromLog = (await Store.ReadAllAsync(0, 10)).Single(e => e.Type == "OneMebibyte");
        Assert.True(big.AsSpan().SequenceEqual(fromLog.Data.Span));
    }

    [ConformanceFact]
    public async Task Event_ids_and_type_names_round_trip()
    {
        var events = new[]
        {
            new EventData(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), "IncidentReported", new byte[] { 1 }, ReadOnlyMemory<byte>.Empty),
            new EventData(Guid.Parse("ffffffff-ffff-ffff-ffff-fffffffffffe"), "事件已上报.v2", new byte[] { 2 }, ReadOnlyMemory<byte>.Empty),
            new EventData(Guid.NewGuid(), "x", new byte[] { 3 }, ReadOnlyMemory<byte>.Empty),
        };

        await Store.AppendAsync("incident-ids", ExpectedVersion.NoStream, events);

        var read = await Store.ReadAllAsync(0, 10);
        Assert.Equal(events.Select(e => (e.EventId, e.Type)), read.Select(e => (e.EventId, e.Type)));
    }

    [ConformanceFact]
    public async Task Recorded_times_are_utc_and_taken_at_append()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await Store.AppendAsync("grid-1", ExpectedVersion.Any, [NewEvent()]);
        var after = DateTimeOffset.UtcNow.AddSeconds(1);

        var e = Assert.Single(await Store.ReadAllAsync(0, 10));
        Assert.Equal(TimeSpan.Zero, e.RecordedAt.Offset);
        Assert.InRange(e.RecordedAt, before, after);
    }

    // ---- lifecycle ----

    [ConformanceFact]
    public async Task Initialising_again_keeps_the_data()
    {
        await Store.AppendAsync("grid-1", ExpectedVersion.Any, NewEvents(2));

        await Store.InitializeAsync();

        Assert.Equal(2, await Store.GetStreamVersionAsync("grid-1"));
    }

    [ConformanceFact]
    public async Task Appends_queued_when_the_store_is_disposed_are_completed_and_later_appends_are_refused()
    {
        var appends = Enumerable.Range(0, 100)
            .Select(i => Store.AppendAsync($"incident-{i}", ExpectedVersion.NoStream, [NewEvent()]))
            .ToArray();

        await Store.DisposeAsync();

        await Task.WhenAll(appends).WaitAsync(Patience);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.AppendAsync("incident-late", ExpectedVersion.Any, [NewEvent()]));
        var reopened = await SecondInstanceAsync();
        Assert.Equal(100, (await reopened.ReadAllAsync(0, 1000)).Count);
    }
}
