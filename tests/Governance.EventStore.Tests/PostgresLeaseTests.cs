using Governance.Testing;
using Npgsql;
using Xunit;

namespace Governance.EventStore.Tests;

/// <summary>The advisory-lock lease on a real server: one holder at a time, handed on at release and at a lost session.</summary>
public sealed class PostgresLeaseTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static PostgresLease Lease(string connectionString) => new(new PostgresLeaseOptions
    {
        ConnectionString = connectionString,
        RetryInterval = TimeSpan.FromMilliseconds(100),
        CheckInterval = TimeSpan.FromMilliseconds(200),
    });

    [PostgresFact]
    public async Task GivenALeaseHeld_WhenAnotherReplicaAsks_ThenItWaitsUntilTheHolderReleases()
    {
        var connectionString = await (await TestPostgres.GetAsync()).CreateDatabaseAsync();
        var held = await Lease(connectionString).AcquireAsync("relay:test", CancellationToken.None);
        var other = Lease(connectionString).AcquireAsync("relay:test", CancellationToken.None);
        var unrelated = await Lease(connectionString).AcquireAsync("deadlines:test", CancellationToken.None).WaitAsync(Patience);

        await Task.Delay(1000);
        Assert.False(other.IsCompleted, "two replicas held one lease at once");
        await held.DisposeAsync();

        await using var next = await other.WaitAsync(Patience);
        Assert.False(next.Lost.IsCancellationRequested);
        await unrelated.DisposeAsync();
    }

    [PostgresFact]
    public async Task GivenTheHoldersSessionIsKilled_WhenItsCheckFails_ThenItIsToldItLostTheLease_AndTheNextReplicaTakesIt()
    {
        var connectionString = await (await TestPostgres.GetAsync()).CreateDatabaseAsync();
        await using var held = await Lease(connectionString).AcquireAsync("relay:test", CancellationToken.None);
        var other = Lease(connectionString).AcquireAsync("relay:test", CancellationToken.None);

        // What a dead node looks like to the server: the holder's session ends (here by an administrator's hand).
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.OpenAsync();
            await using var terminate = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(a.pid)) FROM pg_stat_activity a WHERE a.application_name = $1 AND EXISTS " +
                "(SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted);", admin);
            terminate.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresLease.ApplicationName("relay:test") });
            Assert.Equal(1L, await terminate.ExecuteScalarAsync());
        }

        await Task.Delay(Timeout.Infinite, held.Lost).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(Patience);
        Assert.True(held.Lost.IsCancellationRequested);
        await using var next = await other.WaitAsync(Patience);
        Assert.False(next.Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task GivenTheInProcessLease_WhenHeld_ThenASecondAskWaitsForTheRelease()
    {
        var lease = new InProcessLease();
        var held = await lease.AcquireAsync("relay", CancellationToken.None);
        var other = lease.AcquireAsync("relay", CancellationToken.None);
        Assert.False(other.IsCompleted);
        await held.DisposeAsync();
        await using var next = await other.WaitAsync(Patience);
        Assert.False(next.Lost.IsCancellationRequested);
    }
}
