namespace Governance.EventStore.Tests;

/// <summary>A database path in a private temp folder, removed with everything SQLite put beside it.</summary>
public sealed class TempDatabase : IDisposable
{
    private readonly string _directory;

    public TempDatabase()
    {
        _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "governance-eventstore-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        Path = System.IO.Path.Combine(_directory, "events.db");
    }

    public string Path { get; }

    public SqliteEventStore OpenStore(bool cacheVersions = true, TimeProvider? time = null, int maxBatchSize = 512) => new(
        new SqliteEventStoreOptions { DataSource = Path, CacheStreamVersions = cacheVersions, MaxBatchSize = maxBatchSize },
        time ?? TimeProvider.System);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling handle must not fail a test; the temp folder is cleaned by the OS eventually.
        }
    }
}
