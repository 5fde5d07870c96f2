using Governance.Analytics.Rates;
using Governance.Analytics.Storage;
using Governance.Analytics.Tests.Support;
using Governance.Contracts.V1;
using Governance.PubSub;
using Xunit;

namespace Governance.Analytics.Tests.Storage;

/// <summary>Rebuilding the store from the incident log from position 0 gives exactly what live delivery gave.</summary>
public sealed class RebuildTests
{
    private static readonly IReadOnlyList<IncidentBuilder> County = ScriptedCounty.Build();
    private static readonly IReadOnlyList<IncidentLifeEvent> Events = LifeEvents.Of(County);

    private static IAsyncEnumerable<IReadOnlyList<IncidentLifeEvent>> Log(int batchSize) =>
        LifeEvents.Batches(Events.Chunk(batchSize).Select(c => (IReadOnlyList<IncidentLifeEvent>)c));

    [Fact]
    public async Task ARebuildFromTheLog_EqualsTheLiveStore_AndKeepsTheOldOneAsBak()
    {
        using var directory = new TempDirectory();
        var live = await Projections.StartAsync(directory.Path);
        // Live: at-least-once and out of order.
        var deliveries = Events.Concat(Events.Take(500)).Select(LifeEvents.Cloud).ToArray();
        new Random(12345).Shuffle(deliveries);
        Assert.All(await Task.WhenAll(deliveries.Select(d => live.HandleAsync(d, CancellationToken.None))),
            o => Assert.Equal(DeliveryOutcome.Success, o));
        var liveSnapshot = live.Current;
        await live.StopAsync(CancellationToken.None);
        var liveStore = SqliteAnalyticsStore.ReadFile(directory.DatabasePath);

        var result = await AnalyticsRebuild.RebuildAsync(directory.Path, Log(250), CancellationToken.None);

        Assert.Equal(new RebuildResult(Events.Count, ScriptedCounty.Total, Events.Count, 0, directory.DatabasePath + ".bak"), result);
        Assert.Empty(AnalyticsComparison.Differences(liveStore, SqliteAnalyticsStore.ReadFile(directory.DatabasePath)));
        Assert.Empty(AnalyticsComparison.Differences(liveStore, SqliteAnalyticsStore.ReadFile(result.BackupPath!)));
        Assert.False(File.Exists(directory.DatabasePath + "-wal"));
        Assert.False(File.Exists(directory.DatabasePath + ".rebuild"));

        await using var restarted = await Projections.StartAsync(directory.Path);
        Assert.Empty(AnalyticsComparison.Differences(liveSnapshot, restarted.Current));
        Assert.Equal(RateEngine.Compute(liveSnapshot.Incidents, new RateSlice(), ScriptedCounty.AsOf),
            RateEngine.Compute(restarted.Current.Incidents, new RateSlice(), ScriptedCounty.AsOf));
    }

    [Fact]
    public async Task AStoreThatMissedEvents_IsCaughtByTheComparison_AndRepairedByTheRebuild()
    {
        using var directory = new TempDirectory();
        var live = await Projections.StartAsync(directory.Path);
        // A store that lost the last events (say, restored from an old copy).
        await live.ApplyBatchAsync([.. Events.Take(Events.Count - 20)], CancellationToken.None);
        await live.StopAsync(CancellationToken.None);
        var stale = SqliteAnalyticsStore.ReadFile(directory.DatabasePath);

        using var reference = new TempDirectory();
        var complete = await Projections.StartAsync(reference.Path);
        await complete.ApplyBatchAsync(Events, CancellationToken.None);
        await complete.StopAsync(CancellationToken.None);
        var expected = SqliteAnalyticsStore.ReadFile(reference.DatabasePath);

        var differences = AnalyticsComparison.Differences(expected, stale);
        Assert.Contains($"position {Events.Count} ≠ {Events.Count - 20}", differences);
        Assert.True(differences.Count > 1);

        await AnalyticsRebuild.RebuildAsync(directory.Path, Log(1000), CancellationToken.None);
        Assert.Empty(AnalyticsComparison.Differences(expected, SqliteAnalyticsStore.ReadFile(directory.DatabasePath)));
    }

    [Fact]
    public async Task ARebuildThatFails_LeavesTheOldStoreAsItWas()
    {
        using var directory = new TempDirectory();
        var live = await Projections.StartAsync(directory.Path);
        await live.ApplyBatchAsync([.. Events.Take(300)], CancellationToken.None);
        await live.StopAsync(CancellationToken.None);
        var before = SqliteAnalyticsStore.ReadFile(directory.DatabasePath);

        await Assert.ThrowsAsync<IOException>(() => AnalyticsRebuild.RebuildAsync(directory.Path, FailingLog(), CancellationToken.None));

        Assert.Empty(AnalyticsComparison.Differences(before, SqliteAnalyticsStore.ReadFile(directory.DatabasePath)));
        Assert.False(File.Exists(directory.DatabasePath + ".rebuild"));
        Assert.False(File.Exists(directory.DatabasePath + ".bak"));
        // The lock is released: the host can start again.
        await using var restarted = await Projections.StartAsync(directory.Path);
        Assert.Equal(300, restarted.Current.Position);
    }

    [Fact]
    public async Task EventsALiveDeliveryWouldDrop_AreSkippedByTheRebuildToo()
    {
        using var directory = new TempDirectory();
        var broken = Events[0].Clone();
        broken.Incident.IncidentId = "someone-else";

        var result = await AnalyticsRebuild.RebuildAsync(directory.Path, LifeEvents.Batches([[broken, .. Events.Skip(1).Take(99)]]), CancellationToken.None);

        Assert.Equal(1, result.Invalid);
        Assert.Null(result.BackupPath);
        Assert.Equal(100, result.Events);
        Assert.DoesNotContain(SqliteAnalyticsStore.ReadFile(directory.DatabasePath).Incidents, i => i.IncidentId == "someone-else");
    }

    private static async IAsyncEnumerable<IReadOnlyList<IncidentLifeEvent>> FailingLog()
    {
        await Task.Yield();
        yield return [.. Events.Take(200)];
        throw new IOException("the incident log went away");
    }
}
