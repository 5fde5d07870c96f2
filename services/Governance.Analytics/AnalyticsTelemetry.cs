using System.Diagnostics;
using System.Diagnostics.Metrics;
using Governance.Contracts.V1;
using Governance.PubSub;

namespace Governance.Analytics;

/// <summary>The analytics service's spans and metrics (exported by ServiceDefaults when a collector is configured).</summary>
public static class AnalyticsTelemetry
{
    public const string Name = "Governance.Analytics";

    /// <summary>The name of the span of one delivery into the projection, whatever topic it came on.</summary>
    public const string ProjectSpanName = "project incident-life";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>
    /// Bucket bounds in seconds from a step in the incident service to its commit here: relay gathering, the broker
    /// and the group commit take a fraction of a second when all is well; minutes and hours are an outage caught up.
    /// </summary>
    private static readonly double[] LagBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400];

    /// <summary>
    /// End-to-end freshness of the leaders' figures: per delivered event that changed the projection, the seconds from
    /// the step (its occurred_at, stamped by the incident service) until its commit here made it visible. Duplicates
    /// and replays are not recorded: they change no figure, and a rebuild's age says nothing about freshness. Across
    /// machines it includes their clocks' difference; a negative difference is recorded as 0.
    /// </summary>
    public static readonly Histogram<double> ProjectionLag = Meter.CreateHistogram(
        "governance.analytics.projection.lag", "s", "Time from an incident step to the analytics commit that shows it", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });

    /// <summary>
    /// The span of one delivery into the projection, continuing the trace the event carries in its traceparent, or
    /// null when nobody listens. When the current span (the delivery request, or the embedded broker's publish span)
    /// already belongs to that trace, it is the nearer parent; otherwise the event's context is the parent and the
    /// current span a link. An event without a valid traceparent starts a new trace of its own (linked to the
    /// delivery, if there is one): it is not part of whatever request happens to carry it.
    /// </summary>
    internal static Activity? StartProjection(CloudEvent cloudEvent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var current = Activity.Current;
        Activity? activity;
        if (TraceParents.TryParse(cloudEvent.TraceParent, cloudEvent.TraceState, out var carried))
        {
            activity = current is not null && current.TraceId == carried.TraceId
                ? Source.StartActivity(ProjectSpanName, ActivityKind.Consumer)
                : Source.StartActivity(ProjectSpanName, ActivityKind.Consumer, carried, links: current is null ? null : [new ActivityLink(current.Context)]);
        }
        else
        {
            // A default parent means "the current span"; for a root the current one is set aside while the span starts.
            Activity.Current = null;
            activity = Source.StartActivity(ProjectSpanName, ActivityKind.Consumer, default(ActivityContext),
                links: current is null ? null : [new ActivityLink(current.Context)]);
            if (activity is null)
            {
                Activity.Current = current;
            }
        }
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.operation.name", "project");
            activity.SetTag("messaging.destination.name", cloudEvent.Topic);
            activity.SetTag("messaging.message.id", cloudEvent.Id);
            activity.SetTag("cloudevents.event_type", cloudEvent.Type);
            activity.SetTag("governance.incident_id", cloudEvent.Subject);
        }
        return activity;
    }

    /// <summary>Ends the delivery's span with its outcome: SUCCESS is fine, RETRY and DROP are errors someone should see.</summary>
    internal static void EndProjection(Activity? activity, DeliveryOutcome outcome)
    {
        if (activity is null)
        {
            return;
        }
        activity.SetTag("governance.delivery.outcome", outcome.ToString());
        if (outcome != DeliveryOutcome.Success)
        {
            activity.SetStatus(ActivityStatusCode.Error, outcome == DeliveryOutcome.Drop ? "dropped" : "to be delivered again");
        }
    }

    internal static void RecordLag(IncidentLifeEvent lifeEvent, DateTimeOffset committedAt)
    {
        if (ProjectionLag.Enabled && lifeEvent.OccurredAt is { } occurred)
        {
            ProjectionLag.Record(Math.Max(0, (committedAt - occurred.ToDateTimeOffset()).TotalSeconds));
        }
    }
}
