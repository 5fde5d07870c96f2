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

    public void Validate()
    {
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
