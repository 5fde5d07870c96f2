namespace Governance.Incidents.Publishing;

/// <summary>Settings of the incident-life relay, bound from "PubSub:Relay".</summary>
public sealed class RelayOptions
{
    public const string SectionName = "PubSub:Relay";

    /// <summary>
    /// Whether this process may publish the log. Enabled replicas on one store take turns through the relay lease, so
    /// only one publishes at a time; turning it off keeps a replica out of the election altogether.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Log records read, mapped and published per step; the checkpoint moves once per page.</summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>The longest wait between attempts when the broker refuses a page or an event cannot be read.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many incidents' states the relay keeps between pages, so most events need no stream read.</summary>
    public int StateCacheCapacity { get; set; } = 10_000;

    public void Validate()
    {
        if (BatchSize is < 1 or > 10_000)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(BatchSize)} must be between 1 and 10000; it is {BatchSize}.");
        }
        if (MaxRetryDelay < TimeSpan.FromMilliseconds(10) || MaxRetryDelay > TimeSpan.FromMinutes(10))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(MaxRetryDelay)} must be between 10 ms and 10 minutes; it is {MaxRetryDelay}.");
        }
        if (StateCacheCapacity is < 0 or > 10_000_000)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(StateCacheCapacity)} must be between 0 and 10000000; it is {StateCacheCapacity}.");
        }
    }
}
