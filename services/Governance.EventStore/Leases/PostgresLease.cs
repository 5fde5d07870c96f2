using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Governance.EventStore;

/// <summary>Settings of <see cref="PostgresLease"/>.</summary>
public sealed class PostgresLeaseOptions
{
    public string ConnectionString { get; set; } = "";

    /// <summary>How often a replica without the lease asks for it again.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the holder checks that its session, and so the lock, is still there.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// A lease as a PostgreSQL session-level advisory lock (<c>pg_try_advisory_lock</c>) on a connection of its own. The
/// server releases the lock the moment the session ends, so a holder that dies (killed, crashed, its node gone once
/// TCP keepalive gives up) hands the lease to the next replica that asks, within <see cref="PostgresLeaseOptions.RetryInterval"/>.
/// The holder checks its session every <see cref="PostgresLeaseOptions.CheckInterval"/> and gives the lease up
/// (cancels <see cref="LeaseHandle.Lost"/>) as soon as the check fails.
/// </summary>
/// <remarks>
/// There is a moment, after a holder's connection breaks and before it notices, in which a new holder may already
/// run: for the relay that means a page published twice, which consumers absorb (they are idempotent by event id and
/// keep the highest incident version); for the deadline scheduler an alarm decided twice, and the second decision
/// finds it raised and writes nothing. Neither loses or changes a number, so no fencing token is needed.
/// </remarks>
public sealed class PostgresLease(PostgresLeaseOptions options) : IExclusiveLease
{
    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(options.ConnectionString)
    {
        // A pooled connection outlives its user with its session, and the lock with it: this one is closed for real.
        Pooling = false,
        KeepAlive = 5,
    }.ConnectionString;

    public string Description => $"PostgreSQL advisory locks on {new NpgsqlConnectionStringBuilder(options.ConnectionString) { Password = null }.Host}";

    /// <summary>The advisory-lock key of a lease name: the first 8 bytes of a SHA-256, the same in every replica and build.</summary>
    public static long KeyOf(string name) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"governance.lease\n{name}")));

    /// <summary>The application_name of a lease's session, so an operator sees in pg_stat_activity who holds what.</summary>
    public static string ApplicationName(string name) => $"governance lease {name}";

    public async Task<LeaseHandle> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var key = KeyOf(name);
        var connectionString = new NpgsqlConnectionStringBuilder(_connectionString) { ApplicationName = ApplicationName(name) }.ConnectionString;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            NpgsqlConnection? connection = null;
            try
            {
                connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                while (true)
                {
                    await using (var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock($1);", connection))
                    {
                        tryLock.Parameters.Add(new NpgsqlParameter<long> { TypedValue = key });
                        if ((bool)(await tryLock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                        {
                            var held = connection;
                            connection = null;
                            return Hold(name, key, held);
                        }
                    }
                    await Task.Delay(options.RetryInterval, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is NpgsqlException or System.IO.IOException or TimeoutException)
            {
                // The database is unreachable for now: nobody can be sure of a lease; ask again later.
                await Task.Delay(options.RetryInterval, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private LeaseHandle Hold(string name, long key, NpgsqlConnection connection)
    {
        var lost = new CancellationTokenSource();
        var checking = CancellationTokenSource.CreateLinkedTokenSource(lost.Token);
        var check = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(options.CheckInterval, checking.Token).ConfigureAwait(false);
                    await using var ping = new NpgsqlCommand("SELECT 1;", connection) { CommandTimeout = Math.Max(1, (int)options.CheckInterval.TotalSeconds * 5) };
                    await ping.ExecuteScalarAsync(checking.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (checking.IsCancellationRequested)
            {
                // Released.
            }
            catch (Exception)
            {
                // The session is gone or cannot answer; the server frees the lock when it ends, maybe already.
                await lost.CancelAsync().ConfigureAwait(false);
            }
        }, CancellationToken.None);
        return new LeaseHandle(name, lost, async () =>
        {
            await checking.CancelAsync().ConfigureAwait(false);
            await check.ConfigureAwait(false);
            checking.Dispose();
            try
            {
                if (connection.FullState == System.Data.ConnectionState.Open)
                {
                    await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1);", connection);
                    unlock.Parameters.Add(new NpgsqlParameter<long> { TypedValue = key });
                    await unlock.ExecuteScalarAsync().ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is NpgsqlException or System.IO.IOException or TimeoutException or InvalidOperationException)
            {
                // Closing the session below frees the lock anyway.
            }
            await connection.DisposeAsync().ConfigureAwait(false);
        });
    }
}
