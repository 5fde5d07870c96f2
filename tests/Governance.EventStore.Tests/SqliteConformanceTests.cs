using Governance.EventStore.Conformance;

namespace Governance.EventStore.Tests;

public sealed class SqliteConformanceTests : EventStoreConformanceTests
{
    private readonly TempDatabase _database = new();

    protected override Task<IEventStore> CreateStoreAsync() => Task.FromResult<IEventStore>(_database.OpenStore());

    protected override Task<IEventStore> OpenSecondInstanceAsync() => Task.FromResult<IEventStore>(_database.OpenStore());

    protected override Task DeleteStorageAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The same contract with the writer's version cache off: every append reads the version from the file.</summary>
public sealed class SqliteWithoutVersionCacheConformanceTests : EventStoreConformanceTests
{
    private readonly TempDatabase _database = new();

    protected override Task<IEventStore> CreateStoreAsync() => Task.FromResult<IEventStore>(_database.OpenStore(cacheVersions: false));

    protected override Task<IEventStore> OpenSecondInstanceAsync() => Task.FromResult<IEventStore>(_database.OpenStore(cacheVersions: false));

    protected override Task DeleteStorageAsync()
    {
        _database.Dispose();
        return Task.CompletedTask;
    }
}
