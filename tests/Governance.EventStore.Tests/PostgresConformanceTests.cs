using Governance.EventStore.Conformance;
using Governance.Testing;

namespace Governance.EventStore.Tests;

/// <summary>
/// The store contract on a real PostgreSQL (apt's server, started by the tests on 127.0.0.1, a database per test).
/// Skipped with the install command where PostgreSQL is missing, unless GOVERNANCE_REQUIRE_POSTGRES=1 (.ci/run).
/// </summary>
[SkipConformanceWhen(typeof(TestPostgres), nameof(TestPostgres.SkipReason))]
public sealed class PostgresConformanceTests : EventStoreConformanceTests
{
    private string? _connectionString;

    protected override async Task<IEventStore> CreateStoreAsync()
    {
        _connectionString = await (await TestPostgres.GetAsync()).CreateDatabaseAsync();
        return Open();
    }

    protected override Task<IEventStore> OpenSecondInstanceAsync() => Task.FromResult(Open());

    protected override async Task DeleteStorageAsync()
    {
        if (_connectionString is not null)
        {
            await (await TestPostgres.GetAsync()).DropDatabaseAsync(_connectionString);
        }
    }

    private IEventStore Open() => new PostgresEventStore(new PostgresEventStoreOptions
    {
        ConnectionString = _connectionString!,
        PollInterval = TimeSpan.FromMilliseconds(50),
    });
}
