using Governance.Testing;
using Xunit;

namespace Governance.EventStore.Tests;

/// <summary>
/// A waiter in one replica wakes on another replica's append through LISTEN/NOTIFY, not through its poll: the poll
/// here is an hour, so only the notification can end the wait within the test's timeout.
/// </summary>
public sealed class PostgresNotifyTests
{
    [PostgresFact]
    public async Task GivenAWaiterInAnotherReplica_WhenOneAppends_ThenTheNotificationWakesIt()
    {
        var server = await TestPostgres.GetAsync();
        var connectionString = await server.CreateDatabaseAsync();
        var options = new PostgresEventStoreOptions { ConnectionString = connectionString, PollInterval = TimeSpan.FromHours(1) };
        await using var writer = new PostgresEventStore(options);
        await using var waiter = new PostgresEventStore(options);
        await writer.InitializeAsync();
        await waiter.InitializeAsync();
        // Let the waiter's LISTEN take hold: a wait that starts at head 0 then only ends through a notification.
        await Task.Delay(500);

        var woke = waiter.WaitForEventsAfterAsync(0, CancellationToken.None);
        Assert.False(woke.IsCompleted);
        await writer.AppendAsync("incident-a", ExpectedVersion.NoStream, [new EventData(Guid.NewGuid(), "Happened", new byte[] { 1 })]);

        await woke.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, await waiter.GetHeadPositionAsync());
    }

    [PostgresFact]
    public async Task GivenListeningOff_WhenAnotherReplicaAppends_ThenTheWaiterStillSleepsUntilItsPoll()
    {
        var server = await TestPostgres.GetAsync();
        var connectionString = await server.CreateDatabaseAsync();
        await using var writer = new PostgresEventStore(new PostgresEventStoreOptions { ConnectionString = connectionString });
        await using var waiter = new PostgresEventStore(new PostgresEventStoreOptions
        {
            ConnectionString = connectionString, PollInterval = TimeSpan.FromHours(1), Listen = false,
        });
        await writer.InitializeAsync();
        await waiter.InitializeAsync();

        using var stop = new CancellationTokenSource();
        var woke = waiter.WaitForEventsAfterAsync(0, stop.Token);
        await writer.AppendAsync("incident-a", ExpectedVersion.NoStream, [new EventData(Guid.NewGuid(), "Happened", new byte[] { 1 })]);

        // The control for the test above: without the notification nothing wakes the waiter.
        await Task.Delay(1500);
        Assert.False(woke.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => woke);
    }
}
