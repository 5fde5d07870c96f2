using Governance.Analytics.Storage;
using Governance.Analytics.Tests.Support;
using Governance.Contracts.V1;
using Governance.PubSub;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Governance.Analytics.Tests.Storage;

/// <summary>The projection's own SQLite store: restarts, failures, the lock, schema versions.</summary>
public sealed class StoreTests
{
    private static readonly IReadOnlyList<IncidentLifeEvent> Events = LifeEvents.Of(ScriptedCounty.Build());

    [Fact]
    public async Task ARestart_LoadsExactlyWhatWasCommitted()
    {
        using var directory = new TempDirectory();
        var first = await Projections.StartAsync(directory.Path);
        await first.ApplyBatchAsync([.. Events.Take(1000)], CancellationToken.None);
        await Task.WhenAll(Events.Skip(1000).Select(e => first.HandleAsync(LifeEvents.Cloud(e), CancellationToken.None)));
        var committed = first.Current;
        await first.StopAsync(CancellationToken.None);

        await using var second = await Projections.StartAsync(directory.Path);

        Assert.Empty(AnalyticsComparison.Differences(committed, second.Current));
        Assert.Equal(Events.Count, second.Current.Position);
        var stored = SqliteAnalyticsStore.ReadFile(directory.DatabasePath);
        Assert.Equal(ScriptedCounty.Total, stored.Incidents.Count);
        // Each incident's row is the event of its highest version.
        var newest = Events.GroupBy(e => e.IncidentId).ToDictionary(g => g.Key, g => g.MaxBy(e => e.IncidentVersion)!);
        Assert.All(stored.Incidents, row =>
        {
            Assert.Equal(newest[row.IncidentId].IncidentVersion, row.Version);
            Assert.Equal(newest[row.IncidentId].Position, row.Position);
        });
    }

    [Fact]
    public async Task AFailingCommit_AnswersRetryForItsWholeGroup_AndAppliesNothingOfIt()
    {
        using var directory = new TempDirectory();
        var before = Events.Take(100).ToList();
        var setup = await Projections.StartAsync(directory.Path);
        await setup.ApplyBatchAsync(before, CancellationToken.None);
        await setup.StopAsync(CancellationToken.None);
        // A real SQLite failure in the middle of the transaction: rows of other incidents are written before it.
        var poisoned = Events.Skip(100).First(e => e.IncidentVersion == 1);
        Sql(directory.DatabasePath,
            $"CREATE TRIGGER poison BEFORE INSERT ON incidents WHEN NEW.incident_id = '{poisoned.IncidentId}' BEGIN SELECT RAISE(ABORT, 'poisoned'); END;");
        var stored = SqliteAnalyticsStore.ReadFile(directory.DatabasePath);

        await using var projection = Projections.Create(directory.Path);
        // Queued before the writer starts, so one commit takes them all.
        var group = Events.Skip(100).Take(400).ToList();
        Assert.Contains(poisoned, group);
        var deliveries = group.Select(e => projection.HandleAsync(LifeEvents.Cloud(e), CancellationToken.None)).ToList();
        await projection.StartAsync(CancellationToken.None);
        var loaded = projection.Current;
        var outcomes = await Task.WhenAll(deliveries);

        Assert.All(outcomes, o => Assert.Equal(DeliveryOutcome.Retry, o));
        Assert.Same(loaded, projection.Current);
        Assert.Empty(AnalyticsComparison.Differences(stored, SqliteAnalyticsStore.ReadFile(directory.DatabasePath)));

        // Once the fault is gone, the broker's redelivery succeeds.
        Sql(directory.DatabasePath, "DROP TRIGGER poison;");
        var redelivered = await Task.WhenAll(group.Select(e => projection.HandleAsync(LifeEvents.Cloud(e), CancellationToken.None)));
        Assert.All(redelivered, o => Assert.Equal(DeliveryOutcome.Success, o));
        Assert.Equal(group.Max(e => e.Position), projection.Current.Position);
    }

    [Fact]
    public async Task TheLockFile_RefusesASecondOpener_UntilTheFirstCloses()
    {
        using var directory = new TempDirectory();
        var first = await Projections.StartAsync(directory.Path);

        var second = new SqliteAnalyticsStore(SqliteAnalyticsStoreOptions.InDirectory(directory.Path));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => second.OpenAsync(CancellationToken.None));
        Assert.Contains("analytics.lock", refused.Message, StringComparison.Ordinal);
        var rebuild = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AnalyticsRebuild.RebuildAsync(directory.Path, Batches([Events]), CancellationToken.None));
        Assert.Contains("rebuild", rebuild.Message, StringComparison.Ordinal);

        await first.StopAsync(CancellationToken.None);
        await using (second)
        {
            Assert.Equal(0, (await second.OpenAsync(CancellationToken.None)).Position);
        }
    }

    [Fact]
    public async Task AFileOfAnotherSchemaVersion_IsRefusedWithTheWayOut()
    {
        using var directory = new TempDirectory();
        await (await Projections.StartAsync(directory.Path)).StopAsync(CancellationToken.None);
        Sql(directory.DatabasePath, "UPDATE schema_version SET version = 99;");

        var store = new SqliteAnalyticsStore(SqliteAnalyticsStoreOptions.InDirectory(directory.Path));
        await using (store)
        {
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => store.OpenAsync(CancellationToken.None));
            Assert.Contains("schema version 99", e.Message, StringComparison.Ordinal);
            Assert.Contains("rebuild", e.Message, StringComparison.Ordinal);
        }
    }

    internal static async IAsyncEnumerable<IReadOnlyList<IncidentLifeEvent>> Batches(IEnumerable<IReadOnlyList<IncidentLifeEvent>> batches)
    {
        foreach (var batch in batches)
        {
            await Task.Yield();
            yield return batch;
        }
    }

    internal static void Sql(string databasePath, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
