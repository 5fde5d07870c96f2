using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Governance.PubSub;

/// <summary>Pub/sub spans and metrics (exported by ServiceDefaults when a collector is configured).</summary>
public static class PubSubTelemetry
{
    public const string Name = "Governance.PubSub";

    /// <summary>The producer spans: one "publish {topic}" per event handed to the broker.</summary>
    public static readonly ActivitySource Source = new(Name);

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

    /// <summary>
    /// Starts the producer span of one event and gives back the event as it goes out, its <c>traceparent</c> (and
    /// tracestate) now naming that span; with nobody listening it returns null and the event unchanged, at the cost of
    /// one check.
    /// </summary>
    /// <remarks>
    /// The span is a child of the event's own traceparent (the call that caused it), one per event, rather than one
    /// span per published page with a link to each event's trace. A page batches the events of many reports, so a
    /// page span would sit in a trace of its own and every report's trace would reach the broker and the consumers
    /// only through a link, which most trace views do not follow; a child per event keeps "one trace id finds every
    /// step" true, and matches the wire, where Dapr takes each event as a request of its own and reads the span from
    /// that request's traceparent header. The cost is one span per event, paid only while a listener samples them.
    /// An event without a traceparent gets a span that is a child of whatever is current (a root in the relay's
    /// loop), so the consumers' spans still join a trace.
    /// </remarks>
    internal static Activity? StartPublish(string topic, string system, CloudEvent cloudEvent, out CloudEvent outgoing)
    {
        outgoing = cloudEvent;
        if (!Source.HasListeners())
        {
            return null;
        }
        TraceParents.TryParse(cloudEvent.TraceParent, cloudEvent.TraceState, out var parent);
        var activity = Source.StartActivity("publish " + topic, ActivityKind.Producer, parent);
        if (activity is null)
        {
            return null;
        }
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("messaging.system", system);
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("messaging.operation.name", "publish");
            activity.SetTag("messaging.destination.name", topic);
            activity.SetTag("messaging.message.id", cloudEvent.Id);
            activity.SetTag("cloudevents.event_type", cloudEvent.Type);
            activity.SetTag("cloudevents.event_subject", cloudEvent.Subject);
        }
        outgoing = cloudEvent with { TraceParent = activity.Id, TraceState = activity.TraceStateString };
        return activity;
    }
}
