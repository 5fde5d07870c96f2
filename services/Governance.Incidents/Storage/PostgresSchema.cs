using Npgsql;

namespace Governance.Incidents.Storage;

/// <summary>
/// Creates a part of the incident service's schema in the event store's PostgreSQL database, once, even when several
/// replicas start at once: under a transaction-level advisory lock of that part, stamped with its version in
/// <c>component_schema</c>. Parts are projections (the deadline index, the relay checkpoint), so a stored version other
/// than this build's is not migrated but dropped and rebuilt, and the caller is told why.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>Applies <paramref name="create"/> for the component; returns why its old tables were dropped, or null.</summary>
    public static async Task<string?> EnsureAsync(
        NpgsqlDataSource dataSource, string component, int version, string create, string drop, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockPart = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1);", connection, transaction))
        {
            lockPart.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Governance.EventStore.PostgresLease.KeyOf($"schema:{component}") });
            await lockPart.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await Execute(connection, transaction,
            "CREATE TABLE IF NOT EXISTS component_schema (component text PRIMARY KEY, version int NOT NULL);", cancellationToken).ConfigureAwait(false);
        int? stored;
        await using (var read = new NpgsqlCommand("SELECT version FROM component_schema WHERE component = $1;", connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = component });
            stored = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as int?;
        }
        string? reason = null;
        if (stored is { } old && old != version)
        {
            await Execute(connection, transaction, drop, cancellationToken).ConfigureAwait(false);
            reason = $"its schema version was {old}, not {version}";
        }
        await Execute(connection, transaction, create, cancellationToken).ConfigureAwait(false);
        await using (var stamp = new NpgsqlCommand(
            "INSERT INTO component_schema (component, version) VALUES ($1, $2) ON CONFLICT (component) DO UPDATE SET version = excluded.version;",
            connection, transaction))
        {
            stamp.Parameters.Add(new NpgsqlParameter<string> { TypedValue = component });
            stamp.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
            await stamp.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return reason;
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
