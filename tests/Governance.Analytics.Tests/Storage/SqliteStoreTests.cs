using Governance.Analytics.Storage;
using Governance.Analytics.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Governance.Analytics.Tests.Storage;

/// <summary>The store contract on the projection's own SQLite file, and the lock that keeps it to one process.</summary>
public sealed class SqliteStoreTests : StoreContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override string WayOutOfANewerSchema => "rebuild";

    protected override IAnalyticsStore NewStore() => new SqliteAnalyticsStore(SqliteAnalyticsStoreOptions.InDirectory(_directory.Path));

    protected override Task<StoredAnalytics> ReadStoredAsync() => Task.FromResult(SqliteAnalyticsStore.ReadFile(_directory.DatabasePath));

    protected override Task PoisonAsync(string incidentId)
    {
        Sql(_directory.DatabasePath,
            $"CREATE TRIGGER poison BEFORE INSERT ON incidents WHEN NEW.incident_id = '{incidentId}' BEGIN SELECT RAISE(ABORT, 'poisoned'); END;");
        return Task.CompletedTask;
    }

    protected override Task CureAsync()
    {
        Sql(_directory.DatabasePath, "DROP TRIGGER poison;");
        return Task.CompletedTask;
    }

    protected override Task StampSchemaVersionAsync(int version)
    {
        Sql(_directory.DatabasePath, $"UPDATE schema_version SET version = {version};");
        return Task.CompletedTask;
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task TheLockFile_RefusesASecondOpener_UntilTheFirstCloses()
    {
        var first = await Projections.StartAsync(_directory.Path);

        var second = new SqliteAnalyticsStore(SqliteAnalyticsStoreOptions.InDirectory(_directory.Path));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => second.OpenAsync(CancellationToken.None));
        Assert.Contains("analytics.lock", refused.Message, StringComparison.Ordinal);
        var rebuild = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AnalyticsRebuild.RebuildAsync(_directory.Path, LifeEvents.Batches([Events]), CancellationToken.None));
        Assert.Contains("rebuild", rebuild.Message, StringComparison.Ordinal);

        await first.StopAsync(CancellationToken.None);
        await using (second)
        {
            Assert.Equal(0, (await second.OpenAsync(CancellationToken.None)).Position);
        }
    }

    private static void Sql(string databasePath, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
