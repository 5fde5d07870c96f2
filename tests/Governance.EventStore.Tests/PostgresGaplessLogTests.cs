using Governance.Testing;
using Xunit;

namespace Governance.EventStore.Tests;

/// <summary>
/// A reader tailing the PostgreSQL log by position never skips an event committed later with a lower position:
/// while three store instances (as three replicas) append concurrently, a reader paging by position must see
/// positions 1, 2, 3 ... with no hole, and end with every event.
/// </summary>
public sealed class PostgresGaplessLogTests
{
    private const int Writers = 12;
    private const int AppendsPerWriter = 60;

    [PostgresFact]
    public async Task GivenReplicasAppendingConcurrently_WhenTailedByPosition_ThenNoPositionIsEverSkipped()
    {
        var server = await TestPostgres.GetAsync();
        var connectionString = await server.CreateDatabaseAsync();
        var replicas = Enumerable.Range(0, 3).Select(_ => new PostgresEventStore(new PostgresEventStoreOptions { ConnectionString = connectionString })).ToList();
        try
        {
            foreach (var replica in replicas)
            {
                await replica.InitializeAsync();
            }
            var expected = Writers * AppendsPerWriter * 2;
            using var done = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var tail = Task.Run(async () =>
            {
                long last = 0;
                while (last < expected)
                {
                    var page = await replicas[0].ReadAllAsync(last, 50, done.Token);
                    foreach (var e in page)
                    {
                        Assert.True(e.Position == last + 1, $"after position {last} the reader saw {e.Position}: a hole that a later commit fills");
                        last = e.Position;
                    }
                }
                return last;
            });
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                var store = replicas[w % replicas.Count];
                for (var i = 0; i < AppendsPerWriter; i++)
                {
                    await store.AppendAsync($"incident-w{w}-{i % 7}", ExpectedVersion.Any,
                        [new EventData(Guid.NewGuid(), "Happened", new byte[] { 1 }), new EventData(Guid.NewGuid(), "Happened", new byte[] { 2 })]);
                }
            })));

            Assert.Equal(expected, await tail);
            Assert.Equal(expected, await replicas[1].GetHeadPositionAsync());
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
            await server.DropDatabaseAsync(connectionString);
        }
    }
}
