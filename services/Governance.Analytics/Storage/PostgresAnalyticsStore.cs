using System.Data;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Governance.Analytics.Storage;

/// <summary>
/// The analytics store on PostgreSQL, shared by every replica of the analytics service. The broker hands each event
/// to one replica, so each commits only part of the incident life; all of them must still answer the same rates.
/// Each commits what it received (a row is replaced only by a higher version, whoever wrote it) and reads what the
/// others committed through <see cref="ReadChangesAsync"/>.
/// </summary>
/// <remarks>
/// <para>
/// Every commit is numbered by a change sequence without gaps: it first moves the one row of
/// <c>analytics.commit_head</c> (an UPDATE, which holds that row's lock to the end of the transaction just as a
/// <c>SELECT ... FOR UPDATE</c> would, in one statement less), stamps the rows it changes with the new number, and
/// commits. PostgreSQL makes a commit visible before it releases the transaction's locks, so commit n+1 can take its
/// number only once commit n is visible: a reader that has seen the head at n has everything numbered up to n, and
/// reading <c>change_seq &gt; n</c> next never misses a commit that becomes visible later with a lower number. The
/// price is that commits of all replicas take turns; each is one group commit of many events, so the turns are few.
/// </para>
/// <para>
/// A row overwritten by a later commit carries the later number only, so a reader behind by several commits reads
/// each changed incident once, at its newest version. The tables live in a schema of their own (<c>analytics</c>),
/// so the store can share a database with the event store, whose tables (and schema_version) are in public.
/// Durable when CommitAsync returns as long as the server keeps synchronous_commit on (its default).
/// </para>
/// </remarks>
public sealed class PostgresAnalyticsStore : IAnalyticsStore
{
    /// <summary>The newest schema this code knows. A database stamped newer is refused: an older build could corrupt it.</summary>
    public const int SchemaVersion = 1;

    // Any constant, distinct from the event store's: makes replicas starting at once migrate one after the other.
    private const long MigrationLockKey = 0x476F76_416E61; // "GovAna"

