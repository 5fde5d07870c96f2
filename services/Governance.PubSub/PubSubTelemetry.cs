using System.Diagnostics.Metrics;

namespace Governance.PubSub;

/// <summary>Pub/sub metrics (exported by ServiceDefaults when a collector is configured).</summary>
public static class PubSubTelemetry
{
    public const string Name = "Governance.PubSub";

    internal static KeyValuePair<string, object?> TopicTag(string? topic) => new("topic", topic);

    private static readonly Meter Meter = new(Name);

    /// <summary>Events the broker accepted, tagged with mode and topic.</summary>
    public static readonly Counter<long> Published = Meter.CreateCounter<long>("governance.pubsub.published", "{event}", "Events accepted by the broker");

    /// <summary>Deliveries a subscriber asked to have again (RETRY or a failure), in embedded mode.</summary>
    public static readonly Counter<long> Redeliveries = Meter.CreateCounter<long>("governance.pubsub.redeliveries", "{delivery}", "Deliveries retried");

    /// <summary>
    /// Events a subscriber dropped (DROP or an unreadable body), tagged with topic: each is a number a dashboard will
    /// miss until someone replays it from the dead-letter topic or rebuilds from the log.
    /// </summary>
    public static readonly Counter<long> Dropped = Meter.CreateCounter<long>("governance.pubsub.dropped", "{event}", "Events dropped by a subscriber");
}
