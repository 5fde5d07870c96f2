using Governance.Domain.Incidents;
using Governance.Incidents.Storage;
using Npgsql;

namespace Governance.Incidents.Deadlines;

/// <summary>
/// The due-time index in the event store's PostgreSQL database, shared by every replica: only the replica holding the
/// deadline lease writes it, and the next holder carries on from the same rows and checkpoint. Rows and checkpoint
/// change in one transaction, as in <see cref="SqliteDeadlineIndex"/>. The data source is the service's, shared with
/// the relay checkpoint, and not owned here.
/// </summary>
public sealed class PostgresDeadlineIndex(NpgsqlDataSource dataSource) : IDeadlineIndex
{
    private const int SchemaVersion = 1;

    private const string Create = """
        CREATE TABLE IF NOT EXISTS deadline_pending_alarms (
            incident_id     text        NOT NULL,
            department_code text        NOT NULL,
            kind            int         NOT NULL,
            level           int         NOT NULL,
            due_at          timestamptz NOT NULL,
            PRIMARY KEY (incident_id, department_code, kind, level)
        );
        CREATE INDEX IF NOT EXISTS deadline_pending_alarms_due_at ON deadline_pending_alarms (due_at);
        CREATE TABLE IF NOT EXISTS deadline_deferred_incidents (incident_id text PRIMARY KEY);
        CREATE TABLE IF NOT EXISTS deadline_checkpoint (id int PRIMARY KEY CHECK (id = 1), position bigint NOT NULL);
        INSERT INTO deadline_checkpoint (id, position) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
        """;

    private const string Drop = "DROP TABLE IF EXISTS deadline_pending_alarms, deadline_deferred_incidents, deadline_checkpoint;";

    private const string AlarmColumns = "incident_id, department_code, kind, level, due_at";

    private readonly NpgsqlDataSource _dataSource = dataSource;

    public string? RebuildReason { get; private set; }

    public async Task OpenAsync(CancellationToken cancellationToken) =>
        RebuildReason = await PostgresSchema.EnsureAsync(_dataSource, "deadline_index", SchemaVersion, Create, Drop, cancellationToken).ConfigureAwait(false);

    public async Task<long> GetCheckpointAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT position FROM deadline_checkpoint WHERE id = 1;");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task ApplyAsync(IReadOnlyCollection<IncidentAlarms> replaced, IReadOnlyCollection<string> deferred, long checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replaced);
        ArgumentNullException.ThrowIfNull(deferred);
        var incidentIds = new List<string>(replaced.Count);
        var alarms = new List<DueAlarm>();
        foreach (var incident in replaced)
        {
            incidentIds.Add(incident.IncidentId);
            foreach (var alarm in incident.Alarms)
            {
                if (alarm.IncidentId != incident.IncidentId)
                {
                    throw new ArgumentException($"An alarm of incident {alarm.IncidentId} is listed under incident {incident.IncidentId}.", nameof(replaced));
                }
                alarms.Add(alarm);
            }
        }
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        long current;
        await using (var read = new NpgsqlCommand("SELECT position FROM deadline_checkpoint WHERE id = 1 FOR UPDATE;", connection, transaction))
        {
            current = (long)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        if (checkpoint < current)
        {
            throw new InvalidOperationException($"The deadline index is at position {current}; it cannot move back to {checkpoint}.");
        }
        // Whole arrays per statement: a batch of a few hundred incidents is four round trips, not a thousand.
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command("DELETE FROM deadline_pending_alarms WHERE incident_id = ANY($1);", incidentIds.ToArray()));
            batch.BatchCommands.Add(Command("DELETE FROM deadline_deferred_incidents WHERE incident_id = ANY($1);", incidentIds.ToArray()));
            var insert = new NpgsqlBatchCommand($"""
                INSERT INTO deadline_pending_alarms ({AlarmColumns})
                SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::timestamptz[]);
                """);
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. alarms.Select(a => a.IncidentId)] });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. alarms.Select(a => a.DepartmentCode)] });
            insert.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. alarms.Select(a => (int)a.Kind)] });
            insert.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. alarms.Select(a => (int)a.Level)] });
            insert.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. alarms.Select(a => a.DueAt.UtcDateTime)] });
            batch.BatchCommands.Add(insert);
            batch.BatchCommands.Add(Command(
                "INSERT INTO deadline_deferred_incidents (incident_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING;", deferred.ToArray()));
            var move = new NpgsqlBatchCommand("UPDATE deadline_checkpoint SET position = $1 WHERE id = 1;");
            move.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpoint });
            batch.BatchCommands.Add(move);
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> GetDeferredAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT incident_id FROM deadline_deferred_incidents ORDER BY incident_id;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    public async Task<IReadOnlyList<DueAlarm>> GetDueAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {AlarmColumns} FROM deadline_pending_alarms WHERE due_at <= $1 ORDER BY due_at LIMIT $2;");
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxCount });
        return await ReadAlarmsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DateTimeOffset?> GetNextDueAfterAsync(DateTimeOffset after, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT min(due_at) FROM deadline_pending_alarms WHERE due_at > $1;");
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = after.UtcDateTime });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime next
            ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc))
            : null;
    }

    public async Task<IReadOnlyList<DueAlarm>> GetAlarmsAsync(string incidentId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT {AlarmColumns} FROM deadline_pending_alarms WHERE incident_id = $1 ORDER BY due_at, department_code, kind, level;");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = incidentId });
        return await ReadAlarmsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveAsync(DueAlarm alarm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        await using var command = _dataSource.CreateCommand(
            "DELETE FROM deadline_pending_alarms WHERE incident_id = $1 AND department_code = $2 AND kind = $3 AND level = $4 AND due_at = $5;");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = alarm.IncidentId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = alarm.DepartmentCode });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)alarm.Kind });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)alarm.Level });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = alarm.DueAt.UtcDateTime });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "BEGIN; DELETE FROM deadline_pending_alarms; DELETE FROM deadline_deferred_incidents; UPDATE deadline_checkpoint SET position = 0 WHERE id = 1; COMMIT;");
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static NpgsqlBatchCommand Command(string sql, string[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = values });
        return command;
    }

    private static async Task<IReadOnlyList<DueAlarm>> ReadAlarmsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var alarms = new List<DueAlarm>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            alarms.Add(new DueAlarm(reader.GetString(0), reader.GetString(1), (DeadlineKind)reader.GetInt32(2), (AlarmLevel)reader.GetInt32(3),
                new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc))));
        }
        return alarms;
    }
}
