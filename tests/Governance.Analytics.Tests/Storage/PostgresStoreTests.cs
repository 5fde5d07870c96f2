using Governance.Analytics.Storage;
using Governance.EventStore.Conformance;
using Governance.Testing;
using Npgsql;

namespace Governance.Analytics.Tests.Storage;

/// <summary>
/// The store contract on a real PostgreSQL (apt's server, started by the tests on 127.0.0.1, a database per test).
/// Skipped with the install command where PostgreSQL is missing, unless GOVERNANCE_REQUIRE_POSTGRES=1.
/// </summary>
[SkipConformanceWhen(typeof(TestPostgres), nameof(TestPostgres.SkipReason))]
public sealed class PostgresStoreTests : StoreContractTests
{
    private string _connectionString = "";

    protected override string WayOutOfANewerSchema => "run that build";

    public override async Task InitializeAsync() => _connectionString = await (await TestPostgres.GetAsync()).CreateDatabaseAsync();

    public override async Task DisposeAsync() => await (await TestPostgres.GetAsync()).DropDatabaseAsync(_connectionString);

    protected override IAnalyticsStore NewStore() => new PostgresAnalyticsStore(_connectionString);

    protected override async Task<StoredAnalytics> ReadStoredAsync()
    {
        await using var store = NewStore();
        return await store.OpenAsync(CancellationToken.None);
    }

    protected override Task PoisonAsync(string incidentId) => Sql(_connectionString, $"""
        CREATE FUNCTION analytics.poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.incident_id = '{incidentId}' THEN RAISE EXCEPTION 'poisoned'; END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER poison BEFORE INSERT ON analytics.incidents FOR EACH ROW EXECUTE FUNCTION analytics.poison();
        """);

    protected override Task CureAsync() => Sql(_connectionString, "DROP TRIGGER poison ON analytics.incidents; DROP FUNCTION analytics.poison();");

    protected override Task StampSchemaVersionAsync(int version) => Sql(_connectionString, $"UPDATE analytics.schema_version SET version = {version};");

    internal static async Task Sql(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
