using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Governance.Incidents;

/// <summary>The incident service's spans and metrics (exported by ServiceDefaults when a collector is configured).</summary>
public static class IncidentsTelemetry
{
    public const string Name = "Governance.Incidents";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Reports accepted, tagged with channel and whether the call created the incident or answered a retry.</summary>
    public static readonly Counter<long> Reports = Meter.CreateCounter<long>("governance.reports", "{report}", "Reports received and stored");

    /// <summary>Routing outcomes: Exact, NearestWithinTolerance, Fallback, outside.</summary>
    public static readonly Counter<long> RoutingOutcomes = Meter.CreateCounter<long>("governance.routing.outcomes", "{point}", "Points routed, by how the grid was found");

    /// <summary>Optimistic-concurrency conflicts retried against fresh state.</summary>
    public static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("governance.commands.conflicts", "{conflict}", "Appends that met a newer stream version and were retried");

    /// <summary>Deadline alarms the scheduler raised, tagged with kind (Sign, Handle) and level (Warning, Overdue).</summary>
    public static readonly Counter<long> DeadlineAlarms = Meter.CreateCounter<long>("governance.deadlines.alarms", "{alarm}", "Deadline alarms (预警, 超期) raised");

    /// <summary>Incident-life events the relay published (accepted by the broker; republished pages count again).</summary>
    public static readonly Counter<long> RelayPublished = Meter.CreateCounter<long>("governance.relay.published", "{event}", "Incident-life events accepted by the broker");
}
