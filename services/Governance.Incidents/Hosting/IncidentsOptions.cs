namespace Governance.Incidents.Hosting;

/// <summary>Settings of the incident service, bound from the "Incidents" configuration section.</summary>
public sealed class IncidentsOptions
{
    public const string SectionName = "Incidents";

    /// <summary>Folder of the embedded SQLite store (created if missing), relative to the working directory.</summary>
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
