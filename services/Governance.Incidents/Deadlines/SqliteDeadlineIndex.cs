using System.Globalization;
using Governance.Domain.Incidents;
using Governance.EventStore;
using Microsoft.Data.Sqlite;
using static Governance.EventStore.SqliteStatements;

namespace Governance.Incidents.Deadlines;

/// <summary>
/// The due-time index in its own SQLite file beside the event store (WAL, synchronous=NORMAL). Its own file, because
/// it is a projection: deleting it costs a rebuild from the log, never data, and it never competes with the event
/// store's single writer for the write lock. One connection, used by one scheduler at a time.
/// </summary>
public sealed class SqliteDeadlineIndex(string path) : IDeadlineIndex
{
    /// <summary>Stored in PRAGMA user_version. A file of another version is rebuilt, not migrated: it is a projection.</summary>
    public const int SchemaVersion = 1;

    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    // Times are microseconds since the Unix epoch (UTC), as in the event store.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS pending_alarms (
            incident_id     TEXT    NOT NULL,
            department_code TEXT    NOT NULL,
            kind            INTEGER NOT NULL,
            level           INTEGER NOT NULL,
            due_at          INTEGER NOT NULL,
            PRIMARY KEY (incident_id, department_code, kind, level)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS pending_alarms_due_at ON pending_alarms (due_at);
        CREATE TABLE IF NOT EXISTS deferred_incidents (incident_id TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL) STRICT;
        INSERT OR IGNORE INTO checkpoint (id, position) VALUES (1, 0);
        """;

    private readonly SqliteSerialConnection _connection = new($"the deadline index {System.IO.Path.GetFullPath(path)}");

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string? RebuildReason { get; private set; }

    public Task OpenAsync(CancellationToken cancellationToken) => _connection.OpenAsync(() =>
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        RebuildReason = null;
        SqliteConnection? connection;
        string? reason;
        try
        {
            (connection, reason) = OpenFile();
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
        {
            (connection, reason) = (null, $"the file is unreadable ({e.Message})");
        }
        if (reason is null && connection is not null)
        {
            return connection;
        }
        connection?.Dispose();
        SqliteFiles.Delete(Path);
        var fresh = OpenFile().Connection ?? throw new InvalidOperationException($"The deadline index {Path} cannot be created afresh.");
        RebuildReason = reason;
        return fresh;
    }, cancellationToken);

    /// <summary>Opens and migrates the file; a reason instead when its content cannot be trusted and it must go.</summary>
    private (SqliteConnection? Connection, string? RebuildReason) OpenFile()
    {
        var connection = SqliteFiles.Open(Path);
        try
        {
            var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
            var tables = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_schema;"), CultureInfo.InvariantCulture);
            if (tables > 0 && version != SchemaVersion)
            {
                connection.Dispose();
                return (null, $"its schema version is {version}, not {SchemaVersion}");
            }
            if (Scalar(connection, "PRAGMA quick_check;") is not "ok")
            {
                connection.Dispose();
                return (null, "its integrity check failed");
            }
            SqliteFiles.UseWal(connection, $"The deadline index {Path}");
            // NORMAL, not FULL: rows and checkpoint share each transaction, and WAL keeps a transaction whole or drops
            // it whole, so a power cut can only take the index back to an earlier, consistent checkpoint. Catching up
            // from there rebuilds what was lost from the event store (which is FULL), and an alarm whose deletion was
            // lost fires again into a decision that writes nothing. An fsync per batch would buy nothing but load on
            // the disk the event store commits to.
            Execute(connection, "PRAGMA synchronous = NORMAL;");
            Execute(connection, "BEGIN IMMEDIATE;");
            Execute(connection, Schema);
            Execute(connection, $"PRAGMA user_version = {SchemaVersion.ToString(CultureInfo.InvariantCulture)};");
            Execute(connection, "COMMIT;");
            return (connection, null);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public Task<long> GetCheckpointAsync(CancellationToken cancellationToken) =>
        _connection.RunAsync(c => Convert.ToInt64(Scalar(c, "SELECT position FROM checkpoint WHERE id = 1;"), CultureInfo.InvariantCulture), cancellationToken);

    public Task ApplyAsync(IReadOnlyCollection<IncidentAlarms> replaced, IReadOnlyCollection<string> deferred, long checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replaced);
        ArgumentNullException.ThrowIfNull(deferred);
        return _connection.RunAsync(connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var current = Convert.ToInt64(Scalar(connection, "SELECT position FROM checkpoint WHERE id = 1;"), CultureInfo.InvariantCulture);
            if (checkpoint < current)
            {
                throw new InvalidOperationException($"The deadline index is at position {current}; it cannot move back to {checkpoint}.");
            }
            using var deleteRows = Command(connection, "DELETE FROM pending_alarms WHERE incident_id = $incident;", "$incident");
            using var undefer = Command(connection, "DELETE FROM deferred_incidents WHERE incident_id = $incident;", "$incident");
            using var insert = Command(connection,
                "INSERT INTO pending_alarms (incident_id, department_code, kind, level, due_at) VALUES ($incident, $department, $kind, $level, $due);",
                "$incident", "$department", "$kind", "$level", "$due");
            foreach (var incident in replaced)
            {
                Run(deleteRows, incident.IncidentId);
                Run(undefer, incident.IncidentId);
                foreach (var alarm in incident.Alarms)
                {
                    if (alarm.IncidentId != incident.IncidentId)
                    {
                        throw new ArgumentException($"An alarm of incident {alarm.IncidentId} is listed under incident {incident.IncidentId}.", nameof(replaced));
                    }
                    Run(insert, alarm.IncidentId, alarm.DepartmentCode, (long)alarm.Kind, (long)alarm.Level, ToMicros(alarm.DueAt));
                }
            }
            using var defer = Command(connection, "INSERT OR IGNORE INTO deferred_incidents (incident_id) VALUES ($incident);", "$incident");
            foreach (var incidentId in deferred)
            {
                Run(defer, incidentId);
            }
            using var move = Command(connection, "UPDATE checkpoint SET position = $position WHERE id = 1;", "$position");
            Run(move, checkpoint);
            transaction.Commit();
            return 0;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<string>> GetDeferredAsync(CancellationToken cancellationToken) => _connection.RunAsync<IReadOnlyList<string>>(connection =>
    {
        using var command = Command(connection, "SELECT incident_id FROM deferred_incidents ORDER BY incident_id;");
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }, cancellationToken);

    public Task<IReadOnlyList<DueAlarm>> GetDueAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken) =>
        _connection.RunAsync(connection =>
        {
            using var command = Command(connection,
                "SELECT incident_id, department_code, kind, level, due_at FROM pending_alarms WHERE due_at <= $now ORDER BY due_at LIMIT $max;",
                "$now", "$max");
            command.Parameters[0].Value = ToMicros(now);
            command.Parameters[1].Value = (long)maxCount;
            return ReadAlarms(command);
        }, cancellationToken);

    public Task<DateTimeOffset?> GetNextDueAfterAsync(DateTimeOffset after, CancellationToken cancellationToken) =>
        _connection.RunAsync(connection =>
        {
            using var command = Command(connection, "SELECT min(due_at) FROM pending_alarms WHERE due_at > $after;", "$after");
            command.Parameters[0].Value = ToMicros(after);
            return command.ExecuteScalar() is long micros ? FromMicros(micros) : (DateTimeOffset?)null;
        }, cancellationToken);

    public Task<IReadOnlyList<DueAlarm>> GetAlarmsAsync(string incidentId, CancellationToken cancellationToken) =>
        _connection.RunAsync(connection =>
        {
            using var command = Command(connection,
                "SELECT incident_id, department_code, kind, level, due_at FROM pending_alarms WHERE incident_id = $incident ORDER BY due_at, department_code, kind, level;",
                "$incident");
            command.Parameters[0].Value = incidentId;
            return ReadAlarms(command);
        }, cancellationToken);

    public Task<bool> RemoveAsync(DueAlarm alarm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        return _connection.RunAsync(connection =>
        {
            using var command = Command(connection,
                "DELETE FROM pending_alarms WHERE incident_id = $incident AND department_code = $department AND kind = $kind AND level = $level AND due_at = $due;",
                "$incident", "$department", "$kind", "$level", "$due");
            return Run(command, alarm.IncidentId, alarm.DepartmentCode, (long)alarm.Kind, (long)alarm.Level, ToMicros(alarm.DueAt)) > 0;
        }, cancellationToken);
    }

    public Task ResetAsync(CancellationToken cancellationToken) => _connection.RunAsync(connection =>
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, "DELETE FROM pending_alarms; DELETE FROM deferred_incidents; UPDATE checkpoint SET position = 0 WHERE id = 1;");
        transaction.Commit();
        return 0;
    }, cancellationToken);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private static IReadOnlyList<DueAlarm> ReadAlarms(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var alarms = new List<DueAlarm>();
        while (reader.Read())
        {
            alarms.Add(new DueAlarm(reader.GetString(0), reader.GetString(1), (DeadlineKind)reader.GetInt64(2), (AlarmLevel)reader.GetInt64(3),
                FromMicros(reader.GetInt64(4))));
        }
        return alarms;
    }

    private static int Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
        return command.ExecuteNonQuery();
    }

    private static long ToMicros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    private static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);
}
