namespace Governance.Analytics.Hosting;

/// <summary>Settings of the analytics service, bound from the "Analytics" configuration section.</summary>
public sealed class AnalyticsOptions
{
    public const string SectionName = "Analytics";

    /// <summary>
    /// Folder of analytics.db and analytics.lock (created if missing), relative to the working directory like the
    /// incident service's.
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// The most events one group commit takes from the queue (a replay batch handed over whole is never split).
    /// Bigger commits cost fewer fsyncs; smaller ones let a SUCCESS and a new snapshot come sooner under a flood.
    /// </summary>
    public int MaxEventsPerCommit { get; set; } = 10_000;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(DataDirectory)} must name a folder.");
        }
        if (MaxEventsPerCommit is < 1 or > 1_000_000)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(MaxEventsPerCommit)} must be between 1 and 1000000; it is {MaxEventsPerCommit}.");
        }
    }
}
