namespace Governance.EventStore;

public sealed class SqliteEventStoreOptions
{
    /// <summary>Path of the database file; created if missing. WAL mode needs a real file, not ":memory:".</summary>
    public string DataSource { get; set; } = "";

    /// <summary>
    /// True (default): synchronous=FULL, every acknowledged append survives a process kill and a power cut.
    /// False: synchronous=NORMAL, survives a process kill but the last commits may be lost on power loss.
    /// </summary>
    public bool Durable { get; set; } = true;

    /// <summary>Most appends committed in one transaction (one sync) by the writer.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>Read connections kept open, each with its prepared statements; also the number of concurrent reads.</summary>
    public int ReadConnections { get; set; } = Math.Clamp(Environment.ProcessorCount * 2, 4, 16);

    /// <summary>How often a waiter looks at the file for appends made by other processes.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long an operation waits for a lock held by another process before it fails.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether the writer remembers the versions of streams it wrote. It is validated on every
    /// batch against PRAGMA data_version, so it stays correct when other processes write the file.
    /// </summary>
    public bool CacheStreamVersions { get; set; } = true;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataSource))
        {
            throw new ArgumentException("A data source (file path) is required.", nameof(DataSource));
        }

        if (DataSource.Trim() == ":memory:" || DataSource.Contains("mode=memory", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("The SQLite event store needs a file: WAL mode and separate read connections do not work in memory.", nameof(DataSource));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadConnections, 1, nameof(ReadConnections));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(BusyTimeout, TimeSpan.Zero, nameof(BusyTimeout));
    }
}