    // Step n brings the schema from version n-1 to n; a later version appends a step and never edits one.
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE analytics.incidents (
            incident_id text   PRIMARY KEY,
            version     bigint NOT NULL CHECK (version >= 1),
            position    bigint NOT NULL,
            facts       bytea  NOT NULL,
            change_seq  bigint NOT NULL
        );
        CREATE INDEX incidents_change_seq ON analytics.incidents (change_seq);
        CREATE TABLE analytics.commit_head (
            id         int    PRIMARY KEY CHECK (id = 1),
            change_seq bigint NOT NULL,
            position   bigint NOT NULL
        );
        INSERT INTO analytics.commit_head (id, change_seq, position) VALUES (1, 0, 0);
        """,
    ];

    private const string MoveHead =
        "UPDATE analytics.commit_head SET change_seq = change_seq + 1, position = greatest(position, $1) WHERE id = 1 RETURNING change_seq;";

    // The WHERE keeps every row monotonic whoever writes it: a replica that has not yet read another's newer version
    // cannot put an older one back. The head's number is read back in the same transaction, after the UPDATE above.
    private const string Upsert = """
        INSERT INTO analytics.incidents AS stored (incident_id, version, position, facts, change_seq)
        SELECT u.incident_id, u.version, u.position, u.facts, (SELECT change_seq FROM analytics.commit_head WHERE id = 1)
        FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bytea[]) AS u (incident_id, version, position, facts)
        ON CONFLICT (incident_id) DO UPDATE
        SET version = excluded.version, position = excluded.position, facts = excluded.facts, change_seq = excluded.change_seq
        WHERE excluded.version > stored.version
        RETURNING stored.incident_id;
        """;

    // One statement, so the head and the rows come from one snapshot: the rows are every change up to that head.
    private const string Changes = """
        SELECT h.change_seq, h.position, i.incident_id, i.version, i.position, i.facts, i.change_seq
        FROM analytics.commit_head h
        LEFT JOIN LATERAL (
            SELECT incident_id, version, position, facts, change_seq FROM analytics.incidents
            WHERE change_seq > $1 AND change_seq <= h.change_seq
            ORDER BY change_seq
            LIMIT $2
        ) i ON true
        WHERE h.id = 1
        ORDER BY i.change_seq;
        """;

    private const string OneCommit = "SELECT incident_id, version, position, facts FROM analytics.incidents WHERE change_seq = $1;";

    private readonly NpgsqlDataSource _dataSource;
    private readonly Lock _gate = new();
    private bool _opening;
    private bool _open;
    private bool _disposed;

    /// <param name="connectionString">An Npgsql connection string (Host, Port, Database, Username, Password ...).</param>
    public PostgresAnalyticsStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Never the password: the description goes into logs and errors.
        Description = $"PostgreSQL {builder.Host}:{builder.Port.ToString(CultureInfo.InvariantCulture)}/{builder.Database ?? builder.Username}";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public string Description { get; }

    /// <summary>Migrates the schema if it is older (or absent) and reads everything. Takes no lock that outlasts the call.</summary>
    public async Task<StoredAnalytics> OpenAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_open || _opening)
            {
                throw new InvalidOperationException($"The analytics store {Description} is already open.");
            }
            _opening = true;
        }
        try
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
            var stored = await ReadAllAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                _open = true;
            }
            return stored;
        }
        finally
        {
            lock (_gate)
            {
                _opening = false;
            }
        }
    }

    public async Task<StoredCommit> CommitAsync(IReadOnlyList<StoredIncident> incidents, long position, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        ThrowIfNotOpen();
        // One row per incident (the highest version handed over): ON CONFLICT may not touch a row twice in one statement.
        var highest = new Dictionary<string, StoredIncident>(incidents.Count, StringComparer.Ordinal);
        foreach (var incident in incidents)
        {
            ArgumentNullException.ThrowIfNull(incident, nameof(incidents));
            if (!highest.TryGetValue(incident.IncidentId, out var other) || incident.Version > other.Version)
            {
                highest[incident.IncidentId] = incident;
            }
        }
        var ids = new string[highest.Count];
        var versions = new long[highest.Count];
        var positions = new long[highest.Count];
        var facts = new byte[highest.Count][];
        var n = 0;
        foreach (var incident in highest.Values)
        {
            ids[n] = incident.IncidentId;
            versions[n] = incident.Version;
            positions[n] = incident.Position;
            facts[n] = StoreRows.AsArray(incident.Facts);
            n++;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var moveHead = new NpgsqlBatchCommand(MoveHead);
        moveHead.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
        var upsert = new NpgsqlBatchCommand(Upsert);
        upsert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
        upsert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = versions });
        upsert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = positions });
        upsert.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = facts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        batch.BatchCommands.Add(moveHead);
        batch.BatchCommands.Add(upsert);

        long sequence;
        var written = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"The analytics store {Description} has no commit head row; its schema is damaged.");
            }
            sequence = reader.GetInt64(0);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                written.Add(reader.GetString(0));
            }
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        if (written.Count == ids.Length)
        {
            return new StoredCommit(sequence, StoreRows.NoneRefused);
        }
        var refused = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (!written.Contains(id))
            {
                refused.Add(id);
            }
        }
        return new StoredCommit(sequence, refused);
    }

    public async Task<StoredChanges> ReadChangesAsync(long afterSequence, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        ThrowIfNotOpen();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        long head;
        long headPosition;
        var rows = new List<(StoredIncident Row, long Sequence)>();
        await using (var command = new NpgsqlCommand(Changes, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSequence });
            // One more than asked, to know whether the last commit read is whole.
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)maxRows + 1 });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"The analytics store {Description} has no commit head row; its schema is damaged.");
            }
            head = reader.GetInt64(0);
            headPosition = reader.GetInt64(1);
            do
            {
                if (!reader.IsDBNull(2))
                {
                    rows.Add((new StoredIncident(reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetFieldValue<byte[]>(5)), reader.GetInt64(6)));
                }
            }
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false));
        }

        if (rows.Count <= maxRows)
        {
            // A head below afterSequence (a database restored or recreated under a running replica) is told as it is.
            return new StoredChanges(head, headPosition, [.. rows.Select(r => r.Row)], More: false);
        }
        var last = rows[^1].Sequence;
        if (rows[0].Sequence != last)
        {
            // Cut before the last commit the page reached, which the limit may have split: every commit below it is whole.
            rows.RemoveAll(r => r.Sequence == last);
            return new StoredChanges(last - 1, 0, [.. rows.Select(r => r.Row)], More: true);
        }
        // One commit bigger than a page: it comes whole. Read in a later snapshot, a row of it since overwritten by a
        // later commit is missing here and comes with that one.
        var whole = new List<StoredIncident>();
        await using (var command = new NpgsqlCommand(OneCommit, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = last });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                whole.Add(new StoredIncident(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3)));
            }
        }
        return last < head ? new StoredChanges(last, 0, whole, More: true) : new StoredChanges(last, headPosition, whole, More: false);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _open = false;
        }
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Creates or brings the schema up to <see cref="SchemaVersion"/> under a transaction-scoped advisory lock, so two
    /// replicas starting on a new database at once do it one after the other (the second finds it done). The lock
    /// goes with the transaction; nothing stays held once the store is open.
    /// </summary>
    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLockKey.ToString(CultureInfo.InvariantCulture)});", cancellationToken).ConfigureAwait(false);
        var stored = 0;
        if (await ScalarAsync(connection, "SELECT to_regclass('analytics.schema_version') IS NOT NULL;", cancellationToken).ConfigureAwait(false) is true)
        {
            stored = await ScalarAsync(connection, "SELECT version FROM analytics.schema_version WHERE id = 1;", cancellationToken).ConfigureAwait(false) is int v ? v : 0;
        }
        else if (await ScalarAsync(connection, "SELECT count(*) FROM pg_tables WHERE schemaname = 'analytics';", cancellationToken).ConfigureAwait(false) is long tables and > 0)
        {
            throw new InvalidOperationException(
                $"{Description} has tables in its analytics schema but no analytics.schema_version: it is not an analytics store. " +
                "Point Analytics:Store:ConnectionString at another database.");
        }
        if (stored > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"The analytics store {Description} has schema version {stored}; this build knows up to version {SchemaVersion}. " +
                "A newer build migrated it: run that build (or a newer one) on every replica.");
        }
        if (stored == SchemaVersion)
        {
            return;
        }
        await ExecuteAsync(connection, """
            CREATE SCHEMA IF NOT EXISTS analytics;
            CREATE TABLE IF NOT EXISTS analytics.schema_version (id int PRIMARY KEY CHECK (id = 1), version int NOT NULL);
            """, cancellationToken).ConfigureAwait(false);
        for (var step = stored; step < SchemaVersion; step++)
        {
            await ExecuteAsync(connection, Migrations[step], cancellationToken).ConfigureAwait(false);
        }
        await ExecuteAsync(connection,
            $"INSERT INTO analytics.schema_version (id, version) VALUES (1, {SchemaVersion.ToString(CultureInfo.InvariantCulture)}) ON CONFLICT (id) DO UPDATE SET version = excluded.version;",
            cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every row and the head they are complete up to, from one snapshot.</summary>
    private async Task<StoredAnalytics> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        long sequence;
        long position;
        await using (var head = new NpgsqlCommand("SELECT change_seq, position FROM analytics.commit_head WHERE id = 1;", connection, transaction))
        await using (var reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"The analytics store {Description} has no commit head row; its schema is damaged.");
            }
            sequence = reader.GetInt64(0);
            position = reader.GetInt64(1);
        }
        var incidents = new List<StoredIncident>();
        await using (var rows = new NpgsqlCommand("SELECT incident_id, version, position, facts FROM analytics.incidents ORDER BY incident_id;", connection, transaction))
        await using (var reader = await rows.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                incidents.Add(new StoredIncident(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3)));
            }
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new StoredAnalytics(position, incidents, sequence);
    }

    private void ThrowIfNotOpen()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_open)
            {
                throw new InvalidOperationException($"The analytics store {Description} is not open; call OpenAsync first.");
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
