using System.Collections.Concurrent;
using Google.Protobuf;
using Governance.Analytics.Projection;
using Governance.Analytics.Rates;
using Governance.Analytics.Storage;
using Governance.Analytics.Tests.Support;
using Governance.Contracts.V1;
using Governance.PubSub;
using Governance.Testing;
using Xunit;

namespace Governance.Analytics.Tests.Storage;

/// <summary>
/// Several analytics replicas on one PostgreSQL store, as behind one Dapr app id: the broker gives each event to one
/// replica only, yet every replica ends with the whole incident life, exactly what one replica fed everything in
/// order would hold; a reader of the change sequence never skips a commit; replicas starting together migrate once.
/// </summary>
public sealed class PostgresReplicaTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly IReadOnlyList<IncidentBuilder> County = ScriptedCounty.Build();
    private static readonly IReadOnlyList<IncidentLifeEvent> Events = LifeEvents.Of(County);

    [PostgresFact]
    public async Task GivenTwoReplicasEachDeliveredHalfOfAShuffledDuplicatedLife_WhenTheyHaveRead_ThenBothAndAFreshThirdEqualOneReplicaInOrder()
    {
        var server = await TestPostgres.GetAsync();
        var connectionString = await server.CreateDatabaseAsync();
        // One incident is kept back for the end and delivered to the second replica only.
        const string KeptBack = "A1-000";
        var rest = Events.Where(e => e.IncidentId != KeptBack).ToList();
        using var restDirectory = new TempDirectory();
        using var allDirectory = new TempDirectory();
        var expectedRest = await InOrderAsync(restDirectory.Path, rest);
        var expectedAll = await InOrderAsync(allDirectory.Path, Events);
        try
        {
            // Started together: both migrate the new database, one after the other.
            var a = Projections.StartAsync(new PostgresAnalyticsStore(connectionString));
            var b = Projections.StartAsync(new PostgresAnalyticsStore(connectionString));
            await using var first = await a;
            await using var second = await b;

            // Every event twice (one copy as JSON), shuffled, and each delivery to one replica only.
            var deliveries = rest.SelectMany(e => new[] { LifeEvents.Cloud(e), LifeEvents.CloudJson(e) }).ToArray();
            new Random(20_250_407).Shuffle(deliveries);
            var outcomes = await Task.WhenAll(deliveries.Select((d, i) =>
                Task.Run(() => (i % 2 == 0 ? first : second).HandleAsync(d, CancellationToken.None))));
            Assert.All(outcomes, o => Assert.Equal(DeliveryOutcome.Success, o));

            await ConvergedAsync(first, expectedRest.Snapshot);
            await ConvergedAsync(second, expectedRest.Snapshot);

            // What only the second replica is given reaches the first one's watchers and subscribers.
            var seen = first.Current;
            var watching = first.WaitForChangeAsync(seen, CancellationToken.None);
            var told = new ConcurrentQueue<string>();
            using (first.Subscribe(commit => { foreach (var id in commit.IncidentIds) { told.Enqueue(id); } }))
            {
                var keptBack = Events.Where(e => e.IncidentId == KeptBack).Select(LifeEvents.Cloud).Reverse().ToList();
                foreach (var delivery in keptBack)
                {
                    Assert.Equal(DeliveryOutcome.Success, await second.HandleAsync(delivery, CancellationToken.None));
                }
                await watching.WaitAsync(Patience);
                await ConvergedAsync(first, expectedAll.Snapshot);
                await ConvergedAsync(second, expectedAll.Snapshot);
                Assert.Contains(KeptBack, told);
            }

            var rates = RateEngine.Compute(County.Select(b => b.Facts).ToList(), new RateSlice(), ScriptedCounty.AsOf);
            Assert.Equal(rates, RateEngine.Compute(first.Current.Incidents, new RateSlice(), ScriptedCounty.AsOf));
            Assert.Equal(rates, RateEngine.Compute(second.Current.Incidents, new RateSlice(), ScriptedCounty.AsOf));

            // A third replica starts from the store alone and holds the same, row for row (with each row's position).
            await using var third = await Projections.StartAsync(new PostgresAnalyticsStore(connectionString));
            Assert.Empty(AnalyticsComparison.Differences(expectedAll.Snapshot, third.Current));
            Assert.Equal(rates, RateEngine.Compute(third.Current.Incidents, new RateSlice(), ScriptedCounty.AsOf));
            await using var reader = new PostgresAnalyticsStore(connectionString);
            Assert.Empty(AnalyticsComparison.Differences(expectedAll.Stored, await reader.OpenAsync(CancellationToken.None)));
        }
        finally
        {
            await server.DropDatabaseAsync(connectionString);
        }
    }

    [PostgresFact]
    public async Task GivenStoresCommittingConcurrently_WhenAReaderPollsTheChanges_ThenItSeesEveryCommittedRowAndSkipsNone()
    {
        const int Writers = 9;
        const int CommitsPerWriter = 40;
        var server = await TestPostgres.GetAsync();
        var connectionString = await server.CreateDatabaseAsync();
        var stores = Enumerable.Range(0, 3).Select(_ => new PostgresAnalyticsStore(connectionString)).ToList();
        var readerStore = new PostgresAnalyticsStore(connectionString);
        try
        {
            await Task.WhenAll(stores.Append(readerStore).Select(s => s.OpenAsync(CancellationToken.None)));
            var facts = County[0].Facts;
            long hotVersion = 0;
            var written = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            var sequences = new ConcurrentBag<long>();
            var writing = Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                var store = stores[w % stores.Count];
                for (var c = 0; c < CommitsPerWriter; c++)
                {
                    // 1 to 5 rows no later commit touches, and one row every commit overwrites with a version of its own.
                    var rows = Enumerable.Range(0, 1 + ((w + c) % 5)).Select(r => Row($"w{w}-c{c}-r{r}", 1, facts)).ToList();
                    rows.Add(Row("hot", Interlocked.Increment(ref hotVersion), facts));
                    var commit = await store.CommitAsync(rows, (w * 1000) + c, CancellationToken.None);
                    sequences.Add(commit.Sequence);
                    foreach (var row in rows.Where(r => !commit.Refused.Contains(r.IncidentId)))
                    {
                        written.AddOrUpdate(row.IncidentId, row.Version, (_, v) => Math.Max(v, row.Version));
                    }
                }
            })));

            // Small pages, so commits are cut at their boundary and some come whole past the page size.
            var seen = new Dictionary<string, long>(StringComparer.Ordinal);
            long after = 0;
            var reads = 0;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (true)
            {
                var done = writing.IsCompleted;
                var changes = await readerStore.ReadChangesAsync(after, 4, timeout.Token);
                reads++;
                Assert.True(changes.Sequence >= after, $"the sequence went back from {after} to {changes.Sequence}");
                foreach (var row in changes.Incidents)
                {
                    seen[row.IncidentId] = Math.Max(seen.GetValueOrDefault(row.IncidentId), row.Version);
                }
                after = changes.Sequence;
                if (done && !changes.More && after == Writers * CommitsPerWriter)
                {
                    break;
                }
            }
            await writing;

            Assert.Equal(Enumerable.Range(1, Writers * CommitsPerWriter).Select(i => (long)i), sequences.Order());
            Assert.Equal(written.OrderBy(p => p.Key, StringComparer.Ordinal), seen.OrderBy(p => p.Key, StringComparer.Ordinal));
            Assert.Equal(Writers * CommitsPerWriter, seen["hot"]);
            var stored = await ReadAsync(connectionString);
            Assert.Equal(((Writers - 1) * 1000) + CommitsPerWriter - 1, stored.Position);
            Assert.Equal(written.Count, stored.Incidents.Count);
            Assert.True(reads > 1);
        }
        finally
        {
            foreach (var store in stores.Append(readerStore))
            {
                await store.DisposeAsync();
            }
            await server.DropDatabaseAsync(connectionString);
        }
    }

    [PostgresFact]
    public async Task GivenCommitsBehindAReader_WhenReadInSmallPages_ThenEachPageEndsOnACommitAndARowOverwrittenComesOnceAtItsNewestVersion()
    {
        var server = await TestPostgres.GetAsync();
        var connectionString = await server.CreateDatabaseAsync();
        try
        {
            await using var writer = new PostgresAnalyticsStore(connectionString);
            await using var reader = new PostgresAnalyticsStore(connectionString);
            await writer.OpenAsync(CancellationToken.None);
            await reader.OpenAsync(CancellationToken.None);
            var facts = County[0].Facts;
            await writer.CommitAsync([Row("a", 1, facts), Row("b", 1, facts), Row("c", 1, facts)], 3, CancellationToken.None);
            await writer.CommitAsync([Row("a", 2, facts), Row("d", 1, facts)], 5, CancellationToken.None);
            await writer.CommitAsync([.. Enumerable.Range(0, 6).Select(i => Row($"big{i}", 1, facts))], 11, CancellationToken.None);
            await writer.CommitAsync([Row("e", 1, facts)], 12, CancellationToken.None);

            var pages = new List<StoredChanges>();
            long after = 0;
            do
            {
                pages.Add(await reader.ReadChangesAsync(after, 3, CancellationToken.None));
                after = pages[^1].Sequence;
            }
            while (pages[^1].More);

            // Commit 1 is left with b and c (a moved on to commit 2); the 6-row commit 3 comes whole past the page size.
            Assert.Equal(
                [(1L, 0L, "b,c", true), (2L, 0L, "a,d", true), (3L, 0L, "big0,big1,big2,big3,big4,big5", true), (4L, 12L, "e", false)],
                pages.Select(p => (p.Sequence, p.Position, string.Join(',', p.Incidents.Select(i => i.IncidentId).Order(StringComparer.Ordinal)), p.More)));
            Assert.Equal(2, pages[1].Incidents.Single(i => i.IncidentId == "a").Version);
            var nothing = await reader.ReadChangesAsync(4, 3, CancellationToken.None);
            Assert.Equal((4L, 12L, 0, false), (nothing.Sequence, nothing.Position, nothing.Incidents.Count, nothing.More));
        }
        finally
        {
            await server.DropDatabaseAsync(connectionString);
        }
    }

    [PostgresFact]
    public async Task GivenANewDatabase_WhenSeveralStoresOpenItAtOnce_ThenAllSucceedAndTheSchemaIsMadeOnce()
    {
        var server = await TestPostgres.GetAsync();
        var connectionString = await server.CreateDatabaseAsync();
        var stores = Enumerable.Range(0, 4).Select(_ => new PostgresAnalyticsStore(connectionString)).ToList();
        try
        {
            using var start = new Barrier(stores.Count);
            var opened = await Task.WhenAll(stores.Select(s => Task.Run(async () =>
            {
                start.SignalAndWait();
                return await s.OpenAsync(CancellationToken.None);
            })));

            Assert.All(opened, o => Assert.Equal((0L, 0L, 0), (o.Sequence, o.Position, o.Incidents.Count)));
            Assert.Equal("1/1", await ScalarAsync(connectionString,
                "SELECT (SELECT count(*) FROM analytics.schema_version WHERE version = 1) || '/' || (SELECT count(*) FROM analytics.commit_head);"));
            // Open together, they share the store: each commits and each reads the others.
            for (var i = 0; i < stores.Count; i++)
            {
                await stores[i].CommitAsync([Row($"from-{i}", 1, County[0].Facts)], i + 1, CancellationToken.None);
            }
            var all = await stores[0].ReadChangesAsync(0, 100, CancellationToken.None);
            Assert.Equal(["from-0", "from-1", "from-2", "from-3"], all.Incidents.Select(r => r.IncidentId).Order(StringComparer.Ordinal));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
            await server.DropDatabaseAsync(connectionString);
        }
    }

    [PostgresFact]
    public async Task GivenAnAnalyticsSchemaOfSomethingElse_WhenOpened_ThenRefusedNamingTheSetting()
    {
        var server = await TestPostgres.GetAsync();
        var connectionString = await server.CreateDatabaseAsync();
        try
        {
            await PostgresStoreTests.Sql(connectionString, "CREATE SCHEMA analytics; CREATE TABLE analytics.reports (id int);");
            await using var store = new PostgresAnalyticsStore(connectionString);

            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => store.OpenAsync(CancellationToken.None));

            Assert.Contains("not an analytics store", e.Message, StringComparison.Ordinal);
            Assert.Contains("Analytics:Store:ConnectionString", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            await server.DropDatabaseAsync(connectionString);
        }
    }

    /// <summary>One replica fed the events in log order (SQLite): the result every replica must reach.</summary>
    private static async Task<(AnalyticsSnapshot Snapshot, StoredAnalytics Stored)> InOrderAsync(string directory, IReadOnlyList<IncidentLifeEvent> events)
    {
        var projection = await Projections.StartAsync(directory);
        await projection.ApplyBatchAsync(events, CancellationToken.None);
        var snapshot = projection.Current;
        await projection.StopAsync(CancellationToken.None);
        return (snapshot, SqliteAnalyticsStore.ReadFile(Path.Combine(directory, SqliteAnalyticsStoreOptions.DatabaseFileName)));
    }

    /// <summary>Waits, through the view's own change signal, until the replica holds exactly <paramref name="expected"/>.</summary>
    private static async Task ConvergedAsync(IncidentFactsProjection replica, AnalyticsSnapshot expected)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var current = replica.Current;
            var differences = AnalyticsComparison.Differences(expected, current);
            if (differences.Count == 0)
            {
                return;
            }
            try
            {
                await replica.WaitForChangeAsync(current, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"The replica did not converge in {Patience}: " + string.Join("; ", differences));
            }
        }
    }

    private static StoredIncident Row(string id, long version, IncidentFacts template)
    {
        var facts = template.Clone();
        facts.IncidentId = id;
        facts.Version = version;
        return new StoredIncident(id, version, version, facts.ToByteArray());
    }

    private static async Task<StoredAnalytics> ReadAsync(string connectionString)
    {
        await using var store = new PostgresAnalyticsStore(connectionString);
        return await store.OpenAsync(CancellationToken.None);
    }

    private static async Task<string?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
