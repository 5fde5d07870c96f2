using Governance.Incidents.Storage;
using Npgsql;

namespace Governance.Incidents.Publishing;

/// <summary>
/// The relay checkpoint in the event store's PostgreSQL database, shared by every replica: whichever replica takes the
/// relay lease resumes where the last holder stopped, instead of publishing the log again from the start. The data
/// source is the service's, shared with the deadline index, and not owned here.
/// </summary>
public sealed class PostgresRelayCheckpoint(NpgsqlDataSource dataSource) : IRelayCheckpoint
{
    private const int SchemaVersion = 1;

    private readonly NpgsqlDataSource _dataSource = dataSource;

    public string Description => "the relay_checkpoints table of the PostgreSQL store";

    public string? ResetReason { get; private set; }

    public async Task OpenAsync(CancellationToken cancellationToken) =>
        ResetReason = await PostgresSchema.EnsureAsync(_dataSource, "relay_checkpoints", SchemaVersion, """
            CREATE TABLE IF NOT EXISTS relay_checkpoints (
                name       text        PRIMARY KEY,
                position   bigint      NOT NULL CHECK (position >= 0),
                updated_at timestamptz NOT NULL
            );
            """, "DROP TABLE IF EXISTS relay_checkpoints;", cancellationToken).ConfigureAwait(false);

    public async Task<long> GetAsync(string relayName, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT position FROM relay_checkpoints WHERE name = $1;");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = relayName });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long position ? position : 0L;
    }

    public async Task SetAsync(string relayName, long position, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO relay_checkpoints (name, position, updated_at) VALUES ($1, $2, $3)
            ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at;
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = relayName });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at.ToUniversalTime() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
