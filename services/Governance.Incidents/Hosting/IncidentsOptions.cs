using Npgsql;

namespace Governance.Incidents.Hosting;

/// <summary>Settings of the incident service, bound from the "Incidents" configuration section.</summary>
public sealed class IncidentsOptions
{
    public const string SectionName = "Incidents";

    /// <summary>Which store holds the log, the due-time index and the relay checkpoint (Incidents:Store).</summary>
    public StoreOptions Store { get; set; } = new();

    /// <summary>
    /// Folder of the embedded SQLite store (created if missing), relative to the working directory; with any store, the
    /// development signing key (auth/) lives here unless Auth:SigningKeyFile says otherwise.
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// A point outside every grid but at most this far from one is routed to that nearest grid: GPS drift near a
    /// county edge or a river bank should not bounce a report to the county centre.
    /// </summary>
    public double NearestGridToleranceMeters { get; set; } = 200;

    /// <summary>
    /// Beyond the tolerance but within this distance of the county's grids, a report goes to the county command
    /// centre with the reason recorded; farther away it is refused as a wrong point (a swapped latitude and
    /// longitude or a wrong coordinate system lands hundreds of kilometres away).
    /// </summary>
    public double ServiceAreaMarginMeters { get; set; } = 5_000;

    /// <summary>How many incident states stay cached in memory so commands do not reload their stream.</summary>
    public int IncidentCacheCapacity { get; set; } = 100_000;

    /// <summary>
    /// How many worklist changes may wait for one slow WatchWorklist client before its stream is ended (it resumes
    /// from its last position); the projection never waits for a client.
    /// </summary>
    public int WatchBufferCapacity { get; set; } = 1024;

    /// <summary>Seed the generated demo county into an empty store on start.</summary>
    public bool SeedDemoCounty { get; set; } = true;

    /// <summary>The deadline scheduler (Incidents:Deadlines).</summary>
    public DeadlineOptions Deadlines { get; set; } = new();

    public void Validate()
    {
        Store.Validate($"{SectionName}:{nameof(Store)}");
        Deadlines.Validate($"{SectionName}:{nameof(Deadlines)}");
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(DataDirectory)} must name a folder.");
        }
        if (!(NearestGridToleranceMeters >= 0 && NearestGridToleranceMeters <= 10_000))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(NearestGridToleranceMeters)} must be between 0 and 10000 metres; it is {NearestGridToleranceMeters}.");
        }
        if (!(ServiceAreaMarginMeters >= NearestGridToleranceMeters && ServiceAreaMarginMeters <= 200_000))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(ServiceAreaMarginMeters)} must be between the tolerance ({NearestGridToleranceMeters} m) and 200000 metres; it is {ServiceAreaMarginMeters}.");
        }
        if (WatchBufferCapacity is < 1 or > 1_000_000)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(WatchBufferCapacity)} must be between 1 and 1000000; it is {WatchBufferCapacity}.");
        }
        if (IncidentCacheCapacity < 0)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(IncidentCacheCapacity)} must not be negative.");
        }
    }
}

/// <summary>Settings of the deadline scheduler, bound from "Incidents:Deadlines".</summary>
public sealed class DeadlineOptions
{
    /// <summary>
    /// Whether this process raises deadline alarms. Off for a replica that should only serve requests; the index is
    /// then left as it is and the next enabled start catches up from its checkpoint.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The longest the scheduler sleeps without looking at the clock, whatever the next due time: a wall clock set
    /// forward (or a suspended VM waking) is noticed within this.
    /// </summary>
    public TimeSpan MaxSleep { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Log events indexed, and due alarms fired, per step.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>How long an alarm (or a whole pass) that failed waits before it is tried again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate(string section)
    {
        if (MaxSleep < TimeSpan.FromMilliseconds(10) || MaxSleep > TimeSpan.FromMinutes(10))
        {
            throw new InvalidOperationException($"{section}:{nameof(MaxSleep)} must be between 10 ms and 10 minutes; it is {MaxSleep}.");
        }
        if (BatchSize is < 1 or > 10_000)
        {
            throw new InvalidOperationException($"{section}:{nameof(BatchSize)} must be between 1 and 10000; it is {BatchSize}.");
        }
        if (RetryDelay < TimeSpan.FromMilliseconds(10) || RetryDelay > TimeSpan.FromHours(1))
        {
            throw new InvalidOperationException($"{section}:{nameof(RetryDelay)} must be between 10 ms and 1 hour; it is {RetryDelay}.");
        }
    }
}

/// <summary>Where the store is kept.</summary>
public enum StoreProvider
{
    /// <summary>SQLite files in the data folder: one process, nothing to install (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database shared by any number of replicas.</summary>
    Postgres,
}

/// <summary>Settings of the store, bound from "Incidents:Store".</summary>
public sealed class StoreOptions
{
    /// <summary>"Sqlite" (the default) or "Postgres".</summary>
    public string Provider { get; set; } = nameof(StoreProvider.Sqlite);

    /// <summary>The Npgsql connection string, for Postgres (Host, Port, Database, Username, Password ...).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The provider, once <see cref="Validate"/> has accepted it.</summary>
    public StoreProvider ResolvedProvider => ParseProvider(Provider) ?? throw new InvalidOperationException($"Unknown store provider '{Provider}'.");

    public static StoreProvider? ParseProvider(string? provider) => provider?.Trim().ToUpperInvariant() switch
    {
        null or "" or "SQLITE" => StoreProvider.Sqlite,
        "POSTGRES" or "POSTGRESQL" => StoreProvider.Postgres,
        _ => null,
    };

    public void Validate(string section)
    {
        if (ParseProvider(Provider) is not { } provider)
        {
            throw new InvalidOperationException($"{section}:{nameof(Provider)} must be Sqlite or Postgres; it is '{Provider}'.");
        }
        if (provider != StoreProvider.Postgres)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException(
                $"{section}:{nameof(ConnectionString)} must be set for the Postgres provider, e.g. \"Host=db;Database=governance;Username=governance;Password=...\".");
        }
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The message names the bad keyword; the string itself may hold a password and is not repeated.
            throw new InvalidOperationException($"{section}:{nameof(ConnectionString)} is not a valid PostgreSQL connection string: {e.Message}");
        }
        if (string.IsNullOrWhiteSpace(parsed.Host))
        {
            throw new InvalidOperationException($"{section}:{nameof(ConnectionString)} names no Host.");
        }
        if (string.IsNullOrWhiteSpace(parsed.Database))
        {
            throw new InvalidOperationException($"{section}:{nameof(ConnectionString)} names no Database: the service keeps its tables in one database of its own.");
        }
    }
}
