using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Governance.Incidents.Publishing;

namespace Governance.Incidents;

/// <summary>The incident service's spans and metrics (exported by ServiceDefaults when a collector is configured).</summary>
public static class IncidentsTelemetry
{
    public const string Name = "Governance.Incidents";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>The relays running in this process (one in a deployment; tests may start several hosts in one).</summary>
    private static readonly ConcurrentDictionary<IncidentLifeRelay, byte> Relays = new();

    /// <summary>
    /// Bucket bounds in seconds for a command's latency: a decision on cached state takes well under a millisecond, a
    /// durable append a few, a contended one or a slow disk tens to hundreds. The SDK's default bounds assume
    /// milliseconds and would put every command in the first bucket.
    /// </summary>
    private static readonly double[] CommandBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>
    /// Bucket bounds in seconds for how long an event waits before the broker has it: the relay gathers for 100 ms, so
    /// a healthy relay sits in the first few; the long tail is a broker that refused for minutes or a relay that was down.
    /// </summary>
    private static readonly double[] RelayDelayBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

    /// <summary>Reports accepted, tagged with channel and whether the call created the incident or answered a retry.</summary>
    public static readonly Counter<long> Reports = Meter.CreateCounter<long>("governance.reports", "{report}", "Reports received and stored");

    /// <summary>Routing outcomes: Exact, NearestWithinTolerance, Fallback, outside.</summary>
    public static readonly Counter<long> RoutingOutcomes = Meter.CreateCounter<long>("governance.routing.outcomes", "{point}", "Points routed, by how the grid was found");

    /// <summary>Optimistic-concurrency conflicts retried against fresh state.</summary>
    public static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("governance.commands.conflicts", "{conflict}", "Appends that met a newer stream version and were retried");

    /// <summary>
    /// How long a command took in the service, from the call's arrival at the command to its answer, tagged with
    /// governance.command (ReportIncident, DispatchIncident, ...), governance.command.outcome (created, changed,
    /// unchanged, refused, cancelled, failed) and, when it did not succeed, error.type (the gRPC status or the
    /// exception's type).
    /// </summary>
    public static readonly Histogram<double> CommandDuration = Meter.CreateHistogram(
        "governance.command.duration", "s", "Time to decide and store one command", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommandBuckets });

    /// <summary>Deadline alarms the scheduler raised, tagged with kind (Sign, Handle) and level (Warning, Overdue).</summary>
    public static readonly Counter<long> DeadlineAlarms = Meter.CreateCounter<long>("governance.deadlines.alarms", "{alarm}", "Deadline alarms (预警, 超期) raised");

    /// <summary>Incident-life events the relay published (accepted by the broker; republished pages count again).</summary>
    public static readonly Counter<long> RelayPublished = Meter.CreateCounter<long>("governance.relay.published", "{event}", "Incident-life events accepted by the broker");

    /// <summary>
    /// Per published event, the time from the step (its occurred_at, the command's time) until the broker accepted it:
    /// how far behind the relay runs, in seconds. A republished page counts again, with its longer wait.
    /// </summary>
    public static readonly Histogram<double> RelayDelay = Meter.CreateHistogram(
        "governance.relay.delay", "s", "Time from an incident step to the broker accepting its event", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RelayDelayBuckets });

    /// <summary>
    /// Log positions between the head the relay last read and its checkpoint (what the broker has): 0 when it keeps up.
    /// Reported only by a process whose relay runs; a relay stuck on a refused publish keeps reporting the head it read
    /// before it stopped, so the figure is a lower bound then (the health check says why it is stuck).
    /// </summary>
    public static readonly ObservableGauge<long> RelayLag = Meter.CreateObservableGauge(
        "governance.relay.lag", ObserveRelayLag, "{position}", "Log positions not yet published by the relay");

    internal static IDisposable TrackRelay(IncidentLifeRelay relay)
    {
        Relays.TryAdd(relay, 0);
        return new RelayTracking(relay);
    }

    internal static void RecordRelayed(IReadOnlyList<IncidentLifeRecord> published, DateTimeOffset now)
    {
        RelayPublished.Add(published.Count);
        if (!RelayDelay.Enabled)
        {
            return;
        }
        foreach (var record in published)
        {
            if (record.Event.OccurredAt is { } occurred)
            {
                RelayDelay.Record(Math.Max(0, (now - occurred.ToDateTimeOffset()).TotalSeconds));
            }
        }
    }

    /// <summary>Records one command's duration since <paramref name="startedAt"/> (a Stopwatch timestamp) and how it ended.</summary>
    internal static void RecordCommand(string command, long startedAt, string outcome)
    {
        if (CommandDuration.Enabled)
        {
            CommandDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds,
                new KeyValuePair<string, object?>("governance.command", command),
                new KeyValuePair<string, object?>("governance.command.outcome", outcome));
        }
    }

    /// <summary>Records a command that ended in <paramref name="error"/>: refused (the caller's mistake or a conflict), cancelled or failed.</summary>
    internal static void RecordCommand(string command, long startedAt, Exception error)
    {
        if (!CommandDuration.Enabled)
        {
            return;
        }
        var status = error switch
        {
            RpcException rpc => rpc.StatusCode,
            _ => IncidentsExtensions.MapException(error)?.StatusCode,
        };
        var outcome = error is OperationCanceledException ? "cancelled"
            : status is { } code && code is not (StatusCode.Internal or StatusCode.Unknown or StatusCode.Unavailable or StatusCode.DataLoss or StatusCode.DeadlineExceeded) ? "refused"
            : "failed";
        CommandDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds,
            new KeyValuePair<string, object?>("governance.command", command),
            new KeyValuePair<string, object?>("governance.command.outcome", outcome),
            new KeyValuePair<string, object?>("error.type", status?.ToString() ?? error.GetType().FullName));
    }

    private static IEnumerable<Measurement<long>> ObserveRelayLag()
    {
        foreach (var relay in Relays.Keys)
        {
            yield return new Measurement<long>(relay.Lag);
        }
    }

    private sealed class RelayTracking(IncidentLifeRelay relay) : IDisposable
    {
        public void Dispose() => Relays.TryRemove(relay, out _);
    }
}
