using Npgsql;

namespace Governance.Analytics.Hosting;

/// <summary>Settings of the analytics service, bound from the "Analytics" configuration section.</summary>
public sealed class AnalyticsOptions
{
    public const string SectionName = "Analytics";

    /// <summary>
    /// Folder of analytics.db and analytics.lock (created if missing), relative to the working directory like the
    /// incident service's. Used by the SQLite store only.
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// The most events one group commit takes from the queue (a replay batch handed over whole is never split).
    /// Bigger commits cost fewer fsyncs; smaller ones let a SUCCESS and a new snapshot come sooner under a flood.
    /// </summary>
    public int MaxEventsPerCommit { get; set; } = 10_000;

    /// <summary>Which store keeps the projection ("Analytics:Store").</summary>
    public AnalyticsStoreOptions Store { get; set; } = new();

    public void Validate()
    {
        if (MaxEventsPerCommit is < 1 or > 1_000_000)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(MaxEventsPerCommit)} must be between 1 and 1000000; it is {MaxEventsPerCommit}.");
        }
        Store.Validate();
        if (Store.UsesSqlite && string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(DataDirectory)} must name a folder.");
        }
    }
}

/// <summary>The "Analytics:Store" section: which store, and how to reach it.</summary>
public sealed class AnalyticsStoreOptions
{
    public const string SectionPath = AnalyticsOptions.SectionName + ":Store";
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    /// <summary>
    /// <see cref="Sqlite"/> (a file in Analytics:DataDirectory, for one process) or <see cref="Postgres"/> (shared by
    /// every replica of the service). A string rather than an enum, so a wrong value gets a message that names the
    /// setting and the choices instead of the binder's conversion error.
    /// </summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>The Npgsql connection string of the PostgreSQL store; required for Postgres, unused for Sqlite.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// How often a replica reads what the other replicas committed (PostgreSQL): the most a rate lags behind an
    /// event delivered to another replica, beyond that replica's own commit.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public bool UsesPostgres => string.Equals(Provider?.Trim(), Postgres, StringComparison.OrdinalIgnoreCase);

    public bool UsesSqlite => string.Equals(Provider?.Trim(), Sqlite, StringComparison.OrdinalIgnoreCase);

    public void Validate()
    {
        if (!UsesSqlite && !UsesPostgres)
        {
            throw new InvalidOperationException(string.IsNullOrWhiteSpace(Provider)
                ? $"{SectionPath}:{nameof(Provider)} is empty; it must be {Sqlite} or {Postgres}."
                : $"{SectionPath}:{nameof(Provider)} must be {Sqlite} or {Postgres}; it is \"{Provider}\".");
        }
        if (PollInterval < TimeSpan.FromMilliseconds(10) || PollInterval > TimeSpan.FromMinutes(1))
        {
            throw new InvalidOperationException($"{SectionPath}:{nameof(PollInterval)} must be between 00:00:00.010 and 00:01:00; it is {PollInterval}.");
        }
        if (UsesPostgres)
        {
            ValidateConnectionString();
        }
    }

    private void ValidateConnectionString()
    {
        const string Example = "Host=analytics-db;Database=analytics;Username=analytics;Password=...";
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException(
                $"{SectionPath}:{nameof(ConnectionString)} is required when {SectionPath}:{nameof(Provider)} is {Postgres}: an Npgsql connection string such as \"{Example}\".");
        }
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // The connection string itself is not repeated: it may hold a password.
            throw new InvalidOperationException(
                $"{SectionPath}:{nameof(ConnectionString)} is not a valid Npgsql connection string ({e.Message}); expected something like \"{Example}\".", e);
        }
        if (string.IsNullOrWhiteSpace(parsed.Host))
        {
            throw new InvalidOperationException(
                $"{SectionPath}:{nameof(ConnectionString)} names no Host; expected something like \"{Example}\".");
        }
    }
}
